package io.metaloop.learning.method.fewshot;

import io.metaloop.contracts.spec.MamlSpec;
import io.metaloop.contracts.spec.Normalization;
import io.metaloop.contracts.spec.OptimizerSpec;
import io.metaloop.learning.Workspaces;
import io.metaloop.learning.model.Classifier;
import io.metaloop.learning.model.ModelSpec;
import io.metaloop.learning.nn.Network;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * MAML and the variants that share its inner loop (FOMAML, ANIL, Meta-SGD), with PyTorch-MAML's
 * options (seeds.md §3.5–3.7; {@link MamlSpec}): a backbone ({@code encoder.*}) with a linear head
 * of N outputs ({@code classifier.weight}, {@code classifier.bias}, and {@code classifier.temp} when
 * the temperature is learned). Per episode: the inner loop on the support set ({@link InnerLoop}),
 * the query loss at the adapted weights, and its meta-gradient — second order by default, assembled
 * from Hessian-vector products of the support loss, one parameter vector kept per inner step.
 *
 * <p>Inner learning rates per tensor: {@code inner.encoderLr} for names containing "encoder",
 * {@code inner.classifierLr} for "classifier"; 0 (not adapted, still meta-learned) for names
 * containing one of {@code inner.frozen} or "temp". With {@code resetClassifier} the head is zeroed
 * before every meta-batch and every test episode; such a head can also be tested with another
 * number of ways than it was trained with (a fresh zero head of that size on the trained encoder).
 */
public class GradientMetaLearner extends MetaLearner {
    private final MamlSpec config;
    private final BatchNormSetting batchNorm;
    private final boolean secondOrder;
    private final InnerLoop innerLoop = new InnerLoop();
    private final INDArray innerRates;
    private final Map<Integer, Classifier> otherWays = new HashMap<>();

