package io.metaloop.contracts.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.OptBoolean;
import io.metaloop.contracts.Json;

/**
 * Which of the dataset's splits an experiment uses. Defaults: {@code train}, no validation,
 * {@code test}. Few-shot splits hold disjoint classes (e.g. Omniglot alphabets, see
 * {@code --class-splits}); naming a validation split turns on meta-validation after every epoch.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Splits(
        @JacksonInject(value = Json.ABSENT + "train", useInput = OptBoolean.TRUE) String train,
        @JacksonInject(value = Json.ABSENT + "validation", useInput = OptBoolean.TRUE) String validation,
        @JacksonInject(value = Json.ABSENT + "test", useInput = OptBoolean.TRUE) String test) {
    public static final Splits DEFAULT = new Splits("train", null, "test");
    private static final String NAME = "[a-z0-9][a-z0-9_-]{0,31}";

    public Splits withDefaults() {
        return new Splits(train == null ? "train" : train, validation, test == null ? "test" : test);
    }

    public void check(String path, Checks c) {
        for (String[] field : new String[][] {{"train", train}, {"validation", validation}, {"test", test}}) {
            if (field[1] != null && !field[1].matches(NAME)) {
                c.add(Checks.path(path, field[0]), "must be a split name (lower-case letters, digits, '-', '_'), got '"
                        + field[1] + "'");
            }
        }
        if (train != null && train.equals(test)) {
            c.add(Checks.path(path, "test"), "is the training split '" + train + "'; test on held-out data");
        }
    }
}
