package io.metaloop.learning.method.selfsupervised;

import io.metaloop.contracts.DatasetInfo;
import io.metaloop.contracts.ExperimentSpec;
import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.contracts.spec.DeepInfoMaxSpec;
import io.metaloop.learning.backbone.Backbone;
import io.metaloop.learning.backbone.Backbones;
import io.metaloop.learning.model.ModelSpec;
import io.metaloop.learning.nn.Layer;
import io.metaloop.learning.nn.LayerTap;
import io.metaloop.learning.nn.Linear;
import io.metaloop.learning.nn.Mode;
import io.metaloop.learning.nn.Network;
import io.metaloop.learning.nn.Relu;
import io.metaloop.learning.nn.Sequential;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Deep InfoMax (Hjelm et al., ICLR 2019, arXiv:1808.06670), the local variant with the prior term,
 * as the relational-reasoning seed runs it ({@code methods/deepinfomax.py}; seeds.md §2.6):
 * α (global) = 0, β (local) = {@code localWeight} (seed 1), γ (prior) = {@code priorWeight} (seed
 * 0.1); flip-only augmentation and Adam 1e-4 are the spec's defaults.
 *
 * <p>Per batch of B ≥ 2 images [B, C, H, W] (B = 1 is refused: its negative would be itself):
 * <ul>
 * <li>y [B, F] = the backbone's features; M [B, Cm, Hm, Wm] = the post-ReLU output of its first
 * conv block, read through a {@link LayerTap} (the first ReLU the backbone runs: Conv4's first
 * block before its pooling, 8 channels; the CIFAR ResNets' stem, 16; ResNet-18/34's stem before
 * the max pool, 64). The backbone's layers and parameter layout are untouched.</li>
 * <li>Negatives: M'[b] = M[(b + 1) mod B], the seed's {@code torch.cat([M[1:], M[0:1]])} (a roll by
 * −1; either direction pairs each y with another image's map).</li>
 * <li>Local discriminator T: three 1×1 convolutions (Cm + F → 256 → 256 → 1, ReLU between) on the
 * channel concatenation [M, y broadcast over M's positions]. A 1×1 convolution is a {@link Linear}
 * layer on the map's positions as rows: the input is [B·Hm·Wm, Cm + F], row b·Hm·Wm + h·Wm + w
 * holding M[b, :, h, w] then y[b] (the seed's {@code cat((M, y_expanded), dim=1)} order); positives
 * and negatives run as one batch of 2·B·Hm·Wm rows, positives first.</li>
 * <li>Local loss, the JSD estimator (paper appendix A.1): β · (mean softplus(T(y, M')) + mean
 * softplus(−T(y, M))) = β · (E_neg[softplus(T)] − E_pos[−softplus(−T)]), means over B·Hm·Wm.</li>
 * <li>Prior discriminator D = sigmoid(MLP(F → 512 → 128 → 1, ReLU between)) between noise
 * u ~ U(0, 1) of y's shape (drawn from the method's checkpointed generator) and y: γ · −(mean
 * log D(u) + mean log(1 − D(y))), computed from the logits z as γ · (mean softplus(−z_u) + mean
 * softplus(z_y)), which cannot overflow (the seed takes the log of the sigmoid).</li>
 * </ul>
 *
 * <p><b>Sign of the prior term.</b> The seed minimises the whole sum with one Adam over backbone
 * and both discriminators, so the backbone, too, <em>minimises</em> the prior discriminator's loss
 * (it helps D tell y from noise) — not the paper's adversarial game (eq. 7), in which the encoder
 * minimises E log D(u) + E log(1 − D(y)) while D maximises it. This class follows the seed by
 * default; {@code adversarialPrior = true} gives the paper's game by reversing the sign of the
 * prior term's gradient in y only (the discriminator's update is the same either way).
 *
 * <p>Both discriminators are the method's head (checkpointed through {@link SelfSupervisedMethod}),
 * with PyTorch's default initialisation of {@code nn.Conv2d}/{@code nn.Linear} (U(±1/√fan-in)) and
 * tensor names after the seed's ({@code local_d.c0.weight}, …, {@code prior_d.l2.bias}); a weight
 * is stored [in, out], not PyTorch's [out, in, 1, 1]. The reported accuracy is the fraction of
 * local scores on the right side of 0 (positives above, negatives below).
 */
public final class DeepInfoMax extends SelfSupervisedMethod {
    public static final String NAME = "deep-infomax";
    /** The seed's local discriminator width (both hidden 1×1 convolutions). */
    public static final int LOCAL_HIDDEN = 256;
    /** The seed's prior discriminator widths. */
    public static final int[] PRIOR_HIDDEN = {512, 128};

    private final double localWeight;
    private final double priorWeight;
    private final boolean adversarialPrior;
    private final LayerTap tap;
    // ∂L/∂M of the current step: set by objective, used and cleared by backpropagate
    private INDArray gradMap;

    /** The seed's method (the cooperative prior term). */
    public DeepInfoMax(ModelSpec encoder, DeepInfoMaxSpec section, ExperimentSpec spec) {
        this(encoder, section, spec, false);
    }

    /**
     * @param section          β and γ (absent values take the seed's 1 and 0.1)
     * @param adversarialPrior the paper's adversarial prior term instead of the seed's (see above)
     * @throws IllegalArgumentException for a backbone without a ReLU to tap before its first residual
     *                                  block, or whose first ReLU does not output a [B, C, H, W] map
     */
    public DeepInfoMax(ModelSpec encoder, DeepInfoMaxSpec section, ExperimentSpec spec, boolean adversarialPrior) {
        this(encoder, section.withDefaults(), spec, adversarialPrior, featureSize(encoder), mapChannels(encoder));
    }

    private DeepInfoMax(ModelSpec encoder, DeepInfoMaxSpec section, ExperimentSpec spec, boolean adversarialPrior,
                        int features, int mapChannels) {
        super(NAME, encoder, discriminators(features, mapChannels, LOCAL_HIDDEN, PRIOR_HIDDEN[0], PRIOR_HIDDEN[1]),
                new long[] {features}, spec.optimizer(), spec.epochs(), spec.seed(), spec.normalize());
        this.localWeight = section.localWeight();
        this.priorWeight = section.priorWeight();
        this.adversarialPrior = adversarialPrior;
        this.tap = LayerTap.firstRelu(model().network());
    }

    /**
     * @throws IllegalArgumentException when the experiment gives more than one view per image
     */
    public static DeepInfoMax create(ExperimentSpec spec, DatasetInfo data) {
        if (spec.augment().views() != 1) {
            throw new IllegalArgumentException("Deep InfoMax takes one view of each image, got " + spec.augment().views());
        }
        ModelSpec encoder = ModelSpec.features(spec.backbone(), data.channels(), data.height(), data.width());
        return new DeepInfoMax(encoder, spec.deepInfomax(), spec);
    }

    /** Channels Cm of the backbone's first post-ReLU map M, from the layers' shapes alone. */
    static int mapChannels(ModelSpec encoder) {
        Backbone backbone = Backbones.create(encoder.backbone(), encoder.channels(), encoder.height(), encoder.width());
        int[] path = LayerTap.firstReluPath(backbone.layer());
        long[] shape = LayerTap.outputShapeAt(backbone.layer(), path, new long[] {1, encoder.channels(), encoder.height(),
                encoder.width()});
        if (shape.length != 4) {
            throw new IllegalArgumentException("Deep InfoMax needs a feature map [B, C, H, W] at the first ReLU of backbone '"
                    + encoder.backbone() + "', got " + java.util.Arrays.toString(shape));
        }
        return (int) shape[1];
    }

    /**
     * The head: the local discriminator {@code local_d} (Linear as 1×1 conv: Cm + F → hidden → hidden
     * → 1, ReLU between) and the prior discriminator {@code prior_d} (F → prior1 → prior2 → 1, ReLU
     * between; the sigmoid is applied in the loss), one parameter vector. It is a container for the
     * two, which {@link #terms} runs separately: its own forward and backward throw.
     */
    static Layer discriminators(int features, int mapChannels, int localHidden, int prior1, int prior2) {
        Sequential local = Sequential.builder()
                .add("c0", new Linear(mapChannels + features, localHidden)).add(new Relu())
                .add("c1", new Linear(localHidden, localHidden)).add(new Relu())
                .add("c2", new Linear(localHidden, 1)).build();
        Sequential prior = Sequential.builder()
                .add("l0", new Linear(features, prior1)).add(new Relu())
                .add("l1", new Linear(prior1, prior2)).add(new Relu())
                .add("l2", new Linear(prior2, 1)).build();
        return new Discriminators(local, prior, features);
    }

    @Override
    protected INDArray encode(Network encoder, INDArray images) {
        if (images.size(0) < 2) {
            throw new IllegalArgumentException("Deep InfoMax needs at least 2 images per batch (the negative of an image is "
                    + "another image's map), got " + images.size(0));
        }
        gradMap = null;
        return tap.forward(images, Mode.TRAIN);
    }

    @Override
    protected Objective objective(INDArray features, BatchFrame batch) {
        Terms terms = terms(features, tap.tapped(), noise(features), head(), localWeight, priorWeight, adversarialPrior);
        gradMap = terms.gradMap();
        return new Objective(terms.loss(), terms.gradFeatures(), terms.accuracy());
    }

    @Override
    protected void backpropagate(Network encoder, INDArray gradFeatures) {
        INDArray gradM = gradMap;
        gradMap = null;
        tap.backward(gradFeatures, gradM);
    }

    /** U(0, 1) noise shaped like y, from the method's checkpointed generator (row-major draws). */
    private INDArray noise(INDArray y) {
        double[] u = new double[(int) y.length()];
        for (int i = 0; i < u.length; i++) {
            u[i] = random().nextDouble();
        }
        return Nd4j.create(u, y.shape(), 'c').castTo(y.dataType());
    }

    /**
     * One evaluation of the objective and its gradients.
     *
     * @param loss         β·local + γ·prior, the value minimised (with the seed's sign of the prior term)
     * @param gradFeatures ∂/∂y [B, F] of what the backbone minimises (the prior part reversed when adversarial)
     * @param gradMap      ∂loss/∂M [B, Cm, Hm, Wm]
     * @param accuracy     fraction of local scores with the right sign
     */
    record Terms(double loss, double local, double prior, INDArray gradFeatures, INDArray gradMap, double accuracy) {
    }

    /**
     * The loss on features y and map M with prior noise u, run through the head's two discriminators
     * (forward and backward: their gradients end in {@code head.gradients()}); see the class comment
     * for the formulas. Works in the arrays' data type (float in training, double in tests).
     *
     * @param y     [B, F]
     * @param m     [B, Cm, Hm, Wm]
     * @param noise [B, F], values in [0, 1)
     * @param head  a network over {@link #discriminators}
     * @throws IllegalArgumentException for B &lt; 2 or shapes that do not fit
     */
    static Terms terms(INDArray y, INDArray m, INDArray noise, Network head, double beta, double gamma,
                       boolean adversarial) {
        Discriminators d = (Discriminators) head.root();
        int batch = (int) y.size(0);
        int features = (int) y.size(1);
        if (batch < 2) {
            throw new IllegalArgumentException("Deep InfoMax needs at least 2 images per batch, got " + batch);
        }
        if (m.rank() != 4 || m.size(0) != batch || !java.util.Arrays.equals(noise.shape(), y.shape())
                || features != d.features) {
            throw new IllegalArgumentException("features " + java.util.Arrays.toString(y.shape()) + ", map "
                    + java.util.Arrays.toString(m.shape()) + " and noise " + java.util.Arrays.toString(noise.shape())
                    + " do not fit discriminators over " + d.features + " features");
        }
        int channels = (int) m.size(1);
        long rows = (long) batch * m.size(2) * m.size(3);

        // local term: positives [M, y] then negatives [M', y], one row per position
        INDArray scores = d.local.forward(localPairs(y, m), Mode.TRAIN);
        double[] t = scores.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).dup('c').toDoubleVector();
        double[] gradT = new double[t.length];
        double local = 0;
        long right = 0;
        for (int i = 0; i < t.length; i++) {
            boolean positive = i < rows;
            // positives: softplus(−T), ∂/∂T = −σ(−T); negatives: softplus(T), ∂/∂T = σ(T)
            double s = positive ? -t[i] : t[i];
            local += softplus(s);
            gradT[i] = (positive ? -1 : 1) * beta * sigmoid(s) / rows;
            right += s < 0 ? 1 : 0;
        }
        local /= rows;
        INDArray gradPairs = d.local.backward(Nd4j.create(gradT, new long[] {t.length, 1}, 'c').castTo(scores.dataType()));
        INDArray gradY = gradPairs.get(NDArrayIndex.interval(0, rows), NDArrayIndex.interval(channels, channels + features))
                .add(gradPairs.get(NDArrayIndex.interval(rows, 2 * rows), NDArrayIndex.interval(channels, channels + features)))
                .reshape('c', batch, rows / batch, features).sum(1);
        INDArray gradMapRows = gradPairs.get(NDArrayIndex.interval(0, rows), NDArrayIndex.interval(0, channels))
                .add(unrollNegatives(gradPairs.get(NDArrayIndex.interval(rows, 2 * rows), NDArrayIndex.interval(0, channels)),
                        batch));
        INDArray gradM = gradMapRows.reshape('c', batch, m.size(2), m.size(3), channels).permute(0, 3, 1, 2).dup('c');

        // prior term: noise (label 1) then y (label 0) through D
        INDArray logits = d.prior.forward(Nd4j.concat(0, noise.castTo(y.dataType()), y), Mode.TRAIN);
        double[] z = logits.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).dup('c').toDoubleVector();
        double[] gradZ = new double[z.length];
        double prior = 0;
        for (int i = 0; i < z.length; i++) {
            boolean isNoise = i < batch;
            // −log σ(z) = softplus(−z), −log(1 − σ(z)) = softplus(z)
            double s = isNoise ? -z[i] : z[i];
            prior += softplus(s);
            gradZ[i] = (isNoise ? -1 : 1) * gamma * sigmoid(s) / batch;
        }
        prior /= batch;
        INDArray gradPriorInput = d.prior.backward(Nd4j.create(gradZ, new long[] {z.length, 1}, 'c')
                .castTo(logits.dataType()));
        INDArray gradYPrior = gradPriorInput.get(NDArrayIndex.interval(batch, 2 * batch), NDArrayIndex.all());
        if (adversarial) {
            gradY.subi(gradYPrior);
        } else {
            gradY.addi(gradYPrior);
        }
        return new Terms(beta * local + gamma * prior, local, prior, gradY, gradM, (double) right / t.length);
    }

    /**
     * The local discriminator's input [2·B·P, Cm + F], P = Hm·Wm: row b·P + h·Wm + w is
     * [M[b, :, h, w], y[b]], row B·P + b·P + h·Wm + w is [M'[b, :, h, w], y[b]] with
     * M'[b] = M[(b + 1) mod B].
     */
    static INDArray localPairs(INDArray y, INDArray m) {
        int batch = (int) m.size(0);
        long positions = m.size(2) * m.size(3);
        long rows = batch * positions;
        INDArray mapRows = m.permute(0, 2, 3, 1).dup('c').reshape('c', rows, m.size(1));
        // M'[b] = M[(b + 1) mod B]: the rows of images 1..B−1, then those of image 0
        INDArray rolled = Nd4j.concat(0, mapRows.get(NDArrayIndex.interval(positions, rows), NDArrayIndex.all()),
                mapRows.get(NDArrayIndex.interval(0, positions), NDArrayIndex.all()));
        INDArray yRows = y.reshape('c', batch, 1, y.size(1)).broadcast(batch, positions, y.size(1)).dup('c')
                .reshape('c', rows, y.size(1));
        return Nd4j.concat(0, Nd4j.concat(1, mapRows, yRows), Nd4j.concat(1, rolled, yRows));
    }

    /** The adjoint of the roll: the gradient in M'[b] = M[(b + 1) mod B] belongs to M[(b + 1) mod B]. */
    private static INDArray unrollNegatives(INDArray gradRolled, int batch) {
        long rows = gradRolled.size(0);
        long positions = rows / batch;
        return Nd4j.concat(0, gradRolled.get(NDArrayIndex.interval(rows - positions, rows), NDArrayIndex.all()),
                gradRolled.get(NDArrayIndex.interval(0, rows - positions), NDArrayIndex.all()));
    }

    /** log(1 + eˣ) without overflow. */
    static double softplus(double x) {
        return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    }

    static double sigmoid(double x) {
        if (x >= 0) {
            return 1 / (1 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1 + e);
    }

    /**
     * The two discriminators as one parameter container (for the head's network, its optimiser and
     * checkpoint): tensors {@code local_d.*} then {@code prior_d.*}. {@link #terms} runs them
     * separately; as a layer in its own right it only declares shapes.
     */
    private static final class Discriminators implements Layer {
        private final Sequential local;
        private final Sequential prior;
        private final int features;
        private final Sequential both;

        Discriminators(Sequential local, Sequential prior, int features) {
            this.local = local;
            this.prior = prior;
            this.features = features;
            this.both = Sequential.builder().add("local_d", local).add("prior_d", prior).build();
        }

        @Override
        public List<long[]> parameterShapes() {
            return both.parameterShapes();
        }

        @Override
        public List<String> parameterNames() {
            return both.parameterNames();
        }

        @Override
        public List<long[]> bufferShapes() {
            return both.bufferShapes();
        }

        @Override
        public List<String> bufferNames() {
            return both.bufferNames();
        }

        @Override
        public void bind(List<INDArray> params, List<INDArray> grads, List<INDArray> buffers) {
            both.bind(params, grads, buffers);
        }

        @Override
        public void initialise(List<INDArray> params, List<INDArray> buffers, Random random) {
            both.initialise(params, buffers, random);
        }

        /** The prior discriminator's: features [N, F] in, a logit [N, 1] out. */
        @Override
        public long[] outputShape(long[] inputShape) {
            return prior.outputShape(inputShape);
        }

        @Override
        public INDArray forward(INDArray input, Mode mode) {
            throw new UnsupportedOperationException("the Deep InfoMax discriminators run separately, see DeepInfoMax.terms");
        }

        @Override
        public INDArray backward(INDArray gradOutput) {
            throw new UnsupportedOperationException("the Deep InfoMax discriminators run separately, see DeepInfoMax.terms");
        }
    }
}
