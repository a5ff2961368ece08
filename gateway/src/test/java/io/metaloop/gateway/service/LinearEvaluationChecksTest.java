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
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Unlabelled images (STL-10's {@code unlabeled} split, labels −1) may pre-train a
 * self-supervised method but never reach a classifier or an evaluation: such requests are refused
 * naming the field and the split, as are linear evaluations on datasets of another shape.
 */
class LinearEvaluationChecksTest {
    private static final List<DatasetInfo.Level> TEN = List.of(new DatasetInfo.Level("class",
            List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9")));
    private static final DatasetInfo STL = new DatasetInfo("stl10", 3, 96, 96, TEN,
            Map.of("train", 5_000L, "test", 8_000L, "unlabeled", 100_000L),
            Map.of("train", new DatasetInfo.SplitClasses(10, 500), "test", new DatasetInfo.SplitClasses(10, 800),
                    "unlabeled", new DatasetInfo.SplitClasses(0, 0)));
    private static final DatasetInfo CIFAR = new DatasetInfo("cifar10", 3, 32, 32, TEN, Map.of("train", 50_000L, "test", 10_000L));
    private static final Function<String, DatasetInfo> CATALOGUE = name -> switch (name) {
        case "stl10" -> STL;
        case "cifar10" -> CIFAR;
        default -> throw new InvalidMessageException("dataset", "unknown dataset '" + name + "'");
    };

    private static ExperimentSpec spec(String json) {
        return Json.read(json, ExperimentSpec.class);
    }

    private static List<FieldError> problems(String json) {
        ExperimentSpec spec = spec(json);
        DatasetInfo trained = CATALOGUE.apply(spec.dataset());
        InvalidMessageException e = assertThrows(InvalidMessageException.class, () -> {
            ExperimentService.checkAgainstDataset(spec, trained);
            ExperimentService.checkLinearEvaluation(spec, trained, CATALOGUE);
        });
        return e.errors();
    }

    @Test
    void selfSupervisedPreTrainingOnTheUnlabelledSplitIsAllowed() {
        ExperimentSpec spec = spec("""
                {"method": "rotation", "dataset": "stl10", "backbone": "resnet34", "epochs": 300, "batchSize": 128,
                 "splits": {"train": "unlabeled"}}""");
        assertDoesNotThrow(() -> ExperimentService.checkAgainstDataset(spec, STL));
        assertDoesNotThrow(() -> ExperimentService.checkLinearEvaluation(spec, STL, CATALOGUE));
        assertEquals("train", spec.linearEvaluation().trainSplit());
    }

    @Test
    void aClassifierOnUnlabelledImagesIsRefusedNamingTheSplit() {
        FieldError train = problems("""
                {"method": "standard", "dataset": "stl10", "backbone": "resnet34", "epochs": 1, "batchSize": 128,
                 "splits": {"train": "unlabeled"}}""").get(0);
        assertEquals("splits.train", train.field());
        assertTrue(train.message().contains("'unlabeled'") && train.message().contains("no labels"), train.message());

        FieldError linear = problems("""
                {"method": "simclr", "dataset": "stl10", "backbone": "resnet34", "epochs": 1, "batchSize": 128,
                 "splits": {"train": "unlabeled"}, "linearEvaluation": {"trainSplit": "unlabeled"}}""").get(0);
        assertEquals("linearEvaluation.trainSplit", linear.field());
        assertTrue(linear.message().contains("'unlabeled'"), linear.message());

        FieldError test = problems("""
                {"method": "supervised", "dataset": "stl10", "backbone": "resnet34", "epochs": 1, "batchSize": 128,
                 "splits": {"test": "unlabeled"}}""").get(0);
        assertEquals("splits.test", test.field());
    }

    @Test
    void crossDomainNeedsAKnownDatasetOfTheSameShapeAndAnExistingLevel() {
        assertEquals("linearEvaluation.dataset", problems("""
                {"method": "relational-reasoning", "dataset": "cifar10", "backbone": "conv4", "epochs": 1, "batchSize": 64,
                 "linearEvaluation": {"dataset": "stl10"}}""").get(0).field());
        assertEquals("linearEvaluation.dataset", problems("""
                {"method": "relational-reasoning", "dataset": "cifar10", "backbone": "conv4", "epochs": 1, "batchSize": 64,
                 "linearEvaluation": {"dataset": "imagenet"}}""").get(0).field());
        assertEquals("linearEvaluation.level", problems("""
                {"method": "relational-reasoning", "dataset": "cifar10", "backbone": "conv4", "epochs": 1, "batchSize": 64,
                 "linearEvaluation": {"level": 1}}""").get(0).field());
    }
}
