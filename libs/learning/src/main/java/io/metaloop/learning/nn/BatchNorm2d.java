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
    public INDArray backward(INDArray gradOut) {
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
