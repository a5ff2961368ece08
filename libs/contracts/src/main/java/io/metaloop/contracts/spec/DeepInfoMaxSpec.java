package io.metaloop.contracts.spec;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.OptBoolean;
import io.metaloop.contracts.Json;

/**
 * Deep InfoMax (Hjelm et al. 2019), the local variant with the prior term as the
 * relational-reasoning seed runs it (seeds.md §2.6): a local discriminator of 1×1 convolutions
 * scores (feature vector, first-block feature map) pairs with the JSD-style loss, negatives by
 * rolling the maps by one in the batch; a prior discriminator matches the features to U(0, 1).
 *
 * @param localWeight β, weight of the local term (seed: 1)
 * @param priorWeight γ, weight of the prior term (seed: 0.1)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeepInfoMaxSpec(
        @JacksonInject(value = Json.ABSENT + "localWeight", useInput = OptBoolean.TRUE) Double localWeight,
        @JacksonInject(value = Json.ABSENT + "priorWeight", useInput = OptBoolean.TRUE) Double priorWeight) {
    public DeepInfoMaxSpec withDefaults() {
        return new DeepInfoMaxSpec(localWeight == null ? 1.0 : localWeight, priorWeight == null ? 0.1 : priorWeight);
    }

    public void check(String path, Checks c) {
        c.range(Checks.path(path, "localWeight"), localWeight, 0, false, 100);
        c.range(Checks.path(path, "priorWeight"), priorWeight, 0, false, 100);
    }
}
