package io.metaloop.learning.backbone;

import io.metaloop.contracts.Catalog;
import java.util.Map;
import java.util.function.IntFunction;

/** Backbones by the name an experiment uses for them. */
public final class Backbones {
    private static final Map<String, IntFunction<Backbone>> BY_NAME = Map.of(
            "conv4", Conv4::create);

    private Backbones() {
    }

    /** @param inChannels channels of the input images */
    public static Backbone create(String name, int inChannels) {
        IntFunction<Backbone> factory = BY_NAME.get(name);
        if (factory == null) {
            throw new IllegalArgumentException("unknown backbone '" + name + "'; known: " + Catalog.BACKBONES);
        }
        return factory.apply(inChannels);
    }

    public static boolean isKnown(String name) {
        return BY_NAME.containsKey(name);
    }
}
