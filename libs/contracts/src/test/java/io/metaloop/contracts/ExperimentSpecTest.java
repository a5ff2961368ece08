package io.metaloop.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.contracts.spec.MamlSpec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExperimentSpecTest {
    private static ExperimentSpec json(String body) {
        return Json.readStrict(body.getBytes(StandardCharsets.UTF_8), ExperimentSpec.class);
    }

    private static ExperimentSpec yaml(String body) {
        return Json.readStrictYaml(body.getBytes(StandardCharsets.UTF_8), ExperimentSpec.class);
    }

    private static List<String> fields(Runnable r) {
        InvalidMessageException e = assertThrows(InvalidMessageException.class, r::run);
        return e.errors().stream().map(FieldError::field).toList();
    }

    @Test
    void aSupervisedSpecGetsItsDefaultsWritten() {
        ExperimentSpec spec = json("""
                {"method": "supervised", "dataset": "fashion-mnist", "backbone": "conv4", "epochs": 3, "batchSize": 64,
                 "optimizer": {"learningRate": 0.003}}""");
        assertEquals(0L, spec.seed());
        assertEquals("adam", spec.optimizer().name());
        assertEquals(0.003, spec.optimizer().learningRate());
        assertEquals("constant", spec.optimizer().schedule().name());
        assertEquals("train", spec.splits().train());
        assertEquals("test", spec.splits().test());
        assertNull(spec.splits().validation());
        assertNull(spec.evaluation(), "a supervised experiment is tested on its split's accuracy");
        assertNull(spec.episodes());
        assertEquals(Augmentation.NONE, spec.augment());
        assertEquals(spec, Json.read(Json.write(spec), ExperimentSpec.class), "the stored form reads back the same");
    }

    @Test
    void aMinimalMamlSpecInYamlIsCompletedWithPyTorchMamlsDefaults() {
        ExperimentSpec spec = yaml("""
                method: maml
                dataset: omniglot
                backbone: convnet4
                epochs: 10
                episodes: {ways: 5, shots: 1}
                """);
        assertEquals(5, spec.episodes().ways());
        assertEquals(15, spec.episodes().queries());
        assertEquals(4, spec.episodes().metaBatch());
        assertEquals(200, spec.episodes().metaBatchesPerEpoch());
        MamlSpec maml = spec.maml();
        assertEquals(5, maml.inner().steps());
        assertEquals(10, maml.inner().testSteps());
        assertEquals(0.01, maml.inner().encoderLr());
        assertEquals(0.01, maml.inner().classifierLr());
        assertEquals(List.of(), maml.inner().frozen());
        assertEquals(false, maml.firstOrder());
        assertEquals("transductive", maml.batchNorm());
        assertEquals(10.0, maml.clipGradient());
        assertEquals(1.0, maml.temperature().value());
        assertEquals("adam", spec.optimizer().name());
        assertEquals(0.001, spec.optimizer().learningRate());
        // the test protocol defaults to the training shape over 600 trials, with the method's test-time inner steps
        assertEquals(5, spec.evaluation().ways());
        assertEquals(1, spec.evaluation().shots());
        assertEquals(600, spec.evaluation().trials());
        assertEquals(10, spec.evaluation().innerSteps());
        assertEquals("transductive", spec.evaluation().batchNorm());
        assertEquals("last", spec.evaluation().checkpoint(), "no meta-validation, so the last checkpoint");
        assertEquals("method", spec.evaluation().head());
        assertEquals(spec, Json.read(Json.write(spec), ExperimentSpec.class));
    }

    @Test
    void variantsTakeTheirOwnDefaults() {
        ExperimentSpec anil = json("""
                {"method": "anil", "dataset": "d", "backbone": "convnet4", "epochs": 1, "episodes": {"ways": 5, "shots": 5}}""");
        assertEquals(List.of("encoder"), anil.anil().inner().frozen(), "ANIL adapts only the head");
        ExperimentSpec fomaml = json("""
                {"method": "fomaml", "dataset": "d", "backbone": "convnet4", "epochs": 1}""");
        assertTrue(fomaml.fomaml().firstOrder());
        ExperimentSpec reptile = json("""
                {"method": "reptile", "dataset": "d", "backbone": "convnet4", "epochs": 1}""");
        assertEquals("sgd", reptile.optimizer().name());
        assertEquals(0.0, reptile.optimizer().momentum(), "Reptile's meta-step is plain SGD");
        assertEquals(50, reptile.evaluation().innerSteps());
        ExperimentSpec sgd = json("""
                {"method": "maml", "dataset": "d", "backbone": "convnet4", "epochs": 1, "optimizer": {"name": "sgd", "learningRate": 0.01}}""");
        assertEquals(0.9, sgd.optimizer().momentum(), "PyTorch-MAML's SGD always has momentum 0.9");
        ExperimentSpec proto = json("""
                {"method": "protonet", "dataset": "d", "backbone": "convnet4", "epochs": 1, "episodes": {"ways": 60, "shots": 5, "queries": 5},
                 "evaluation": {"ways": 5, "shots": 5}}""");
        assertEquals("inductive", proto.protonet().batchNorm());
        assertEquals(60, proto.episodes().ways(), "training ways may differ from the test's");
        assertEquals(5, proto.evaluation().ways());
        assertNull(proto.evaluation().innerSteps(), "prototypes have no inner loop");
    }

    @Test
    void everyProblemIsReportedAtOnceUnderItsFullPath() {
        List<String> problems = fields(() -> json("""
                {"method": "maml", "dataset": "Omniglot!", "backbone": "convnet4", "epochs": 0, "batchSize": 32,
                 "episodes": {"ways": 1, "shots": 0},
                 "optimizer": {"name": "adagrad", "learningRate": -1, "schedule": {"name": "multistep"}},
                 "maml": {"inner": {"steps": 0, "encoderLr": -0.1, "frozen": [""]}, "batchNorm": "sometimes"},
                 "protonet": {}}"""));
        assertEquals(List.of("dataset", "epochs", "protonet", "optimizer.name", "optimizer.learningRate",
                "optimizer.schedule.milestones", "batchSize", "episodes.ways", "episodes.shots", "maml.inner.steps",
                "maml.inner.encoderLr", "maml.inner.frozen[0]", "maml.batchNorm"), problems);
    }

    @Test
    void methodRulesAreExplained() {
        InvalidMessageException e = assertThrows(InvalidMessageException.class, () -> json("""
                {"method": "fomaml", "dataset": "d", "backbone": "convnet4", "epochs": 1, "fomaml": {"firstOrder": false}}"""));
        assertTrue(e.getMessage().contains("fomaml.firstOrder: fomaml is first-order by definition"), e.getMessage());
        assertEquals(List.of("episodes"), fields(() -> json("""
                {"method": "supervised", "dataset": "d", "backbone": "conv4", "epochs": 1, "batchSize": 8, "episodes": {}}""")));
        assertEquals(List.of("batchSize"), fields(() -> json("""
                {"method": "supervised", "dataset": "d", "backbone": "conv4", "epochs": 1}""")));
        assertEquals(List.of("validation"), fields(() -> json("""
                {"method": "maml", "dataset": "d", "backbone": "convnet4", "epochs": 1, "validation": {"trials": 10}}""")));
        assertEquals(List.of("evaluation.checkpoint"), fields(() -> json("""
                {"method": "maml", "dataset": "d", "backbone": "convnet4", "epochs": 1, "evaluation": {"checkpoint": "best"}}""")));
        assertEquals(List.of("optimizer.momentum"), fields(() -> json("""
                {"method": "maml", "dataset": "d", "backbone": "convnet4", "epochs": 1, "optimizer": {"name": "adam", "momentum": 0.9}}""")));
    }

    @Test
    void metaValidationNamesItsSplitAndMakesBestTheDefaultCheckpoint() {
        ExperimentSpec spec = json("""
                {"method": "maml", "dataset": "d", "backbone": "convnet4", "epochs": 1,
                 "splits": {"validation": "val"}, "evaluation": {"ways": 20}}""");
        assertEquals("val", spec.splits().validation());
        assertEquals("best", spec.evaluation().checkpoint());
        assertEquals(100, spec.validation().trials());
        assertEquals(20, spec.validation().ways(), "validation episodes take the evaluation's shape");
        assertEquals(spec, Json.read(Json.write(spec), ExperimentSpec.class));
    }

    @Test
    void unknownFieldsAreRefusedWithTheirPathInJsonAndYaml() {
        InvalidMessageException e = assertThrows(InvalidMessageException.class, () -> json("""
                {"method": "maml", "dataset": "d", "backbone": "convnet4", "epochs": 1, "maml": {"inner": {"step": 3}}}"""));
        assertEquals(List.of(new FieldError("maml.inner.step", "unknown field")), e.errors());
        e = assertThrows(InvalidMessageException.class, () -> yaml("method: maml\nepoch: 3\n"));
        assertEquals("epoch", e.errors().get(0).field());
        e = assertThrows(InvalidMessageException.class, () -> yaml("method: maml\nmaml:\n  inner: [1, 2\n"));
        assertTrue(e.getMessage().contains("line"), e.getMessage());
        e = assertThrows(InvalidMessageException.class, () -> json("{\"method\": \"maml\", \"episodes\": {\"ways\": \"five\"}}"));
        assertEquals("episodes.ways", e.errors().get(0).field());
    }

    @Test
    void missingFieldsAreRequired() {
        assertEquals(List.of("method", "dataset", "backbone", "epochs"), fields(() -> json("{}")));
        assertEquals(List.of("$"), fields(() -> Json.readStrictYaml(new byte[0], ExperimentSpec.class)));
    }

    @Test
    void aSectionOfAnotherMethodIsRefused() {
        InvalidMessageException e = assertThrows(InvalidMessageException.class, () -> json("""
                {"method": "maml", "dataset": "d", "backbone": "convnet4", "epochs": 1, "meta-sgd": {}}"""));
        assertEquals(List.of(new FieldError("meta-sgd",
                "is the section of the method 'meta-sgd'; this experiment's method is 'maml'")), e.errors());
        ExperimentSpec metaSgd = json("""
                {"method": "meta-sgd", "dataset": "d", "backbone": "convnet4", "epochs": 1, "meta-sgd": {"inner": {"steps": 1}}}""");
        assertEquals(1, metaSgd.metaSgd().inner().steps());
        assertTrue(Json.writeString(metaSgd).contains("\"meta-sgd\":{"), Json.writeString(metaSgd));
    }

    private static ExperimentSpec auxiliary(String method, String extra) {
        return Json.read("{\"method\":\"" + method + "\",\"dataset\":\"cifar100\",\"backbone\":\"vgg16\",\"epochs\":3,"
                + "\"batchSize\":100" + extra + "}", ExperimentSpec.class);
    }

    @Test
    void theAuxiliaryFamilyTakesMaxlsDefaults() {
        ExperimentSpec maxl = auxiliary("maxl", ",\"maxl\":{\"psi\":[5,5]}");
        assertEquals(1, maxl.maxl().primaryLevel());
        assertEquals("exact", maxl.maxl().metaGradient());
        assertEquals(0.2, maxl.maxl().entropyWeight());
        assertEquals(2.0, maxl.maxl().focalGamma());
        assertEquals(Boolean.TRUE, maxl.maxl().firstOrderEntropy());
        assertEquals("sgd", maxl.optimizer().name());
        assertEquals(0.01, maxl.optimizer().learningRate());
        assertEquals(0.0, maxl.optimizer().momentum());
        assertEquals("step", maxl.optimizer().schedule().name());
        assertEquals(5e-4, maxl.maxl().generatorOptimizer().weightDecay());
        assertEquals(1e-3, maxl.maxl().generatorOptimizer().learningRate());
        ExperimentSpec human = auxiliary("human", "");
        assertEquals(0, human.human().auxiliaryLevel());
        assertEquals(null, human.human().psi());
        assertEquals(1, auxiliary("single", "").single().primaryLevel());
        assertEquals(maxl, Json.read(Json.write(maxl), ExperimentSpec.class), "survives JSON");
    }

    @Test
    void auxiliaryFamilyErrorsNameTheirFields() {
        assertEquals(List.of("maxl.psi"), fields(() -> auxiliary("maxl", "")));
        assertEquals(List.of("maxl.psi[1]"), fields(() -> auxiliary("maxl", ",\"maxl\":{\"psi\":[2,0]}")));
        assertEquals(List.of("maxl.auxiliaryLevel"), fields(() -> auxiliary("maxl", ",\"maxl\":{\"psi\":[2,2],\"auxiliaryLevel\":0}")));
        assertEquals(List.of("single.psi"), fields(() -> auxiliary("single", ",\"single\":{\"psi\":[2,2]}")));
        assertEquals(List.of("human.auxiliaryLevel"), fields(() -> auxiliary("human", ",\"human\":{\"primaryLevel\":0}")));
        assertEquals(List.of("maxl.metaGradient"),
                fields(() -> auxiliary("maxl", ",\"maxl\":{\"psi\":[2,2],\"metaGradient\":\"second\"}")));
        assertEquals(List.of("maxl.maskEpsilon"), fields(() -> auxiliary("maxl", ",\"maxl\":{\"psi\":[2,2],\"maskEpsilon\":1}")));
        assertEquals(List.of("optimizer.name"),
                fields(() -> auxiliary("maxl", ",\"maxl\":{\"psi\":[2,2]},\"optimizer\":{\"name\":\"adam\"}")));
        assertEquals(List.of("human"), fields(() -> auxiliary("maxl", ",\"maxl\":{\"psi\":[2,2]},\"human\":{}")));
    }
}
