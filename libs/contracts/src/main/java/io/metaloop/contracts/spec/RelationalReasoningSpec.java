package io.metaloop.contracts.spec;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.OptBoolean;
import io.metaloop.contracts.Json;
import java.util.List;

/**
 * Self-supervised relational reasoning (Patacchiola &amp; Storkey 2020; seeds.md §2.5). The K views
 * of each image are the experiment's {@code augment.views} (the paper: 32, batch 64).
 *
 * @param aggregation how a pair of feature vectors becomes the relation head's input: {@code cat}
 *                    (the seed's default and best, 2F wide), or the element-wise {@code sum},
 *                    {@code mean} or {@code max} (F wide)
 * @param loss        {@code focal} (the seed's sigmoid focal loss) or {@code bce} (its essential
 *                    script's plain binary cross-entropy)
 * @param focalGamma  the focal loss's γ (seed: 2.0)
 * @param focalAlpha  its α, weight of the positive class; negatives get 1 − α (seed: 0.5, which only halves the loss)
 * @param hidden      units of the relation head's hidden layer (seed: 256)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RelationalReasoningSpec(
        @JacksonInject(value = Json.ABSENT + "aggregation", useInput = OptBoolean.TRUE) String aggregation,
        @JacksonInject(value = Json.ABSENT + "loss", useInput = OptBoolean.TRUE) String loss,
        @JacksonInject(value = Json.ABSENT + "focalGamma", useInput = OptBoolean.TRUE) Double focalGamma,
        @JacksonInject(value = Json.ABSENT + "focalAlpha", useInput = OptBoolean.TRUE) Double focalAlpha,
        @JacksonInject(value = Json.ABSENT + "hidden", useInput = OptBoolean.TRUE) Integer hidden) {
    public static final List<String> AGGREGATIONS = List.of("cat", "sum", "mean", "max");
    public static final List<String> LOSSES = List.of("focal", "bce");

    public RelationalReasoningSpec withDefaults() {
        return new RelationalReasoningSpec(aggregation == null ? "cat" : aggregation, loss == null ? "focal" : loss,
                focalGamma == null ? 2.0 : focalGamma, focalAlpha == null ? 0.5 : focalAlpha, hidden == null ? 256 : hidden);
    }

    public void check(String path, Checks c) {
        c.oneOf(Checks.path(path, "aggregation"), aggregation, AGGREGATIONS);
        c.oneOf(Checks.path(path, "loss"), loss, LOSSES);
        c.range(Checks.path(path, "focalGamma"), focalGamma, 0, false, 10);
        c.range(Checks.path(path, "focalAlpha"), focalAlpha, 0, true, 1);
        c.range(Checks.path(path, "hidden"), hidden, 1, 65_536);
    }
}
