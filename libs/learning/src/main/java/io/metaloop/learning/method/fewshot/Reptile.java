package io.metaloop.learning.method.fewshot;

import io.metaloop.contracts.DatasetInfo;
import io.metaloop.contracts.ExperimentSpec;
import io.metaloop.contracts.spec.ReptileSpec;
import io.metaloop.learning.Workspaces;
import io.metaloop.learning.model.Classifier;
import io.metaloop.learning.model.ModelSpec;
import io.metaloop.learning.nn.Mode;
import io.metaloop.learning.nn.Network;
import io.metaloop.learning.nn.SoftmaxCrossEntropy;
import io.metaloop.learning.optim.Adam;
import io.metaloop.learning.optim.Optimizer;
import io.metaloop.learning.optim.Sgd;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Reptile (Nichol, Achiam &amp; Schulman 2018): for each episode of the meta-batch, {@code steps}
 * full-batch steps of the inner optimiser (SGD, or Adam with β1 = 0 as in Nichol's code, its state
 * new for every episode) on the support set give θ′; the meta-gradient is θ − mean θ′, so the outer
 * SGD step with rate ε is θ ← θ + ε·(mean θ′ − θ). At test the same inner loop runs for
 * {@code testSteps} on the support set before the queries are classified. The head has N outputs
 * (a linear classifier over the backbone); queries play no part in training but give the reported
 * loss (query loss after adaptation).
 */
public final class Reptile extends MetaLearner {
    public static final String NAME = "reptile";

    private final ReptileSpec config;
    private final BatchNormSetting batchNorm;

    public Reptile(Classifier model, ExperimentSpec spec) {
        super(NAME, model, spec.optimizer(), spec.epochs(), spec.seed(), Maml.shape(spec), 0, spec.normalize());
        this.config = spec.reptile();
        this.batchNorm = BatchNormSetting.of(config.batchNorm());
    }

    public static Reptile create(ExperimentSpec spec, DatasetInfo data) {
        return new Reptile(Classifier.create(new ModelSpec(spec.backbone(), data.channels(), data.height(), data.width(),
                spec.episodes().ways()), spec.seed(), DataType.FLOAT), spec);
    }

    private Optimizer innerOptimizer(INDArray fast) {
        return "adam".equals(config.innerOptimizer()) ? new Adam(fast, 0, 0.999, 1e-8, 0) : Sgd.plain(fast);
    }

    /** θ′ after {@code steps} inner steps on the support set, from θ (a new vector). */
    private INDArray adapt(Network net, Episode episode, int steps, Mode mode) {
        INDArray start = net.params();
        return adapt(theta -> {
            try (Network.ParameterScope ignored = net.withParameters(theta)) {
                SoftmaxCrossEntropy.Result r = SoftmaxCrossEntropy.evaluate(net.forward(episode.support(), mode),
                        episode.supportLabels());
                net.backward(r.gradLogits());
            }
            return net.gradients();
        }, start, steps, innerOptimizer(start), config.innerLr());
    }

    /**
     * Reptile's inner loop on any loss: θ′ after {@code steps} steps of {@code optimizer} (made for
     * θ's shape, fresh) with rate {@code rate}, from θ; θ is not changed.
     *
     * @param gradientAt ∇L at a parameter vector
     */
    static INDArray adapt(java.util.function.UnaryOperator<INDArray> gradientAt, INDArray theta, int steps,
                          Optimizer optimizer, double rate) {
        INDArray fast = theta.dup();
        for (int k = 0; k < steps; k++) {
            optimizer.step(fast, gradientAt.apply(fast), rate);
        }
        return fast;
    }

    @Override
    protected double accumulate(Episode episode, INDArray metaGradient) {
        Network net = model().network();
        INDArray adapted = adapt(net, episode, config.steps(), batchNorm.supportMode(true));
        metaGradient.addi(net.params().sub(adapted));
        boolean queries = episode.queries() > 0;
        try (Network.ParameterScope ignored = net.withParameters(adapted)) {
            // the reported loss: the queries' after adaptation, or the support set's when there are no queries
            Mode mode = queries ? batchNorm.queryMode() : batchNorm.recomputeMode(true);
            return SoftmaxCrossEntropy.evaluate(net.forward(queries ? episode.query() : episode.support(), mode),
                    queries ? episode.queryLabels() : episode.supportLabels()).loss();
        }
    }

    @Override
    public int[] predict(Episode episode, TestSettings settings) {
        Network net = model().network();
        if (episode.ways() != model().spec().classes()) {
            throw new IllegalArgumentException("the classifier head has " + model().spec().classes() + " outputs, the episode "
                    + episode.ways() + " ways: test Reptile with the ways it was trained with");
        }
        BatchNormSetting setting = settings.batchNorm();
        return Workspaces.run("reptile-test", () -> {
            INDArray adapted = adapt(net, episode, settings.innerSteps(), setting.supportMode(false));
            try (Network.ParameterScope ignored = net.withParameters(adapted)) {
                return net.forward(episode.query(), setting.queryMode()).argMax(1).toIntVector();
            }
        });
    }
}
