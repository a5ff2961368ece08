package io.metaloop.contracts.spec;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.OptBoolean;
import io.metaloop.contracts.Augmentation;
import io.metaloop.contracts.Json;
import java.util.List;

/**
 * Fine-tuning instead of a frozen backbone (the relational-reasoning seed's stage 2 with
 * {@code --finetune}, seeds.md §2.7): backbone and head trained together with Adam, the backbone at
 * {@code backboneLearningRate}, the head at the evaluation's {@code learningRate} (seed: 1e-4),
 * weight decay on both, on augmented training images (seed: the {@code finetune} pipeline), the
 * backbone's batch norm in training mode.
 *
 * <p>The seed decays both rates ×0.1 at 50 % and 75 % of {@code tot_epochs}, which defaults to 200
 * while stage 2 runs 100 epochs, so the decay never fires. {@code decay: fixed} (the default)
 * applies it at 50 % and 75 % of the fine-tuning's own epochs, as intended; {@code decay: seed}
 * reproduces the seed (no decay within 100 epochs).
 *
 * @param backboneLearningRate Adam's rate for the backbone (seed: 1e-3)
 * @param weightDecay          L2 coefficient for backbone and head (seed: 1e-5)
 * @param augment              the training augmentation (seed: the {@code finetune} preset; one view)
 * @param decay                {@code fixed} or {@code seed}, see above
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FineTuneSpec(
        @JacksonInject(value = Json.ABSENT + "backboneLearningRate", useInput = OptBoolean.TRUE) Double backboneLearningRate,
        @JacksonInject(value = Json.ABSENT + "weightDecay", useInput = OptBoolean.TRUE) Double weightDecay,
        @JacksonInject(value = Json.ABSENT + "augment", useInput = OptBoolean.TRUE) Augmentation augment,
        @JacksonInject(value = Json.ABSENT + "decay", useInput = OptBoolean.TRUE) String decay) {
    public static final List<String> DECAYS = List.of("fixed", "seed");

    public FineTuneSpec withDefaults() {
        return new FineTuneSpec(backboneLearningRate == null ? 1e-3 : backboneLearningRate,
                weightDecay == null ? 1e-5 : weightDecay, augment == null ? Augmentation.preset("finetune", 1) : augment,
                decay == null ? "fixed" : decay);
    }

    public void check(String path, Checks c) {
        c.range(Checks.path(path, "backboneLearningRate"), backboneLearningRate, 0, false, 10);
        c.range(Checks.path(path, "weightDecay"), weightDecay, 0, false, 1);
        c.oneOf(Checks.path(path, "decay"), decay, DECAYS);
        if (augment != null && augment.views() != 1) {
            c.add(Checks.path(path, "augment.views"), "fine-tuning takes one view of each image, got " + augment.views());
        }
    }

    /** The rate factor at epoch t of a run of {@code epochs}: ×0.1 from 50 % and again from 75 % with {@code fixed}; 1 with {@code seed}. */
    public double decayFactor(int epoch, int epochs) {
        if (!"fixed".equals(decay)) {
            return 1;
        }
        double factor = 1;
        if (epoch >= epochs / 2) {
            factor *= 0.1;
        }
        if (epoch >= (epochs * 3) / 4) {
            factor *= 0.1;
        }
        return factor;
    }
}
