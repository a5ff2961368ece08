package io.metaloop.contracts.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.OptBoolean;
import io.metaloop.contracts.Json;

/**
 * Prototypical Networks (Snell et al. 2017): logits are minus the squared Euclidean distances of
 * each query's features to the class means of the support features.
 *
 * @param batchNorm {@code inductive} (default, as Snell's code: batch statistics over the episode in
 *                  training, running statistics at test), or {@code transductive} (batch statistics
 *                  at test too)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProtoNetSpec(
        @JacksonInject(value = Json.ABSENT + "batchNorm", useInput = OptBoolean.TRUE) String batchNorm) {
    public ProtoNetSpec withDefaults() {
        return new ProtoNetSpec(batchNorm == null ? "inductive" : batchNorm);
    }

    public void check(String path, Checks c) {
        if (batchNorm != null) {
            c.oneOf(Checks.path(path, "batchNorm"), batchNorm, java.util.List.of("transductive", "inductive"));
        }
    }
}
