package io.metaloop.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shipped presets: each is a valid spec with a target (or the reason there is none) and an import command. */
class PresetsTest {
    @Test
    void everyPresetIsAValidSpecWithItsTargetAndData() {
        List<Preset> all = Presets.all();
        assertEquals(13, all.size());
        assertEquals(all.size(), new HashSet<>(Presets.names()).size(), "names are unique");
        for (Preset p : all) {
            assertTrue(p.spec().isEpisodic(), p.name());
            assertTrue(p.target().accuracy() != null || p.target().note() != null, p.name());
            assertTrue(p.data().importCommand().startsWith("bin/metaloop data "), p.name());
            assertFalse(p.target().source().isBlank(), p.name());
            assertEquals(p, Json.read(Json.write(p), Preset.class), p.name() + " survives JSON");
        }
    }

    @Test
    void theReproduceSettingIsPyTorchMamls() {
        Preset p = Presets.find("pytorch-maml-mini-imagenet-5w1s-reproduce").orElseThrow();
        assertEquals(48.70, p.target().accuracy());
        ExperimentSpec s = p.spec();
        assertEquals(300, s.epochs());
        assertEquals(200, s.episodes().metaBatchesPerEpoch());
        assertEquals(4, s.episodes().metaBatch());
        assertEquals(List.of("bn"), s.maml().inner().frozen());
        assertEquals("transductive", s.maml().batchNorm());
        assertEquals(1, s.evaluation().queries(), "the seed tests 1-shot with one query per class");
        assertEquals(10, s.evaluation().innerSteps());
        assertEquals(4, s.evaluation().batchMeansOf());
        Preset template = Presets.find("pytorch-maml-mini-imagenet-5w5s-template").orElseThrow();
        assertEquals("inductive-episodic", template.spec().maml().batchNorm());
        assertTrue(template.spec().maml().resetClassifier());
        assertEquals(List.of(120, 140), template.spec().optimizer().schedule().milestones());
        assertEquals(8000, template.spec().evaluation().trials());
        assertEquals(null, template.target().accuracy(), "no published figure for the template");
    }
}