    /**
     * @param model the classifier, its head of {@code shape.ways()} outputs with the configured temperature
     *              (see {@link #modelSpec})
     */
    public GradientMetaLearner(String name, Classifier model, MamlSpec config, OptimizerSpec optimizer, int epochs,
                               long seed, Episode.Shape trainShape, Normalization normalization) {
        super(name, model, optimizer, epochs, seed, trainShape, config.clipGradient(), normalization);
        this.config = config;
        this.batchNorm = BatchNormSetting.of(config.batchNorm());
        this.secondOrder = !config.firstOrder();
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            this.innerRates = innerRates(model.network());
        }
    }

    /** The model a MAML-family method trains: the backbone, a linear head of {@code ways} outputs, the temperature. */
    public static ModelSpec modelSpec(String backbone, int channels, int height, int width, int ways, MamlSpec config) {
        return new ModelSpec(backbone, channels, height, width, ways, new ModelSpec.Head(ModelSpec.Head.LINEAR,
                config.temperature().value(), config.temperature().learn()));
    }

    /** A classifier for {@link #modelSpec}. */
    public static Classifier model(String backbone, int channels, int height, int width, int ways, MamlSpec config,
                                   long seed, DataType dataType) {
        return Classifier.create(modelSpec(backbone, channels, height, width, ways, config), seed, dataType);
    }

    public MamlSpec config() {
        return config;
    }

    /** α per parameter: the encoder's or the classifier's inner rate, 0 for frozen tensors and the temperature. */
    private INDArray innerRates(Network net) {
        List<String> frozen = config.inner().frozen();
        return net.perParameter(name -> {
            if (name.contains("temp") || frozen.stream().anyMatch(name::contains)) {
                return 0;
            }
            if (name.contains("encoder")) {
                return config.inner().encoderLr();
            }
            return name.contains("classifier") ? config.inner().classifierLr() : 0;
        });
    }

    /** The inner-loop rates currently in use (Meta-SGD learns them). */
    protected INDArray currentRates() {
        return innerRates;
    }

    /** Whether the meta-gradient also differentiates the inner rates (Meta-SGD). */
    protected boolean learnsRates() {
        return false;
    }

    /** Receives ∂L_q/∂α of one episode (Meta-SGD). */
    protected void accumulateRateGradient(INDArray rateGradient) {
    }

    private InnerLoop.Rule rule(INDArray rates) {
        return new InnerLoop.Rule(rates, config.inner().momentum(), config.inner().weightDecay());
    }

    @Override
    protected void beforeMetaBatch() {
        if (config.resetClassifier()) {
            zeroHead(model().network(), model().network().params());
        }
    }

    @Override
    protected double accumulate(Episode episode, INDArray metaGradient) {
        Network net = model().network();
        EpisodeStatistics statistics = EpisodeStatistics.begin(net, batchNorm);
        try {
            NetworkTask task = new NetworkTask(net, episode, batchNorm.supportMode(true), batchNorm.recomputeMode(true),
                    batchNorm.queryMode());
            InnerLoop.MetaGradient g = innerLoop.metaGradient(task, net.params(), config.inner().steps(),
                    rule(currentRates()), secondOrder, learnsRates());
            metaGradient.addi(g.theta());
            if (learnsRates()) {
                accumulateRateGradient(g.rates());
            }
            return g.queryLoss();
        } finally {
            statistics.end();
        }
    }

    @Override
    public int[] predict(Episode episode, TestSettings settings) {
        double[][] logits = queryLogits(episode, episode.query(), settings);
        int[] predicted = new int[logits.length];
        for (int q = 0; q < logits.length; q++) {
            for (int w = 1; w < logits[q].length; w++) {
                if (logits[q][w] > logits[q][predicted[q]]) {
                    predicted[q] = w;
                }
            }
        }
        return predicted;
    }

    /**
     * The logits [rows of {@code queries}][ways] after adapting to the episode's support set with
     * the test settings; {@code queries} need not be the episode's own (a single query, say: in the
     * inductive settings its logits are the same alone or among others).
     */
    public double[][] queryLogits(Episode episode, INDArray queries, TestSettings settings) {
        Classifier classifier = classifierFor(episode.ways());
        Network net = classifier.network();
        BatchNormSetting setting = settings.batchNorm();
        INDArray rates = classifier == model() ? currentRates() : innerRatesFor(classifier);
        return Workspaces.run(name() + "-test", () -> {
            INDArray theta0 = net.params().dup();
            if (config.resetClassifier()) {
                zeroHead(net, theta0);
            }
            EpisodeStatistics statistics = EpisodeStatistics.begin(net, setting);
            try {
                NetworkTask task = new NetworkTask(net, episode, setting.supportMode(false), setting.recomputeMode(false),
                        setting.queryMode());
                INDArray adapted = innerLoop.adapt(task, theta0, settings.innerSteps(), rule(rates));
                try (Network.ParameterScope ignored = net.withParameters(adapted)) {
                    return net.forward(queries, setting.queryMode()).toDoubleMatrix();
                }
            } finally {
                statistics.end();
            }
        });
    }

    private INDArray innerRatesFor(Classifier classifier) {
        // the learned rates of Meta-SGD are per element of the trained head; a new head takes the configured rate
        INDArray rates = innerRates(classifier.network());
        long encoder = model().encoderParameters();
        rates.get(NDArrayIndex.interval(0, encoder)).assign(currentRates().get(NDArrayIndex.interval(0, encoder)));
        return rates;
    }

    /**
     * The trained classifier when the episode has as many ways as its head has outputs; otherwise,
     * with {@code resetClassifier}, the trained encoder under a zero head of {@code ways} outputs.
     */
    private Classifier classifierFor(int ways) {
        Classifier own = model();
        if (ways == own.spec().classes()) {
            return own;
        }
        if (!config.resetClassifier()) {
            throw new IllegalArgumentException("the classifier head has " + own.spec().classes() + " outputs, the episode "
                    + ways + " ways: test with " + own.spec().classes() + " ways, train " + ways + "-way, or set "
                    + "resetClassifier (a zero head that can take any number of ways)");
        }
        Classifier other = otherWays.computeIfAbsent(ways, w -> {
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                return Classifier.create(own.spec().withHead(w, own.spec().head()), 0, own.network().dataType());
            }
        });
        long encoder = own.encoderParameters();
        Network from = own.network();
        Network to = other.network();
        to.params().get(NDArrayIndex.interval(0, encoder)).assign(from.params().get(NDArrayIndex.interval(0, encoder)));
        if (own.spec().head().learnTemperature()) {
            to.params().putScalar(to.params().length() - 1, from.params().getDouble(from.params().length() - 1));
        }
        to.buffers().assign(from.buffers());
        return other;
    }

    /** Zeroes {@code classifier.weight} and {@code classifier.bias} in a parameter vector of {@code net}. */
    private static void zeroHead(Network net, INDArray params) {
        for (Network.Tensor t : net.parameterTensors()) {
            if (t.name().equals("classifier.weight") || t.name().equals("classifier.bias")) {
                params.get(NDArrayIndex.interval(t.offset(), t.offset() + t.length())).assign(0);
            }
        }
    }
}
