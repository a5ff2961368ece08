package io.metaloop.learning.method;

import io.metaloop.contracts.Catalog;
import io.metaloop.contracts.DatasetInfo;
import io.metaloop.contracts.ExperimentSpec;
import io.metaloop.learning.method.fewshot.Maml;
import io.metaloop.learning.method.fewshot.MetaSgd;
import io.metaloop.learning.method.fewshot.ProtoNet;
import io.metaloop.learning.method.fewshot.Reptile;
import java.util.Map;

/** Training methods by the name experiments use (solo-learn's registry): each built from its spec section. */
public final class Methods {
    /** Builds a method for an experiment over a dataset of the catalogue (its image shape and classes). */
    @FunctionalInterface
    public interface Factory {
        TrainingMethod create(ExperimentSpec spec, DatasetInfo data);
    }

    private static final Map<String, Factory> BY_NAME = Map.of(
            Supervised.NAME, Supervised::create,
            Maml.NAME, Maml::create,
            Maml.FOMAML, Maml::create,
            Maml.ANIL, Maml::create,
            MetaSgd.NAME, MetaSgd::create,
            ProtoNet.NAME, ProtoNet::create,
            Reptile.NAME, Reptile::create);

    private Methods() {
    }

    /**
     * The method of {@code spec.method()}.
     *
     * @throws IllegalArgumentException for an unknown method, or a spec the method cannot run
     */
    public static TrainingMethod create(ExperimentSpec spec, DatasetInfo data) {
        Factory factory = BY_NAME.get(spec.method());
        if (factory == null) {
            throw new IllegalArgumentException("unknown method '" + spec.method() + "'; known: " + Catalog.METHODS);
        }
        return factory.create(spec, data);
    }

    public static boolean isKnown(String name) {
        return BY_NAME.containsKey(name);
    }
}
