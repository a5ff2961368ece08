package io.metaloop.contracts.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.OptBoolean;
import io.metaloop.contracts.Json;
import java.util.List;

/**
 * Reptile (Nichol, Achiam &amp; Schulman 2018): {@code steps} steps of the inner optimiser on each
 * episode's support set give θ′; the meta-step moves θ towards the mean θ′ of the meta-batch,
 * θ ← θ + ε·(mean θ′ − θ), ε being the outer optimiser's (SGD's) learning rate.
 *
 * @param innerOptimizer {@code sgd} or {@code adam} (β1 = 0 as in Nichol's code; state reset per episode)
 * @param innerLr        the inner optimiser's learning rate (default 0.001)
 * @param steps          inner steps in meta-training (default 5)
 * @param testSteps      inner steps at evaluation (default 50, Nichol's Omniglot setting)
 * @param batchNorm      {@code transductive} (default) or {@code inductive}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReptileSpec(
        @JacksonInject(value = Json.ABSENT + "innerOptimizer", useInput = OptBoolean.TRUE) String innerOptimizer,
        @JacksonInject(value = Json.ABSENT + "innerLr", useInput = OptBoolean.TRUE) Double innerLr,
        @JacksonInject(value = Json.ABSENT + "steps", useInput = OptBoolean.TRUE) Integer steps,
        @JacksonInject(value = Json.ABSENT + "testSteps", useInput = OptBoolean.TRUE) Integer testSteps,
        @JacksonInject(value = Json.ABSENT + "batchNorm", useInput = OptBoolean.TRUE) String batchNorm) {
    public static final List<String> INNER_OPTIMIZERS = List.of("sgd", "adam");

    public ReptileSpec withDefaults() {
        return new ReptileSpec(innerOptimizer == null ? "adam" : innerOptimizer, innerLr == null ? 0.001 : innerLr,
                steps == null ? 5 : steps, testSteps == null ? 50 : testSteps, batchNorm == null ? "transductive" : batchNorm);
    }

    public void check(String path, Checks c) {
        if (innerOptimizer != null) {
            c.oneOf(Checks.path(path, "innerOptimizer"), innerOptimizer, INNER_OPTIMIZERS);
        }
        if (innerLr != null) {
            c.range(Checks.path(path, "innerLr"), innerLr, 0, true, 100);
        }
        if (steps != null) {
            c.range(Checks.path(path, "steps"), steps, 1, InnerLoopSpec.MAX_STEPS);
        }
        if (testSteps != null) {
            c.range(Checks.path(path, "testSteps"), testSteps, 0, InnerLoopSpec.MAX_STEPS);
        }
        if (batchNorm != null) {
            c.oneOf(Checks.path(path, "batchNorm"), batchNorm, List.of("transductive", "inductive"));
        }
    }
}
