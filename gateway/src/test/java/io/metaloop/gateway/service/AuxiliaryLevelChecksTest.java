package io.metaloop.gateway.service;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.contracts.DatasetInfo;
import io.metaloop.contracts.ExperimentSpec;
import io.metaloop.contracts.FieldError;
import io.metaloop.contracts.InvalidMessageException;
import io.metaloop.contracts.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The auxiliary family's label levels are checked against the catalogue before a job is queued:
 * a level the dataset lacks and a ψ with another count than the primary level's classes are
 * refused naming the field.
 */
class AuxiliaryLevelChecksTest {
    private static final DatasetInfo.Level TEN = new DatasetInfo.Level("class",
            List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"));
    private static final DatasetInfo.Level FIVE = new DatasetInfo.Level("group", List.of("a", "b", "c", "d", "e"));
    private static final Map<String, Long> SPLITS = Map.of("train", 60_000L, "test", 10_000L);
    private static final DatasetInfo GROUPS = new DatasetInfo("fashion-mnist-groups", 1, 28, 28, List.of(TEN, FIVE), SPLITS);
    private static final DatasetInfo FLAT = new DatasetInfo("fashion-mnist", 1, 28, 28, List.of(TEN), SPLITS);

    private static ExperimentSpec spec(String method, String dataset, String section) {
        return Json.read("{\"method\":\"" + method + "\",\"dataset\":\"" + dataset + "\",\"backbone\":\"conv4\",\"epochs\":1,"
                + "\"batchSize\":64" + section + "}", ExperimentSpec.class);
    }

    private static List<FieldError> problems(ExperimentSpec spec, DatasetInfo dataset) {
        return assertThrows(InvalidMessageException.class, () -> ExperimentService.checkAgainstDataset(spec, dataset)).errors();
    }

    @Test
    void aHierarchyWithTheRightPsiIsAccepted() {
        assertDoesNotThrow(() -> ExperimentService.checkAgainstDataset(spec("maxl", "fashion-mnist-groups",
                ",\"maxl\":{\"psi\":[2,2,2,2,2]}"), GROUPS));
        assertDoesNotThrow(() -> ExperimentService.checkAgainstDataset(spec("human", "fashion-mnist-groups", ""), GROUPS));
    }

    @Test
    void missingLevelsAndAWrongPsiAreNamed() {
        List<FieldError> flat = problems(spec("single", "fashion-mnist", ""), FLAT);
        assertEquals("single.primaryLevel", flat.get(0).field());
        assertTrue(flat.get(0).message().contains("--hierarchy"), flat.get(0).message());
        List<FieldError> psi = problems(spec("maxl", "fashion-mnist-groups", ",\"maxl\":{\"psi\":[2,2,2,4]}"), GROUPS);
        assertEquals("maxl.psi", psi.get(0).field());
        assertTrue(psi.get(0).message().contains("5 classes"), psi.get(0).message());
        List<FieldError> human = problems(spec("human", "fashion-mnist-groups", ",\"human\":{\"auxiliaryLevel\":3}"), GROUPS);
        assertEquals("human.auxiliaryLevel", human.get(0).field());
    }
}
