package io.metaloop.learning.method;

import io.metaloop.contracts.Catalog;
import io.metaloop.learning.model.ModelSpec;
import java.util.Map;

/** Training methods by the name experiments use. */
public final class Methods {
    @FunctionalInterface
    public interface Factory {
        TrainingMethod create(ModelSpec model, double learningRate, long seed);
    }

    private static final Map<String, Factory> BY_NAME = Map.of(
            Supervised.NAME, Supervised::new);

    private Methods() {
    }

    public static TrainingMethod create(String name, ModelSpec model, double learningRate, long seed) {
        Factory factory = BY_NAME.get(name);
        if (factory == null) {
            throw new IllegalArgumentException("unknown method '" + name + "'; known: " + Catalog.METHODS);
        }
        return factory.create(model, learningRate, seed);
    }

    public static boolean isKnown(String name) {
        return BY_NAME.containsKey(name);
    }
}
