package io.metaloop.learning.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.contracts.spec.FineTuneSpec;
import io.metaloop.datasets.Batches;
import io.metaloop.datasets.FashionMnist;
import io.metaloop.datasets.ShardedSplit;
import io.metaloop.datasets.SplitData;
import io.metaloop.learning.BundledData;
import io.metaloop.learning.model.Classifier;
import io.metaloop.learning.model.ModelSpec;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

class FineTuningTest {

    @Test
    void theFirstStepMovesBackboneAndHeadByTheirOwnRates() throws Exception {
        SplitData images = FashionMnist.read(BundledData.fashionMnist()).get("train").head(64);
        BatchFrame batch = Batches.assemble(ShardedSplit.inMemory(images), null, 0, 0, 64, false);
        Classifier backbone = Classifier.create(ModelSpec.features("conv4", 1, 28, 28), 2, DataType.FLOAT);
        float[] backboneBefore = backbone.network().params().toFloatVector();
        FineTuneSpec settings = new FineTuneSpec(1e-3, 0.0, null, "fixed").withDefaults();
        FineTuning tuning = new FineTuning(backbone, 10, 0, 100, 1e-4, settings, 3, null);
        float[] before = tuning.model().network().params().toFloatVector();
        double loss = tuning.step(batch);
        assertTrue(loss > 0 && Double.isFinite(loss));
        float[] after = tuning.model().network().params().toFloatVector();
        float[] grads = tuning.model().network().gradients().toFloatVector();
        long backboneLength = tuning.model().encoderParameters();
        // Adam's first step is −rate · g / (|g| + ε): a move of the rate itself wherever the gradient is not tiny
        int checked = 0;
        for (int i = 0; i < after.length; i++) {
            if (Math.abs(grads[i]) > 1e-4) {
                double rate = i < backboneLength ? 1e-3 : 1e-4;
                assertEquals(-rate * Math.signum(grads[i]), after[i] - before[i], rate * 1e-3, "parameter " + i);
                checked++;
            }
        }
        assertTrue(checked > after.length / 2, checked + " of " + after.length + " parameters checked");
        assertArrayEquals(backboneBefore, backbone.network().params().toFloatVector(), 0f, "the given backbone is left alone");
        long correct = tuning.correct(batch);
        assertTrue(correct >= 0 && correct <= 64);
    }

    @Test
    void theSeedsDecayNeverFiresAndTheFixedOneDoesAtHalfAndThreeQuarters() {
        FineTuneSpec fixed = new FineTuneSpec(null, null, null, null).withDefaults();
        assertEquals(1.0, fixed.decayFactor(49, 100));
        assertEquals(0.1, fixed.decayFactor(50, 100), 1e-15);
        assertEquals(0.01, fixed.decayFactor(75, 100), 1e-15);
        FineTuneSpec seed = new FineTuneSpec(null, null, null, "seed").withDefaults();
        assertEquals(1.0, seed.decayFactor(99, 100));
        assertEquals(1e-3, fixed.backboneLearningRate());
        assertEquals(1e-5, fixed.weightDecay());
        assertEquals("finetune", fixed.augment().preset());
    }
}
