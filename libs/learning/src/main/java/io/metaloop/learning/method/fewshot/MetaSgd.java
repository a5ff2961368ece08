package io.metaloop.learning.method.fewshot;

import io.metaloop.contracts.DatasetInfo;
import io.metaloop.contracts.ExperimentSpec;
import io.metaloop.contracts.spec.MamlSpec;
import io.metaloop.learning.checkpoint.Checkpoint;
import io.metaloop.learning.checkpoint.CheckpointException;
import io.metaloop.learning.model.Classifier;
import io.metaloop.learning.optim.GradientClipping;
import io.metaloop.learning.optim.Optimizer;
import io.metaloop.learning.optim.Optimizers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Meta-SGD (Li, Zhou, Chen &amp; Li 2017): MAML whose inner learning rates α are a meta-learned
 * vector, one rate per parameter, started at the configured encoder/classifier rates. Its gradient
 * ∂L_q/∂α = Σ_k −b_k ⊙ a_{k+1} comes out of the same reverse pass as the meta-gradient (see
 * {@link InnerLoop}); it is averaged over the meta-batch, clipped like the meta-gradient and
 * applied by a second outer optimiser of the same kind. Rates of frozen tensors stay 0. The rates
 * and their optimiser's state are checkpointed as extra arrays.
 */
public final class MetaSgd extends GradientMetaLearner {
    public static final String NAME = "meta-sgd";
    private static final String RATES = "inner-rates";
    private static final String RATE_STEPS = "inner-rates-optimizer-steps";

    private final INDArray rates;
    private final INDArray trainable;
    private final INDArray rateGradient;
    private final Optimizer rateOptimizer;
    private final double clip;
    private int episodesSeen;

    public MetaSgd(Classifier model, MamlSpec config, ExperimentSpec spec) {
        super(NAME, model, config, spec.optimizer(), spec.epochs(), spec.seed(), Maml.shape(spec), spec.normalize());
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            this.rates = super.currentRates().dup();
            this.trainable = rates.neq(0).castTo(rates.dataType());
            this.rateGradient = rates.ulike().assign(0);
            this.rateOptimizer = Optimizers.factory(spec.optimizer()).apply(rates);
        }
        this.clip = config.clipGradient();
    }

    public static MetaSgd create(ExperimentSpec spec, DatasetInfo data) {
        MamlSpec config = spec.metaSgd();
        return new MetaSgd(model(spec.backbone(), data.channels(), data.height(), data.width(), spec.episodes().ways(),
                config, spec.seed(), DataType.FLOAT), config, spec);
    }

    /** The learned per-parameter inner learning rates (live). */
    public INDArray rates() {
        return rates;
    }

    @Override
    protected INDArray currentRates() {
        return rates;
    }

    @Override
    protected boolean learnsRates() {
        return true;
    }

    @Override
    protected void beforeMetaBatch() {
        super.beforeMetaBatch();
        rateGradient.assign(0);
        episodesSeen = 0;
    }

    @Override
    protected void accumulateRateGradient(INDArray gradient) {
        rateGradient.addi(gradient);
        episodesSeen++;
    }

    @Override
    protected void outerStep(INDArray gradient, double rate) {
        super.outerStep(gradient, rate);
        rateGradient.divi(Math.max(1, episodesSeen)).muli(trainable);
        if (clip > 0) {
            GradientClipping.byValue(rateGradient, clip);
        }
        rateOptimizer.step(rates, rateGradient, rate);
    }

    @Override
    protected Map<String, float[]> extraState() {
        Map<String, float[]> extra = new LinkedHashMap<>();
        extra.put(RATES, rates.toFloatVector());
        List<INDArray> state = rateOptimizer.state();
        for (int k = 0; k < state.size(); k++) {
            extra.put(RATES + "-optimizer-" + k, state.get(k).toFloatVector());
        }
        extra.put(RATE_STEPS, new float[] {rateOptimizer.steps()});
        return extra;
    }

    @Override
    protected void restoreExtraState(Checkpoint checkpoint) {
        float[] saved = checkpoint.extra(RATES);
        if (saved.length != rates.length()) {
            throw new CheckpointException("checkpoint holds " + saved.length + " inner rates for " + rates.length() + " parameters");
        }
        rates.assign(Nd4j.create(saved));
        List<INDArray> state = new java.util.ArrayList<>();
        for (int k = 0; k < rateOptimizer.state().size(); k++) {
            state.add(Nd4j.create(checkpoint.extra(RATES + "-optimizer-" + k)));
        }
        rateOptimizer.restore(state, (long) checkpoint.extra(RATE_STEPS)[0]);
    }
}
