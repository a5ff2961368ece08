package io.metaloop.contracts.spec;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.OptBoolean;
import io.metaloop.contracts.Json;
import java.util.List;

/**
 * Per-channel normalisation applied where the trainer and evaluator build tensors: x ← (x − mean) / std,
 * x being the pixel scaled to [0, 1] (PyTorch's Normalize after ToTensor). E.g. PyTorch-MAML's
 * mini-ImageNet statistics, mean 0.471, 0.450, 0.403 and std 0.278, 0.268, 0.284 (seeds.md §3.2).
 *
 * @param mean one value per image channel
 * @param std  one positive value per image channel
 *
 * <p>A null {@code mean} or {@code std} is left out when written and read back as null when absent,
 * so whatever was read can be stored and read again; {@link #check} says what is missing.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Normalization(@JacksonInject(value = Json.ABSENT + "mean", useInput = OptBoolean.TRUE) List<Double> mean,
                            @JacksonInject(value = Json.ABSENT + "std", useInput = OptBoolean.TRUE) List<Double> std) {
    public Normalization {
        mean = mean == null ? null : List.copyOf(mean);
        std = std == null ? null : List.copyOf(std);
    }

    public void check(String path, Checks c) {
        if (mean == null || mean.isEmpty()) {
            c.add(Checks.path(path, "mean"), "is required: one value per channel");
        }
        if (std == null || std.isEmpty()) {
            c.add(Checks.path(path, "std"), "is required: one value per channel");
        } else {
            for (int i = 0; i < std.size(); i++) {
                if (std.get(i) == null || !(std.get(i) > 0) || std.get(i).isInfinite()) {
                    c.add(Checks.path(path, "std[" + i + "]"), "must be positive and finite, got " + std.get(i));
                }
            }
        }
        if (mean != null && std != null && !mean.isEmpty() && mean.size() != std.size()) {
            c.add(Checks.path(path, "std"), "has " + std.size() + " values for " + mean.size() + " means");
        }
        if (mean != null) {
            for (int i = 0; i < mean.size(); i++) {
                if (mean.get(i) == null || !Double.isFinite(mean.get(i))) {
                    c.add(Checks.path(path, "mean[" + i + "]"), "must be a finite number, got " + mean.get(i));
                }
            }
        }
    }

    /** The image channels this normalisation is for. */
    public int channels() {
        return mean.size();
    }
}
