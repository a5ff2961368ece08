package io.metaloop.contracts.spec;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.OptBoolean;
import io.metaloop.contracts.Json;
import java.util.List;

/**
 * SimCLR as the relational-reasoning seed implements it (seeds.md §2.6): two views per image,
 * projection head F–hidden–BN–LeakyReLU(0.01)–projection, cosine similarities at a temperature.
 *
 * @param loss        {@code seed}: −log of the mean over the 2B embeddings of exp(s⁺/τ) / (Σ_{k≠i} exp(s_ik/τ)),
 *                    the seed's variant (its comment: 77 % vs 76 % on CIFAR-10); or {@code nt-xent}, the
 *                    standard mean of −log of the same ratios (Chen et al. 2020)
 * @param temperature τ (seed: 0.5)
 * @param hidden      hidden units of the projection head (seed: 256)
 * @param projection  output size of the projection head (seed: 64)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SimClrSpec(
        @JacksonInject(value = Json.ABSENT + "loss", useInput = OptBoolean.TRUE) String loss,
        @JacksonInject(value = Json.ABSENT + "temperature", useInput = OptBoolean.TRUE) Double temperature,
        @JacksonInject(value = Json.ABSENT + "hidden", useInput = OptBoolean.TRUE) Integer hidden,
        @JacksonInject(value = Json.ABSENT + "projection", useInput = OptBoolean.TRUE) Integer projection) {
    public static final List<String> LOSSES = List.of("seed", "nt-xent");

    public SimClrSpec withDefaults() {
        return new SimClrSpec(loss == null ? "seed" : loss, temperature == null ? 0.5 : temperature,
                hidden == null ? 256 : hidden, projection == null ? 64 : projection);
    }

    public void check(String path, Checks c) {
        c.oneOf(Checks.path(path, "loss"), loss, LOSSES);
        c.range(Checks.path(path, "temperature"), temperature, 0, true, 100);
        c.range(Checks.path(path, "hidden"), hidden, 1, 65_536);
        c.range(Checks.path(path, "projection"), projection, 1, 65_536);
    }
}
