package io.metaloop.contracts.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.OptBoolean;
import io.metaloop.contracts.Catalog;
import io.metaloop.contracts.Json;
import java.util.List;

/**
 * The section of MAML and its variants ({@code maml}, {@code fomaml}, {@code anil}, {@code meta-sgd}),
 * PyTorch-MAML's options with its semantics (seeds.md §3.5–3.7).
 *
 * @param inner           the inner loop
 * @param firstOrder      drop the second-order terms of the meta-gradient (FOMAML); fixed by the
 *                        method for {@code fomaml} (true)
 * @param batchNorm       {@code transductive} (default: batch statistics always, the original MAML),
 *                        {@code inductive} (global running statistics) or {@code inductive-episodic}
 *                        (per-episode statistics, reset every episode, momentum 0.1 per inner step)
 * @param resetClassifier zero the classifier head before every meta-batch and every test episode
 * @param temperature     the logits' temperature
 * @param clipGradient    clamp every element of the meta-gradient to [−clip, clip] (PyTorch-MAML's 10);
 *                        0 turns clipping off
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MamlSpec(
        @JacksonInject(value = Json.ABSENT + "inner", useInput = OptBoolean.TRUE) InnerLoopSpec inner,
        @JacksonInject(value = Json.ABSENT + "firstOrder", useInput = OptBoolean.TRUE) Boolean firstOrder,
        @JacksonInject(value = Json.ABSENT + "batchNorm", useInput = OptBoolean.TRUE) String batchNorm,
        @JacksonInject(value = Json.ABSENT + "resetClassifier", useInput = OptBoolean.TRUE) Boolean resetClassifier,
        @JacksonInject(value = Json.ABSENT + "temperature", useInput = OptBoolean.TRUE) TemperatureSpec temperature,
        @JacksonInject(value = Json.ABSENT + "clipGradient", useInput = OptBoolean.TRUE) Double clipGradient) {

    /** Absent values filled in for {@code method} (fomaml is first-order; ANIL freezes the encoder). */
    public MamlSpec withDefaults(String method) {
        List<String> frozen = "anil".equals(method) ? List.of("encoder") : List.of();
        InnerLoopSpec in = (inner != null ? inner : new InnerLoopSpec(null, null, null, null, null, null, null))
                .withDefaults(frozen);
        return new MamlSpec(in, "fomaml".equals(method) || Boolean.TRUE.equals(firstOrder),
                batchNorm == null ? "transductive" : batchNorm, resetClassifier != null && resetClassifier,
                (temperature != null ? temperature : TemperatureSpec.DEFAULT).withDefaults(),
                clipGradient == null ? 10.0 : clipGradient);
    }

    public void check(String path, String method, Checks c) {
        if (inner != null) {
            inner.check(Checks.path(path, "inner"), c);
        }
        if ("fomaml".equals(method) && Boolean.FALSE.equals(firstOrder)) {
            c.add(Checks.path(path, "firstOrder"), "fomaml is first-order by definition; for second order use the method maml");
        }
        if ("meta-sgd".equals(method) && Boolean.TRUE.equals(firstOrder)) {
            c.add(Checks.path(path, "firstOrder"), "meta-sgd learns its inner learning rates through the second-order "
                    + "meta-gradient; a first-order meta-gradient gives them none");
        }
        if (batchNorm != null) {
            c.oneOf(Checks.path(path, "batchNorm"), batchNorm, Catalog.BATCH_NORM_SETTINGS);
        }
        if (temperature != null) {
            temperature.check(Checks.path(path, "temperature"), c);
        }
        if (clipGradient != null && !(clipGradient >= 0 && Double.isFinite(clipGradient))) {
            c.add(Checks.path(path, "clipGradient"), "must be >= 0 (0: no clipping), got " + clipGradient);
        }
    }
}
