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
        assertEquals(48, all.size());
        assertEquals(all.size(), new HashSet<>(Presets.names()).size(), "names are unique");
        for (Preset p : all) {
            assertTrue(p.spec().isEpisodic() || p.spec().isSelfSupervised() || "standard".equals(p.spec().method())
                    || p.spec().auxiliary() != null, p.name());
            assertTrue(p.target().accuracy() != null || p.target().note() != null, p.name());
            assertTrue(p.data().importCommand().startsWith("bin/metaloop data "), p.name());
            assertFalse(p.target().source().isBlank(), p.name());
            assertEquals(p, Json.read(Json.write(p), Preset.class), p.name() + " survives JSON");
        }
    }

    @Test
    void theRelationalReasoningPresetsCarryTheSeedsSettingsAndTargets() {
        Preset rr = Presets.find("rr-cifar10-conv4").orElseThrow();
        assertEquals(61.03, rr.target().accuracy());
        assertEquals(32, rr.spec().augment().views());
        assertEquals(64, rr.spec().batchSize());
        assertEquals(200, rr.spec().epochs());
        assertEquals("focal", rr.spec().relationalReasoning().loss());
        assertEquals(List.of(0.491, 0.482, 0.447), rr.spec().normalize().mean());
        assertEquals(100, rr.spec().linearEvaluation().epochs());
        assertEquals(60.43, Presets.find("simclr-cifar10-conv4").orElseThrow().target().accuracy());
        Preset stl = Presets.find("rr-stl10-resnet34").orElseThrow();
        assertEquals("unlabeled", stl.spec().splits().train());
        assertEquals("train", stl.spec().linearEvaluation().trainSplit());
        assertEquals(300, stl.spec().epochs());
        assertEquals(1, Presets.find("rr-cifar100-coarse-grain").orElseThrow().spec().linearEvaluation().level());
        assertEquals("cifar100", Presets.find("rr-cifar10-to-cifar100").orElseThrow().spec().linearEvaluation().dataset());
    }

    @Test
    void theMaxlPresetsCarryTheSeedsSettings() {
        ExperimentSpec maxl = Presets.find("maxl-cifar100-vgg16").orElseThrow().spec();
        assertEquals(java.util.Collections.nCopies(20, 5), maxl.maxl().psi());
        assertEquals(1, maxl.maxl().primaryLevel(), "CIFAR-100's coarse level");
        assertEquals("exact", maxl.maxl().metaGradient());
        assertEquals(0.2, maxl.maxl().entropyWeight());
        assertEquals(0.0, maxl.maxl().maskEpsilon());
        assertEquals("fixed", maxl.maxl().virtualStepRate());
        assertEquals(new io.metaloop.contracts.spec.OptimizerSpec("sgd", 0.01, 0.0, false, 0.0,
                new io.metaloop.contracts.spec.ScheduleSpec("step", 50, List.of(), 0.5, 0.0)), maxl.optimizer());
        assertEquals(new io.metaloop.contracts.spec.OptimizerSpec("sgd", 1e-3, 0.0, false, 5e-4,
                new io.metaloop.contracts.spec.ScheduleSpec("step", 50, List.of(), 0.5, 0.0)), maxl.maxl().generatorOptimizer());
        assertEquals(200, maxl.epochs());
        assertEquals(100, maxl.batchSize());
        assertEquals(List.of(0.5, 0.5, 0.5), maxl.normalize().mean());
        assertEquals("first-order", Presets.find("maxl-first-order-cifar100-vgg16").orElseThrow().spec().maxl().metaGradient());
        // every primary/auxiliary pair of the paper, psi summing to the auxiliary level's classes
        for (String pair : List.of("3-10", "3-20", "3-100", "10-20", "10-100")) {
            ExperimentSpec s = Presets.find("maxl-cifar100-" + pair).orElseThrow().spec();
            int primary = Integer.parseInt(pair.split("-")[0]);
            int auxiliary = Integer.parseInt(pair.split("-")[1]);
            assertEquals(primary, s.maxl().psi().size(), pair);
            assertEquals(auxiliary, s.maxl().auxiliaryClassesOfPsi(), pair);
            assertTrue(Presets.find("human-cifar100-" + pair).isPresent(), pair);
        }
        assertEquals(0, Presets.find("human-cifar100-vgg16").orElseThrow().spec().human().auxiliaryLevel());
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
