package io.metaloop.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AugmentationTest {
    private static List<String> fields(Runnable r) {
        InvalidMessageException e = assertThrows(InvalidMessageException.class, r::run);
        return e.errors().stream().map(FieldError::field).toList();
    }

    @Test
    void aPresetExpandsIntoItsStepsAndSurvivesJson() {
        Augmentation a = Augmentation.preset("simclr", 4);
        assertEquals(List.of("random-resized-crop", "horizontal-flip", "color-jitter", "grayscale"),
                a.steps().stream().map(AugmentStep::op).toList());
        assertEquals(0.8, a.steps().get(2).arg("brightness"));
        assertEquals(0.2, a.steps().get(3).arg("p"));
        assertEquals(a, Json.read(Json.write(a), Augmentation.class));
        Augmentation fromJson = Json.read("{\"preset\": \"crop-flip\", \"views\": 2}", Augmentation.class);
        assertEquals(Augmentation.PRESETS.get("crop-flip"), fromJson.steps());
    }

    @Test
    void stepArgumentsAreCheckedByNameRangeAndKind() {
        assertEquals(List.of("op"), fields(() -> AugmentStep.of("mosaic")));
        assertEquals(List.of("args.angle"), fields(() -> AugmentStep.of("random-affine", "angle", 3)));
        assertEquals(List.of("args.p"), fields(() -> AugmentStep.of("horizontal-flip", "p", 1.5)));
        assertEquals(List.of("args.padding"), fields(() -> AugmentStep.of("random-crop", "padding", 2.5)));
        assertEquals(List.of("args.scaleMin"), fields(() -> AugmentStep.of("random-resized-crop", "scaleMin", 0.9, "scaleMax", 0.5)));
        assertEquals(List.of("views"), fields(() -> new Augmentation(null, List.of(), 0)));
        assertEquals(List.of("preset"), fields(() -> Augmentation.preset("autoaugment", 1)));
        assertEquals(List.of("steps"), fields(() -> new Augmentation(null, null, 1)));
        assertTrue(Double.isNaN(AugmentStep.of("random-crop").arg("size")), "size defaults to the image's side");
    }

    @Test
    void aBadStepInsideAnExperimentIsNamedByItsPath() {
        String body = """
                {"method": "supervised", "dataset": "d", "backbone": "conv4", "epochs": 1, "batchSize": 8,
                 "optimizer": {"learningRate": 0.1}, "seed": 1,
                 "augment": {"views": 2, "steps": [{"op": "horizontal-flip"}, {"op": "random-crop", "args": {"padding": -1}}]}}
                """;
        InvalidMessageException e = assertThrows(InvalidMessageException.class, () -> Json.read(body, ExperimentSpec.class));
        assertEquals("augment.steps[1].args.padding", e.errors().get(0).field());
    }

    @Test
    void messagesWrittenBeforeAugmentationExistedStillRead() {
        String old = """
                {"method": "supervised", "dataset": "d", "backbone": "conv4", "epochs": 1, "batchSize": 8,
                 "optimizer": {"learningRate": 0.1}, "seed": 1}
                """;
        assertEquals(Augmentation.NONE, Json.read(old, ExperimentSpec.class).augment());
        String request = """
                {"streamId": "s", "dataset": "d", "split": "train", "seed": 1, "epoch": 0, "batchSize": 8,
                 "shuffle": true, "dropLast": true, "fromBatch": 0, "toBatch": 4}
                """;
        assertEquals(Augmentation.NONE, Json.read(request, BatchRequest.class).augment());
        // a required field is still required
        assertEquals(List.of("epochs"), fields(() -> Json.read(old.replace("\"epochs\": 1", "\"x\": 1"), ExperimentSpec.class)));
    }

    @Test
    void viewsTimesBatchSizeIsBounded() {
        Augmentation many = new Augmentation(null, List.of(), 16);
        assertEquals(List.of("augment.views"), fields(() -> ExperimentSpec.supervised("d", "conv4", 1, 512, 0.1, 1, many)));
        assertEquals(List.of("augment.views"), fields(() -> new BatchRequest("s", "d", "train", 1, 0, 512, true, true, 0, 1, many)));
        assertEquals(Map.of(), AugmentStep.of("grayscale").args());
    }
}
