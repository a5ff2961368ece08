package io.metaloop.learning.method;

import io.metaloop.contracts.Catalog;
import io.metaloop.contracts.DatasetInfo;
import io.metaloop.contracts.ExperimentSpec;
import io.metaloop.learning.method.auxiliary.Human;
import io.metaloop.learning.method.auxiliary.Maxl;
import io.metaloop.learning.method.auxiliary.Single;
import io.metaloop.learning.method.fewshot.Maml;
import io.metaloop.learning.method.fewshot.MetaSgd;
import io.metaloop.learning.method.fewshot.ProtoNet;
import io.metaloop.learning.method.fewshot.Reptile;
import io.metaloop.learning.method.selfsupervised.DeepCluster;
import io.metaloop.learning.method.selfsupervised.DeepInfoMax;
import io.metaloop.learning.method.selfsupervised.RandomWeights;
import io.metaloop.learning.method.selfsupervised.RelationalReasoning;
import io.metaloop.learning.method.selfsupervised.RotationNet;
import io.metaloop.learning.method.selfsupervised.SimClr;
import java.util.Map;

/** Training methods by the name experiments use (solo-learn's registry): each built from its spec section. */
public final class Methods {
    /** Builds a method for an experiment over a dataset of the catalogue (its image shape and classes). */
    @FunctionalInterface
    public interface Factory {
        TrainingMethod create(ExperimentSpec spec, DatasetInfo data);
    }

    private static final Map<String, Factory> BY_NAME = Map.ofEntries(
            Map.entry(Supervised.NAME, Supervised::create),
            Map.entry(Supervised.STANDARD, Supervised::create),
            Map.entry(RelationalReasoning.NAME, RelationalReasoning::create),
            Map.entry(SimClr.NAME, SimClr::create),
            Map.entry(RotationNet.NAME, RotationNet::create),
            Map.entry(DeepCluster.NAME, DeepCluster::create),
            Map.entry(RandomWeights.NAME, RandomWeights::create),
            Map.entry(DeepInfoMax.NAME, DeepInfoMax::create),
            Map.entry(Single.NAME, Single::create),
            Map.entry(Human.NAME, Human::create),
            Map.entry(Maxl.NAME, Maxl::create),
            Map.entry(Maml.NAME, Maml::create),
            Map.entry(Maml.FOMAML, Maml::create),
            Map.entry(Maml.ANIL, Maml::create),
            Map.entry(MetaSgd.NAME, MetaSgd::create),
            Map.entry(ProtoNet.NAME, ProtoNet::create),
            Map.entry(Reptile.NAME, Reptile::create));

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
