package io.metaloop.learning.method.auxiliary;

import io.metaloop.contracts.DatasetInfo;
import io.metaloop.contracts.ExperimentSpec;
import io.metaloop.contracts.GeneratedLabels;
import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.contracts.spec.MaxlSpec;
import io.metaloop.contracts.spec.Normalization;
import io.metaloop.contracts.spec.OptimizerSpec;
import io.metaloop.learning.backbone.Backbone;
import io.metaloop.learning.backbone.Backbones;
import io.metaloop.learning.checkpoint.Checkpoint;
import io.metaloop.learning.model.ModelSpec;
import io.metaloop.learning.nn.Mode;
import io.metaloop.learning.nn.Network;
import io.metaloop.learning.optim.LearningRateSchedule;
import io.metaloop.learning.optim.Optimizer;
import io.metaloop.learning.optim.Optimizers;
import io.metaloop.learning.optim.Sgd;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Meta Auxiliary Learning (Liu, Davison &amp; Johns 2019; seeds.md §1.4–1.7). A multi-task network θ
 * (backbone, primary and auxiliary MLP heads) learns the primary labels y and soft auxiliary labels
 * t = mask-softmax(generator_φ(x), y) over the ψ blocks; the label generator φ learns through the
 * meta-gradient: the derivative of the primary loss after one virtual SGD step of θ,
 * L_meta(φ) = L_pri(θ⁺) + w·L_ent(t), θ⁺ = θ − α·u(∇θ[L_pri(θ) + L_aux(θ, t(φ))]) with u the
 * multi-task optimiser's update (its momentum and weight decay included).
 *
 * <p><b>Exact meta-gradient</b> (the seed's second-order script, derived here without a second
 * backward pass): L_aux = (1/B)·Σ_bc t_bc·ℓ_bc(θ) is linear in t, so with v = ∇L_pri(θ⁺) and c the
 * optimiser's dθ⁺/dg factor (1, or 1 + μ with Nesterov),
 * ∂L_pri(θ⁺)/∂t_bc = −α·c·v·∇θ ℓ_bc(θ)/B = −(α·c/B)·D_v ℓ_bc(θ): the directional derivatives of the
 * per-element auxiliary loss terms along v, one forward-mode pass (a Jacobian-vector product) of the
 * multi-task network at θ. Adding w·∂L_ent/∂t and back-propagating through the mask-softmax and
 * the generator gives ∇φ L_meta exactly. <b>First-order</b> (the seed's second script): the same
 * with D_v ℓ replaced by the central difference (ℓ(θ + εv) − ℓ(θ − εv))/(2ε), ε = 0.01/‖v‖. The
 * seed's first-order script loses the entropy term (its gradient overwrite drops it): MetaLoop keeps
 * it unless {@code firstOrderEntropy: false}.
 *
 * <p>Schedules: {@code two-pass} (the seed's): every epoch a pass of multi-task steps (labels from
 * the generator as it is), then a pass of generator meta steps over a fresh shuffle — two data
 * epochs per epoch ({@link #passesPerEpoch()}); {@code fused}: one pass, each batch taking the
 * generator's meta step and then the multi-task step, both from the same θ, so the virtual step is
 * exactly the step then taken (about a third less work).
 *
 * <p>Differences from the seed, each deliberate: (2) the virtual step's rate is the optimiser's current one
 * (the seed's exact script runs one epoch ahead: {@code virtualStepRate: seed}); (3) the forwards
 * at θ⁺ and θ ± εv use batch statistics and leave the running statistics alone (the seed's
 * first-order script moves them); (4) the mask is exactly 0 outside the block
 * ({@code maskEpsilon: 1e-8} is the seed's).
 */
public final class Maxl extends AuxiliaryLearning {
    public static final String NAME = "maxl";

    private final Psi psi;
    private final LabelGenerator generator;
    private final Network virtual;
    private final Sgd sgd;
    private final Optimizer generatorOptimizer;
    private final LearningRateSchedule generatorSchedule;
    private final boolean exact;
    private final boolean entropy;
    private final double entropyWeight;
    private final boolean seedRate;
    private final boolean fused;
    private GeneratedLabelStatistics epochStatistics;
    private int statisticsEpoch = -1;

    /** Everything one meta step computed; nothing has been stepped yet. */
    public record MetaStep(double primaryLoss, double auxiliaryLoss, double primaryLossAfter, double entropy,
                           INDArray multiTaskGradient, INDArray generatorGradient, double[] labels) {
    }

    /**
     * @param settings  the {@code maxl} section with defaults filled in (ψ, meta-gradient, weights…)
     * @param evalSpec  backbone and MLP head to len(ψ) primary classes
     * @param backbone  makes fresh backbone instances (multi-task, virtual copy, generator, evaluated model)
     * @param optimizer the multi-task optimiser: SGD (the virtual step is its step)
     * @throws IllegalArgumentException when ψ's primary classes differ from the model's, or the optimiser is not SGD
     */
    public Maxl(MaxlSpec settings, ModelSpec evalSpec, Supplier<Backbone> backbone, OptimizerSpec optimizer, int epochs, long seed,
                Normalization normalization, DataType dataType) {
        super(NAME, settings, evalSpec, backbone, new Psi(settings.psi()).auxiliaryClasses(), optimizer, epochs, seed, normalization,
                dataType);
        this.psi = new Psi(settings.psi());
        if (psi.primaryClasses() != evalSpec.classes()) {
            throw new IllegalArgumentException("maxl.psi has " + psi.primaryClasses() + " entries but the primary level has "
                    + evalSpec.classes() + " classes: one entry per primary class");
        }
        if (!(optimizer() instanceof Sgd s)) {
            throw new IllegalArgumentException("maxl's virtual step is an SGD step: optimizer.name must be 'sgd', got '"
                    + optimizer().name() + "'");
        }
        this.sgd = s;
        this.virtual = multiTaskNetwork(backbone.get(), psi.primaryClasses(), psi.auxiliaryClasses(), evalSpec, seed, dataType);
        this.generator = new LabelGenerator(backbone.get(), evalSpec, psi, settings.maskEpsilon(), seed, dataType);
        OptimizerSpec generatorSpec = settings.generatorOptimizer();
        this.generatorOptimizer = Optimizers.factory(generatorSpec).apply(generator.network().params());
        this.generatorSchedule = Optimizers.schedule(generatorSpec, Math.max(1, epochs));
        this.exact = "exact".equals(settings.metaGradient());
        this.entropy = exact || settings.firstOrderEntropy();
        this.entropyWeight = settings.entropyWeight();
        this.seedRate = "seed".equals(settings.virtualStepRate());
        this.fused = "fused".equals(settings.schedule());
    }

    /** 2 for the seed's two-pass schedule, 1 for the fused one. */
    @Override
    public int passesPerEpoch() {
        return fused ? 1 : 2;
    }

    public static Maxl create(ExperimentSpec spec, DatasetInfo data) {
        MaxlSpec settings = spec.auxiliary();
        return new Maxl(settings, Single.evalSpec(spec, data, settings.primaryLevel()),
                () -> Backbones.create(spec.backbone(), data.channels(), data.height(), data.width()), spec.optimizer(), spec.epochs(),
                spec.seed(), spec.normalize(), DataType.FLOAT);
    }

    public LabelGenerator generator() {
        return generator;
    }

    public Psi psi() {
        return psi;
    }

    /** The virtual step's rate in an epoch whose multi-task rate is {@code rate} (the seed's option: one epoch ahead). */
    double virtualRate(int epoch, double rate) {
        return seedRate && exact ? schedule().rate(epoch + 1L) : rate;
    }

    @Override
    protected double train(INDArray images, BatchFrame batch, int epoch, int pass, double rate) {
        int[] primary = primaryLabels(batch);
        if (epoch != statisticsEpoch) {
            statisticsEpoch = epoch;
            epochStatistics = new GeneratedLabelStatistics(psi);
        }
        if (!fused && pass == 0) {
            // the seed's pass A: a multi-task step on the primary labels and the generator's current labels
            int rows = primary.length;
            double[] labels = generator.generate(images, primary);
            epochStatistics.add(primary, labels);
            double[] outputs = doubles(multiTask().forward(images, Mode.TRAIN));
            ProbabilityFocalLoss.Result primaryLoss = focal().evaluate(columns(outputs, rows, 0, psi.primaryClasses()),
                    ProbabilityFocalLoss.oneHot(primary, psi.primaryClasses()), rows);
            ProbabilityFocalLoss.Result auxiliaryLoss = focal().evaluate(
                    columns(outputs, rows, psi.primaryClasses(), psi.auxiliaryClasses()), labels, rows);
            multiTask().backward(matrix(sideBySide(primaryLoss.gradLogits(), auxiliaryLoss.gradLogits(), rows), rows,
                    multiTask().dataType()));
            optimizer().step(multiTask().params(), multiTask().gradients(), rate);
            return primaryLoss.loss() + auxiliaryLoss.loss();
        }
        MetaStep step = metaStep(images, primary, virtualRate(epoch, rate));
        generatorOptimizer.step(generator.network().params(), step.generatorGradient(), generatorSchedule.rate(epoch));
        if (fused) {
            epochStatistics.add(primary, step.labels());
            optimizer().step(multiTask().params(), step.multiTaskGradient(), rate);
        }
        return step.primaryLoss() + step.auxiliaryLoss();
    }

    /** The generated labels of the current epoch so far, per primary class (null before the first step). */
    public GeneratedLabels trainingLabelReport() {
        return epochStatistics == null ? null : epochStatistics.report();
    }

    /**
     * One meta step on a batch without stepping anything: the multi-task gradient g at θ (of
     * L_pri + L_aux with the generated labels) and the generator's meta-gradient (left in
     * {@code generator().network().gradients()} and returned). Forwards at θ and of the generator
     * run in training mode (running statistics move, as in the seed); those at θ⁺ and θ ± εv use
     * batch statistics without moving them.
     *
     * @param images  normalised images [B, C, H, W]
     * @param primary primary labels [B]
     * @param alpha   the virtual step's learning rate
     */
    public MetaStep metaStep(INDArray images, int[] primary, double alpha) {
        int rows = primary.length;
        int p = psi.primaryClasses();
        int a = psi.auxiliaryClasses();
        DataType type = multiTask().dataType();
        double[] labels = generator.generate(images, primary);
        double[] outputs = doubles(multiTask().forward(images, Mode.TRAIN));
        double[] primaryTargets = ProbabilityFocalLoss.oneHot(primary, p);
        ProbabilityFocalLoss.Result primaryLoss = focal().evaluate(columns(outputs, rows, 0, p), primaryTargets, rows);
        ProbabilityFocalLoss.Result auxiliaryLoss = focal().evaluate(columns(outputs, rows, p, a), labels, rows);
        multiTask().backward(matrix(sideBySide(primaryLoss.gradLogits(), auxiliaryLoss.gradLogits(), rows), rows, type));
        INDArray g = multiTask().gradients().dup();

        virtual.params().assign(sgd.lookahead(multiTask().params(), g, alpha));
        double[] after = doubles(virtual.forward(images, Mode.EPISODE));
        ProbabilityFocalLoss.Result primaryAfter = focal().evaluate(columns(after, rows, 0, p), primaryTargets, rows);
        virtual.backward(matrix(sideBySide(primaryAfter.gradLogits(), new double[rows * a], rows), rows, type));
        INDArray v = virtual.gradients().dup();

        double scale = alpha * sgd.gradientScale();
        double[] gradLabels = new double[rows * a];
        if (exact) {
            // D_v ℓ_bc from one Jacobian-vector product of the multi-task network at θ (its last forward)
            double[] tangents = columns(doubles(multiTask().forwardTangent(v)), rows, p, a);
            double[] directional = focal().termTangents(auxiliaryLoss.probabilities(), tangents, rows);
            for (int i = 0; i < gradLabels.length; i++) {
                gradLabels[i] = -scale * directional[i] / rows;
            }
        } else {
            double norm = v.norm2Number().doubleValue();
            if (norm > 0) {
                double epsilon = 0.01 / norm;
                double[] plus = auxiliaryTerms(images, multiTask().params().add(v.mul(epsilon)), rows);
                double[] minus = auxiliaryTerms(images, multiTask().params().sub(v.mul(epsilon)), rows);
                for (int i = 0; i < gradLabels.length; i++) {
                    gradLabels[i] = -scale * (plus[i] - minus[i]) / (2 * epsilon * rows);
                }
            }
        }
        double entropyValue = LabelEntropy.value(labels, rows);
        if (entropy && entropyWeight > 0) {
            double[] entropyGradient = LabelEntropy.gradient(labels, rows);
            for (int i = 0; i < gradLabels.length; i++) {
                gradLabels[i] += entropyWeight * entropyGradient[i];
            }
        }
        generator.network().backward(matrix(MaskSoftmax.backward(labels, gradLabels, rows), rows, type));
        return new MetaStep(primaryLoss.loss(), auxiliaryLoss.loss(), primaryAfter.loss(), entropyValue, g,
                generator.network().gradients(), labels);
    }

    /** ℓ_bc of the auxiliary head at other multi-task parameters, [B, A] (batch statistics, running ones untouched). */
    private double[] auxiliaryTerms(INDArray images, INDArray parameters, int rows) {
        virtual.params().assign(parameters);
        double[] outputs = doubles(virtual.forward(images, Mode.EPISODE));
        double[] probabilities = ProbabilityFocalLoss.softmax(columns(outputs, rows, psi.primaryClasses(), psi.auxiliaryClasses()),
                rows);
        double[] terms = new double[probabilities.length];
        for (int i = 0; i < terms.length; i++) {
            terms[i] = focal().term(probabilities[i]);
        }
        return terms;
    }

    /**
     * The meta objective at the current φ: L_pri(θ⁺) + w·L_ent(t) (w·L_ent only where the variant
     * keeps it), θ⁺ the virtual step from θ; nothing is stepped. For checking the meta-gradient
     * against finite differences.
     */
    public double metaObjective(INDArray images, int[] primary, double alpha) {
        int rows = primary.length;
        int p = psi.primaryClasses();
        int a = psi.auxiliaryClasses();
        double[] labels = generator.generate(images, primary);
        double[] outputs = doubles(multiTask().forward(images, Mode.EPISODE));
        double[] primaryTargets = ProbabilityFocalLoss.oneHot(primary, p);
        ProbabilityFocalLoss.Result primaryLoss = focal().evaluate(columns(outputs, rows, 0, p), primaryTargets, rows);
        ProbabilityFocalLoss.Result auxiliaryLoss = focal().evaluate(columns(outputs, rows, p, a), labels, rows);
        multiTask().backward(matrix(sideBySide(primaryLoss.gradLogits(), auxiliaryLoss.gradLogits(), rows), rows,
                multiTask().dataType()));
        virtual.params().assign(sgd.lookahead(multiTask().params(), multiTask().gradients(), alpha));
        double[] after = doubles(virtual.forward(images, Mode.EPISODE));
        double loss = focal().evaluate(columns(after, rows, 0, p), primaryTargets, rows).loss();
        return loss + (entropy ? entropyWeight * LabelEntropy.value(labels, rows) : 0);
    }

    @Override
    protected Map<String, float[]> extraState() {
        Map<String, float[]> state = new LinkedHashMap<>();
        state.put("generator.params", generator.network().params().toFloatVector());
        state.put("generator.buffers", generator.network().buffers().toFloatVector());
        List<INDArray> vectors = generatorOptimizer.state();
        for (int i = 0; i < vectors.size(); i++) {
            state.put("generator.optimizer." + i, vectors.get(i).toFloatVector());
        }
        state.put("generator.optimizer.steps", new float[] {generatorOptimizer.steps()});
        float[] blocks = new float[psi.primaryClasses()];
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = psi.size(i);
        }
        state.put("maxl.psi", blocks);
        state.put("maxl.maskEpsilon", new float[] {(float) generator.maskEpsilon()});
        return state;
    }

    @Override
    protected void restoreExtraState(Checkpoint checkpoint) {
        assign(generator.network().params(), checkpoint.extra("generator.params"), "generator.params");
        assign(generator.network().buffers(), checkpoint.extra("generator.buffers"), "generator.buffers");
        List<INDArray> saved = new ArrayList<>();
        for (int i = 0; i < generatorOptimizer.state().size(); i++) {
            INDArray own = generatorOptimizer.state().get(i);
            float[] values = checkpoint.extra("generator.optimizer." + i);
            if (values.length != own.length()) {
                throw new io.metaloop.learning.checkpoint.CheckpointException("generator.optimizer." + i + " has " + values.length
                        + " values, the generator's optimizer " + own.length());
            }
            saved.add(Nd4j.createFromArray(values).castTo(own.dataType()));
        }
        generatorOptimizer.restore(saved, (long) checkpoint.extra("generator.optimizer.steps")[0]);
    }
}
