package io.metaloop.learning.nn;

import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Broadcast;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Batch normalisation over (batch, height, width) per channel, with PyTorch's conventions:
 * eps 1e-5, running statistics updated with momentum 0.1 and the unbiased batch variance.
 *
 * <p>Buffers: running mean, running variance. {@link Mode#TRAIN} and {@link Mode#EPISODE} normalise
 * with the batch's statistics (only TRAIN updates the running ones); {@link Mode#EVAL} with the
 * running statistics.
 */
public final class BatchNorm2d implements Layer {
    private static final double EPS = 1e-5;
    private static final double MOMENTUM = 0.1;
    private static final int[] REDUCE = {0, 2, 3};
    private static final int CHANNEL_DIM = 1;

    private final int channels;
    private INDArray gamma;
    private INDArray beta;
    private INDArray gradGamma;
    private INDArray gradBeta;
    private INDArray runningMean;
    private INDArray runningVar;
    // cached by forward for backward
    private INDArray normalised;
    private INDArray invStd;
    private Mode lastMode;
    private INDArray lastGradOutput;
    // forward-mode derivatives (exact Hessian-vector products)
    private INDArray gammaTangent;
    private INDArray betaTangent;
    private INDArray gradGammaTangent;
    private INDArray gradBetaTangent;
    private INDArray normalisedTangent;
    private INDArray sigmaTangent;

    public BatchNorm2d(int channels) {
        this.channels = channels;
    }

    @Override
    public List<long[]> parameterShapes() {
        return List.of(new long[] {channels}, new long[] {channels});
    }

    @Override
    public List<long[]> bufferShapes() {
        return List.of(new long[] {channels}, new long[] {channels});
    }

    @Override
    public void bind(List<INDArray> params, List<INDArray> grads, List<INDArray> buffers) {
        gamma = params.get(0);
        beta = params.get(1);
        gradGamma = grads.get(0);
        gradBeta = grads.get(1);
        runningMean = buffers.get(0);
        runningVar = buffers.get(1);
    }

    @Override
    public void initialise(List<INDArray> params, List<INDArray> buffers, Random random) {
        params.get(0).assign(1);
        params.get(1).assign(0);
        buffers.get(0).assign(0);
        buffers.get(1).assign(1);
    }

    @Override
    public long[] outputShape(long[] in) {
        if (in[1] != channels) {
            throw new IllegalArgumentException("batch norm expects " + channels + " channels, got " + in[1]);
        }
        return in.clone();
    }

    @Override
    public INDArray forward(INDArray x, Mode mode) {
        lastMode = mode;
        if (PlaneKernels.dense(x) && x.length() < Integer.MAX_VALUE) {
            return forwardPlanes(x, mode);
        }
        INDArray mean;
        INDArray var;
        if (mode.usesBatchStatistics()) {
            mean = x.mean(REDUCE);
            INDArray centred = Broadcast.sub(x, mean, x.ulike(), CHANNEL_DIM);
            var = centred.mul(centred).mean(REDUCE);
            if (mode.updatesRunningStatistics()) {
                long n = x.length() / channels;
                runningMean.muli(1 - MOMENTUM).addi(mean.mul(MOMENTUM));
                runningVar.muli(1 - MOMENTUM).addi(var.mul(MOMENTUM * n / Math.max(1, n - 1)));
            }
            invStd = Transforms.pow(var.add(EPS), -0.5, false);
            normalised = Broadcast.mul(centred, invStd, centred, CHANNEL_DIM);
        } else {
            invStd = Transforms.pow(runningVar.add(EPS), -0.5, false);
            INDArray centred = Broadcast.sub(x, runningMean, x.ulike(), CHANNEL_DIM);
            normalised = Broadcast.mul(centred, invStd, centred, CHANNEL_DIM);
        }
        INDArray out = Broadcast.mul(normalised, gamma, normalised.ulike(), CHANNEL_DIM);
        return Broadcast.add(out, beta, out, CHANNEL_DIM);
    }

    /** The same computation in Java loops over channel planes (float, dense arrays): see {@link PlaneKernels}. */
    private INDArray forwardPlanes(INDArray x, Mode mode) {
        float[] scale = gamma.toFloatVector();
        float[] offset = beta.toFloatVector();
        float[] shift = new float[channels];
        float[] inv = new float[channels];
        double[][] stats = null;
        if (mode.usesBatchStatistics()) {
            stats = new double[2][channels];
        } else {
            float[] mean = runningMean.toFloatVector();
            float[] var = runningVar.toFloatVector();
            for (int c = 0; c < channels; c++) {
                shift[c] = mean[c];
                inv[c] = (float) (1.0 / Math.sqrt(var[c] + EPS));
            }
        }
        normalised = x.ulike();
        INDArray out = x.ulike();
        PlaneKernels.batchNorm(x, scale, offset, shift, inv, EPS, stats, normalised, out);
        invStd = Nd4j.createFromArray(inv).castTo(x.dataType());
        if (mode.updatesRunningStatistics()) {
            long n = x.length() / channels;
            INDArray mean = Nd4j.createFromArray(stats[0]).castTo(runningMean.dataType());
            INDArray var = Nd4j.createFromArray(stats[1]).castTo(runningVar.dataType());
            runningMean.muli(1 - MOMENTUM).addi(mean.muli(MOMENTUM));
            runningVar.muli(1 - MOMENTUM).addi(var.muli(MOMENTUM * n / Math.max(1, n - 1)));
        }
        return out;
    }

    @Override
    public void bindTangents(List<INDArray> paramTangents, List<INDArray> gradTangents) {
        gammaTangent = paramTangents.get(0);
        betaTangent = paramTangents.get(1);
        gradGammaTangent = gradTangents.get(0);
        gradBetaTangent = gradTangents.get(1);
    }

    /**
     * ẏ = γ̇·x̂ + γ·x̂̇ + β̇. With batch statistics (σ² the biased batch variance plus eps) the mean and
     * the deviation move with the input: μ̇ = mean(ẋ), σ̇ = mean(x̂·ẋ), x̂̇ = (ẋ − μ̇ − x̂·σ̇)/σ; with
     * running statistics x̂̇ = ẋ/σ.
     */
    @Override
    public INDArray forwardTangent(INDArray inputTangent) {
        if (PlaneKernels.dense(normalised) && (inputTangent == null || PlaneKernels.dense(inputTangent))
                && normalised.length() < Integer.MAX_VALUE) {
            boolean batch = lastMode.usesBatchStatistics();
            normalisedTangent = inputTangent == null ? null : normalised.ulike();
            float[] sigma = batch && inputTangent != null ? new float[channels] : null;
            INDArray out = normalised.ulike();
            PlaneKernels.batchNormTangent(normalised, inputTangent, gamma.toFloatVector(), gammaTangent.toFloatVector(),
                    betaTangent.toFloatVector(), invStd.toFloatVector(), batch, normalisedTangent,
                    sigma == null ? new float[channels] : sigma, out);
            sigmaTangent = sigma == null ? null : Nd4j.createFromArray(sigma);
            return out;
        }
        if (inputTangent == null) {
            normalisedTangent = null;
            sigmaTangent = null;
        } else if (lastMode.usesBatchStatistics()) {
            INDArray meanTangent = inputTangent.mean(REDUCE);
            sigmaTangent = normalised.mul(inputTangent).mean(REDUCE);
            INDArray t = Broadcast.sub(inputTangent, meanTangent, inputTangent.ulike(), CHANNEL_DIM);
            t.subi(Broadcast.mul(normalised, sigmaTangent, normalised.ulike(), CHANNEL_DIM));
            normalisedTangent = Broadcast.mul(t, invStd, t, CHANNEL_DIM);
        } else {
            sigmaTangent = null;
            normalisedTangent = Broadcast.mul(inputTangent, invStd, inputTangent.ulike(), CHANNEL_DIM);
        }
        INDArray out = Broadcast.mul(normalised, gammaTangent, normalised.ulike(), CHANNEL_DIM);
        Broadcast.add(out, betaTangent, out, CHANNEL_DIM);
        if (normalisedTangent != null) {
            out.addi(Broadcast.mul(normalisedTangent, gamma, normalisedTangent.ulike(), CHANNEL_DIM));
        }
        return out;
    }

    /**
     * The derivative of the backward pass. With a = γ/σ, m = mean(g·x̂) and h = g − mean(g) − x̂·m, the
     * input gradient is a·h, so ġx = ȧ·h + a·ḣ with ȧ = (γ̇ − γ·σ̇/σ)/σ, ṁ = mean(ġ·x̂ + g·x̂̇),
     * ḣ = ġ − mean(ġ) − x̂̇·m − x̂·ṁ; ġγ = Σ(ġ·x̂ + g·x̂̇), ġβ = Σġ. With running statistics ġx = (γ̇·g + γ·ġ)/σ.
     */
    @Override
    public INDArray backwardTangent(INDArray gradOutputTangent) {
        if (PlaneKernels.dense(lastGradOutput) && PlaneKernels.dense(gradOutputTangent) && PlaneKernels.dense(normalised)
                && (normalisedTangent == null || PlaneKernels.dense(normalisedTangent))
                && normalised.length() < Integer.MAX_VALUE) {
            double[] gradScale = new double[channels];
            double[] gradOffset = new double[channels];
            INDArray out = gradOutputTangent.ulike();
            PlaneKernels.batchNormBackwardTangent(lastGradOutput, gradOutputTangent, normalised, normalisedTangent,
                    gamma.toFloatVector(), gammaTangent.toFloatVector(), invStd.toFloatVector(),
                    sigmaTangent == null ? null : sigmaTangent.toFloatVector(), lastMode.usesBatchStatistics(),
                    gradScale, gradOffset, out);
            gradGammaTangent.assign(Nd4j.createFromArray(gradScale).castTo(gradGammaTangent.dataType()));
            gradBetaTangent.assign(Nd4j.createFromArray(gradOffset).castTo(gradBetaTangent.dataType()));
            return out;
        }
        INDArray g = lastGradOutput;
        INDArray gDot = gradOutputTangent;
        INDArray mixed = gDot.mul(normalised);
        if (normalisedTangent != null) {
            mixed.addi(g.mul(normalisedTangent));
        }
        gradGammaTangent.assign(mixed.sum(REDUCE));
        gradBetaTangent.assign(gDot.sum(REDUCE));
        if (!lastMode.usesBatchStatistics()) {
            INDArray out = Broadcast.mul(g, gammaTangent.mul(invStd), g.ulike(), CHANNEL_DIM);
            return out.addi(Broadcast.mul(gDot, gamma.mul(invStd), gDot.ulike(), CHANNEL_DIM));
        }
        INDArray m = g.mul(normalised).mean(REDUCE);
        INDArray mDot = mixed.mean(REDUCE);
        INDArray h = Broadcast.sub(g, g.mean(REDUCE), g.ulike(), CHANNEL_DIM);
        h.subi(Broadcast.mul(normalised, m, normalised.ulike(), CHANNEL_DIM));
        INDArray hDot = Broadcast.sub(gDot, gDot.mean(REDUCE), gDot.ulike(), CHANNEL_DIM);
        hDot.subi(Broadcast.mul(normalised, mDot, normalised.ulike(), CHANNEL_DIM));
        if (normalisedTangent != null) {
            hDot.subi(Broadcast.mul(normalisedTangent, m, normalisedTangent.ulike(), CHANNEL_DIM));
        }
        INDArray a = gamma.mul(invStd);
        INDArray aDot = sigmaTangent == null ? gammaTangent.mul(invStd)
                : gammaTangent.sub(gamma.mul(sigmaTangent).muli(invStd)).muli(invStd);
        INDArray out = Broadcast.mul(h, aDot, h, CHANNEL_DIM);
        return out.addi(Broadcast.mul(hDot, a, hDot, CHANNEL_DIM));
    }

    @Override
    public INDArray backward(INDArray gradOut) {
        lastGradOutput = gradOut;
        if (lastMode.usesBatchStatistics() && PlaneKernels.dense(gradOut) && PlaneKernels.dense(normalised)) {
            double[] gradScale = new double[channels];
            double[] gradOffset = new double[channels];
            INDArray gradInput = gradOut.ulike();
            PlaneKernels.batchNormBackward(gradOut, normalised, gamma.toFloatVector(), invStd.toFloatVector(),
                    gradScale, gradOffset, gradInput);
            gradGamma.assign(Nd4j.createFromArray(gradScale).castTo(gradGamma.dataType()));
            gradBeta.assign(Nd4j.createFromArray(gradOffset).castTo(gradBeta.dataType()));
            return gradInput;
        }
        gradBeta.assign(gradOut.sum(REDUCE));
        gradGamma.assign(gradOut.mul(normalised).sum(REDUCE));
        // gradient with respect to the normalised input
        INDArray gradNorm = Broadcast.mul(gradOut, gamma, gradOut.ulike(), CHANNEL_DIM);
        if (!lastMode.usesBatchStatistics()) {
            // statistics are constants: d/dx = gamma * invStd
            return Broadcast.mul(gradNorm, invStd, gradNorm, CHANNEL_DIM);
        }
        // dx = invStd * (gradNorm - mean(gradNorm) - xhat * mean(gradNorm * xhat))
        INDArray meanGrad = gradNorm.mean(REDUCE);
        INDArray meanGradDotNorm = gradNorm.mul(normalised).mean(REDUCE);
        INDArray projection = Broadcast.mul(normalised, meanGradDotNorm, normalised.ulike(), CHANNEL_DIM);
        gradNorm.subi(projection);
        Broadcast.sub(gradNorm, meanGrad, gradNorm, CHANNEL_DIM);
        return Broadcast.mul(gradNorm, invStd, gradNorm, CHANNEL_DIM);
    }
}
