package io.metaloop.contracts.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.OptBoolean;
import io.metaloop.contracts.Json;
import java.util.List;

/**
 * How the learning rate changes with the epoch t (0 for the first), as PyTorch's schedulers step
 * once per epoch (PyTorch-MAML does so): {@code constant}; {@code step} (×gamma every
 * {@code stepSize} epochs, StepLR); {@code multistep} (×gamma at each of {@code milestones},
 * MultiStepLR; PyTorch-MAML's "step"); {@code cosine} (from the rate to {@code minimum} over the run,
 * CosineAnnealingLR); {@code linear} (from the rate to {@code minimum} over the run, Reptile's
 * annealed meta step size).
 *
 * @param gamma the factor of step and multistep (default 0.1)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScheduleSpec(
        @JacksonInject(value = Json.ABSENT + "name", useInput = OptBoolean.TRUE) String name,
        @JacksonInject(value = Json.ABSENT + "stepSize", useInput = OptBoolean.TRUE) Integer stepSize,
        @JacksonInject(value = Json.ABSENT + "milestones", useInput = OptBoolean.TRUE) List<Integer> milestones,
        @JacksonInject(value = Json.ABSENT + "gamma", useInput = OptBoolean.TRUE) Double gamma,
        @JacksonInject(value = Json.ABSENT + "minimum", useInput = OptBoolean.TRUE) Double minimum) {
    public static final List<String> NAMES = List.of("constant", "step", "multistep", "cosine", "linear");
    public static final ScheduleSpec CONSTANT = new ScheduleSpec("constant", null, null, null, null);

    public ScheduleSpec {
        milestones = milestones == null ? null : List.copyOf(milestones);
    }

    /** Absent values filled in: gamma 0.1, minimum 0, no milestones. */
    public ScheduleSpec withDefaults() {
        return new ScheduleSpec(name == null ? "constant" : name, stepSize, milestones == null ? List.of() : milestones,
                gamma == null ? 0.1 : gamma, minimum == null ? 0.0 : minimum);
    }

    public void check(String path, Checks c) {
        c.oneOf(Checks.path(path, "name"), name == null ? "constant" : name, NAMES);
        if ("step".equals(name)) {
            c.range(Checks.path(path, "stepSize"), stepSize, 1, 100_000);
        } else if (stepSize != null) {
            c.add(Checks.path(path, "stepSize"), "only the 'step' schedule takes a stepSize");
        }
        if ("multistep".equals(name)) {
            if (milestones == null || milestones.isEmpty()) {
                c.add(Checks.path(path, "milestones"), "the 'multistep' schedule needs at least one milestone (an epoch)");
            } else {
                for (int i = 0; i < milestones.size(); i++) {
                    if (milestones.get(i) == null || milestones.get(i) < 1) {
                        c.add(Checks.path(path, "milestones[" + i + "]"), "must be an epoch >= 1, got " + milestones.get(i));
                    }
                }
            }
        } else if (milestones != null && !milestones.isEmpty()) {
            c.add(Checks.path(path, "milestones"), "only the 'multistep' schedule takes milestones");
        }
        if (gamma != null && !(gamma > 0 && gamma <= 1)) {
            c.add(Checks.path(path, "gamma"), "must be in (0, 1], got " + gamma);
        }
        if (minimum != null && !(minimum >= 0)) {
            c.add(Checks.path(path, "minimum"), "must be >= 0, got " + minimum);
        }
    }
}
