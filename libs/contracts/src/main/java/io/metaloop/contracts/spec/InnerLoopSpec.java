package io.metaloop.contracts.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.OptBoolean;
import io.metaloop.contracts.Json;
import java.util.List;

/**
 * The inner loop of MAML and its variants, with PyTorch-MAML's {@code inner_args} semantics
 * (seeds.md §3.6): {@code steps} SGD steps on the support set during meta-training and
 * {@code testSteps} at evaluation; parameters whose name contains "encoder" step with
 * {@code encoderLr}, those containing "classifier" with {@code classifierLr}; each gradient gets
 * {@code weightDecay}·θ added, then heavy-ball {@code momentum} (dampening 0, buffers zeroed for
 * every episode). Tensors whose name contains one of the {@code frozen} substrings (e.g. "bn",
 * "encoder", "conv1") are not adapted in the inner loop, though still meta-learned.
 *
 * <p>Defaults: 5 steps, 10 test steps, learning rates 0.01, momentum 0, weight decay 0, nothing
 * frozen (the method may freeze more: ANIL freezes "encoder").
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InnerLoopSpec(
        @JacksonInject(value = Json.ABSENT + "steps", useInput = OptBoolean.TRUE) Integer steps,
        @JacksonInject(value = Json.ABSENT + "testSteps", useInput = OptBoolean.TRUE) Integer testSteps,
        @JacksonInject(value = Json.ABSENT + "encoderLr", useInput = OptBoolean.TRUE) Double encoderLr,
        @JacksonInject(value = Json.ABSENT + "classifierLr", useInput = OptBoolean.TRUE) Double classifierLr,
        @JacksonInject(value = Json.ABSENT + "momentum", useInput = OptBoolean.TRUE) Double momentum,
        @JacksonInject(value = Json.ABSENT + "weightDecay", useInput = OptBoolean.TRUE) Double weightDecay,
        @JacksonInject(value = Json.ABSENT + "frozen", useInput = OptBoolean.TRUE) List<String> frozen) {
    public static final int MAX_STEPS = 1000;

    public InnerLoopSpec {
        frozen = frozen == null ? null : List.copyOf(frozen);
    }

    /** Absent values filled in; {@code defaultFrozen} is the method's own (ANIL: "encoder"). */
    public InnerLoopSpec withDefaults(List<String> defaultFrozen) {
        return new InnerLoopSpec(steps == null ? 5 : steps, testSteps == null ? 10 : testSteps,
                encoderLr == null ? 0.01 : encoderLr, classifierLr == null ? 0.01 : classifierLr,
                momentum == null ? 0.0 : momentum, weightDecay == null ? 0.0 : weightDecay,
                frozen == null ? defaultFrozen : frozen);
    }

    public void check(String path, Checks c) {
        c.range(Checks.path(path, "steps"), steps, 1, MAX_STEPS);
        c.range(Checks.path(path, "testSteps"), testSteps, 0, MAX_STEPS);
        c.range(Checks.path(path, "encoderLr"), encoderLr, 0, false, 100);
        c.range(Checks.path(path, "classifierLr"), classifierLr, 0, false, 100);
        if (momentum != null && !(momentum >= 0 && momentum < 1)) {
            c.add(Checks.path(path, "momentum"), "must be in [0, 1), got " + momentum);
        }
        if (weightDecay != null && !(weightDecay >= 0 && weightDecay < 1)) {
            c.add(Checks.path(path, "weightDecay"), "must be in [0, 1), got " + weightDecay);
        }
        if (frozen != null) {
            for (int i = 0; i < frozen.size(); i++) {
                if (frozen.get(i) == null || frozen.get(i).isBlank()) {
                    c.add(Checks.path(path, "frozen[" + i + "]"), "must be a non-empty part of a parameter name, e.g. bn");
                }
            }
        }
    }
}
