package io.metaloop.learning.nn;

import java.nio.FloatBuffer;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Loops over the planes of float NCHW arrays, written in Java where the library op is slow:
 * libnd4j's {@code maxpool2d}/{@code maxpool2d_bp} took 93 / 149 ms on ConvNet4's first 80×32×84×84
 * map, three times the convolution before it (bench/train-step --profile). Each plane (one
 * channel of one image) is independent, so planes run in parallel.
 */
final class PlaneKernels {
    /** Per-thread scratch planes, reused: fresh arrays cost more in allocation and zeroing than the pooling itself. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[][] {new float[0], new float[0]});

    private PlaneKernels() {
    }

    private static float[] scratch(int which, int size) {
        float[][] s = SCRATCH.get();
        if (s[which].length < size) {
            s[which] = new float[size];
        }
        return s[which];
    }

    /** True for a float array laid out densely in C order from the start of its buffer. */
    static boolean dense(INDArray a) {
        return a.dataType() == DataType.FLOAT && a.ordering() == 'c' && a.offset() == 0
                && java.util.Arrays.equals(a.stride(), Nd4j.getStrides(a.shape(), 'c'))
                && a.data().length() >= a.length();
    }

    static FloatBuffer floats(INDArray a) {
        return a.data().asNioFloat();
    }

    /**
     * Max pooling with window = stride = k, no padding, floor sizes. Writes the output and, for
     * each output element, which of the k·k window positions held the maximum (first on ties).
     */
    static void maxPool(INDArray input, int k, INDArray output, byte[] argmax) {
        PoolShape shape = PoolShape.of(input, output);
        int w = shape.w();
        int oh = shape.oh();
        int ow = shape.ow();
        eachPoolPlane(input, output, false, (p, plane, pooled) -> {
            int outBase = p * oh * ow;
            if (k == 2) {
                pool2x2(plane, w, oh, ow, pooled, argmax, outBase);
                return;
            }
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int first = oy * k * w + ox * k;
                    float best = plane[first];
                    int bestAt = 0;
                    for (int dy = 0; dy < k; dy++) {
                        int row = first + dy * w;
                        for (int dx = 0; dx < k; dx++) {
                            float v = plane[row + dx];
                            if (v > best) {
                                best = v;
                                bestAt = dy * k + dx;
                            }
                        }
                    }
                    pooled[oy * ow + ox] = best;
                    argmax[outBase + oy * ow + ox] = (byte) bestAt;
                }
            }
        });
    }

    /**
     * The 2×2 case without branches, which random data makes the processor mispredict half the
     * time (the branchy version took 47 ms on an 80×32×84×84 map): the maximum of each row pair,
     * then of the two, keeping the first position on ties.
     */
    private static void pool2x2(float[] plane, int w, int oh, int ow, float[] pooled, byte[] argmax, int outBase) {
        for (int oy = 0; oy < oh; oy++) {
            int top = 2 * oy * w;
            for (int ox = 0; ox < ow; ox++) {
                int i = top + 2 * ox;
                float a = plane[i];
                float b = plane[i + 1];
                float c = plane[i + w];
                float d = plane[i + w + 1];
                // the sign bit of a − b is 1 exactly when b > a: positions as arithmetic, not branches
                int right = Float.floatToRawIntBits(a - b) >>> 31;
                int lowerRight = Float.floatToRawIntBits(c - d) >>> 31;
                float upper = Math.max(a, b);
                float lower = Math.max(c, d);
                int down = Float.floatToRawIntBits(upper - lower) >>> 31;
                pooled[oy * ow + ox] = Math.max(upper, lower);
                int upperAt = right;
                int lowerAt = 2 + lowerRight;
                argmax[outBase + oy * ow + ox] = (byte) (upperAt + down * (lowerAt - upperAt));
            }
        }
    }

    /** The gradient of {@link #maxPool}: each output's gradient goes to its window's maximum, the rest is 0. */
    static void maxPoolBackward(INDArray gradOutput, int k, byte[] argmax, INDArray gradInput) {
        PoolShape shape = PoolShape.of(gradInput, gradOutput);
        int w = shape.w();
        int oh = shape.oh();
        int ow = shape.ow();
        eachPoolPlane(gradInput, gradOutput, true, (p, plane, grad) -> {
            int outBase = p * oh * ow;
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int at = argmax[outBase + oy * ow + ox];
                    plane[(oy * k + at / k) * w + ox * k + at % k] = grad[oy * ow + ox];
                }
            }
        });
    }

    /**
     * The forward-mode derivative of {@link #maxPool}: each output takes the tangent of its window's
     * maximum (the routing {@code argmax} the forward pass recorded).
     */
    static void maxPoolGather(INDArray inputTangent, int k, byte[] argmax, INDArray output) {
        PoolShape shape = PoolShape.of(inputTangent, output);
        int w = shape.w();
        int oh = shape.oh();
        int ow = shape.ow();
        eachPoolPlane(inputTangent, output, false, (p, plane, pooled) -> {
            int outBase = p * oh * ow;
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int at = argmax[outBase + oy * ow + ox];
                    pooled[oy * ow + ox] = plane[(oy * k + at / k) * w + ox * k + at % k];
                }
            }
        });
    }

    /**
     * Batch normalisation of channel planes, forward: per channel c the output is
     * {@code scale[c]·(x − shift[c])·invStd[c] + offset[c]}, and the normalised input
     * {@code (x − shift[c])·invStd[c]} is written to {@code normalised}. With {@code stats} non-null
     * the shift and invStd are first computed from the batch (mean, biased variance, eps) and the
     * batch mean and biased variance are returned in {@code stats[0]}, {@code stats[1]}.
     */
    static void batchNorm(INDArray input, float[] scale, float[] offset, float[] shift, float[] invStd, double eps,
                          double[][] stats, INDArray normalised, INDArray output) {
        int batch = (int) input.size(0);
        int channels = (int) input.size(1);
        int area = (int) (input.size(2) * input.size(3));
        FloatBuffer in = floats(input);
        FloatBuffer norm = floats(normalised);
        FloatBuffer out = floats(output);
        IntStream.range(0, channels).parallel().forEach(c -> {
            float[] plane = scratch(0, area);
            float[] result = scratch(1, area);
            if (stats != null) {
                double sum = 0;
                double sumSquares = 0;
                for (int b = 0; b < batch; b++) {
                    in.get((b * channels + c) * area, plane, 0, area);
                    for (int i = 0; i < area; i++) {
                        sum += plane[i];
                    }
                }
                double mean = sum / ((double) batch * area);
                for (int b = 0; b < batch; b++) {
                    in.get((b * channels + c) * area, plane, 0, area);
                    for (int i = 0; i < area; i++) {
                        double d = plane[i] - mean;
                        sumSquares += d * d;
                    }
                }
                double variance = sumSquares / ((double) batch * area);
                stats[0][c] = mean;
                stats[1][c] = variance;
                shift[c] = (float) mean;
                invStd[c] = (float) (1.0 / Math.sqrt(variance + eps));
            }
            float mu = shift[c];
            float inv = invStd[c];
            float g = scale[c];
            float o = offset[c];
            for (int b = 0; b < batch; b++) {
                int base = (b * channels + c) * area;
                in.get(base, plane, 0, area);
                for (int i = 0; i < area; i++) {
                    float xhat = (plane[i] - mu) * inv;
                    plane[i] = xhat;
                    result[i] = g * xhat + o;
                }
                norm.put(base, plane, 0, area);
                out.put(base, result, 0, area);
            }
        });
    }

    /**
     * Forward-mode derivative of batch normalisation (see {@link BatchNorm2d#forwardTangent}): per
     * channel, with batch statistics, σ̇ = mean(x̂·ẋ), x̂̇ = invStd·(ẋ − mean(ẋ) − x̂·σ̇); with running
     * statistics x̂̇ = invStd·ẋ; then ẏ = γ̇·x̂ + γ·x̂̇ + β̇. Writes x̂̇ and σ̇ (batch statistics only) for the
     * backward tangent. {@code inputTangent} null: x̂̇ = 0 and nothing is written to it.
     */
    static void batchNormTangent(INDArray normalised, INDArray inputTangent, float[] scale, float[] scaleTangent,
                                 float[] offsetTangent, float[] invStd, boolean batchStatistics, INDArray normalisedTangent,
                                 float[] sigmaTangent, INDArray outputTangent) {
        int batch = (int) normalised.size(0);
        int channels = (int) normalised.size(1);
        int area = (int) (normalised.size(2) * normalised.size(3));
        FloatBuffer xhat = floats(normalised);
        FloatBuffer xdot = inputTangent == null ? null : floats(inputTangent);
        FloatBuffer xhatDot = normalisedTangent == null ? null : floats(normalisedTangent);
        FloatBuffer out = floats(outputTangent);
        IntStream.range(0, channels).parallel().forEach(c -> {
            float[] hat = scratch(0, area);
            float[] dot = scratch(1, area);
            float meanDot = 0;
            float sigmaDot = 0;
            if (xdot != null && batchStatistics) {
                double sum = 0;
                double sumHat = 0;
                for (int b = 0; b < batch; b++) {
                    int base = (b * channels + c) * area;
                    xhat.get(base, hat, 0, area);
                    xdot.get(base, dot, 0, area);
                    for (int i = 0; i < area; i++) {
                        sum += dot[i];
                        sumHat += hat[i] * dot[i];
                    }
                }
                double n = (double) batch * area;
                meanDot = (float) (sum / n);
                sigmaDot = (float) (sumHat / n);
                sigmaTangent[c] = sigmaDot;
            }
            float inv = invStd[c];
            float gamma = scale[c];
            float gammaDot = scaleTangent[c];
            float betaDot = offsetTangent[c];
            for (int b = 0; b < batch; b++) {
                int base = (b * channels + c) * area;
                xhat.get(base, hat, 0, area);
                if (xdot == null) {
                    for (int i = 0; i < area; i++) {
                        hat[i] = gammaDot * hat[i] + betaDot;
                    }
                } else {
                    xdot.get(base, dot, 0, area);
                    for (int i = 0; i < area; i++) {
                        float d = batchStatistics ? inv * (dot[i] - meanDot - hat[i] * sigmaDot) : inv * dot[i];
                        float y = gammaDot * hat[i] + gamma * d + betaDot;
                        dot[i] = d;
                        hat[i] = y;
                    }
                    xhatDot.put(base, dot, 0, area);
                }
                out.put(base, hat, 0, area);
            }
        });
    }

    /**
     * Derivative of batch normalisation's backward pass along the direction of
     * {@link #batchNormTangent} (see {@link BatchNorm2d#backwardTangent}): per channel
     * ġγ = Σ(ġ·x̂ + g·x̂̇), ġβ = Σġ, and the input's ġx — with batch statistics ȧ·h + a·ḣ, a = γ·invStd,
     * h = g − mean(g) − x̂·m, m = mean(g·x̂); with running statistics invStd·(γ̇·g + γ·ġ).
     * {@code normalisedTangent} null means x̂̇ = 0.
     */
    static void batchNormBackwardTangent(INDArray gradOutput, INDArray gradOutputTangent, INDArray normalised,
                                         INDArray normalisedTangent, float[] scale, float[] scaleTangent, float[] invStd,
                                         float[] sigmaTangent, boolean batchStatistics, double[] gradScaleTangent,
                                         double[] gradOffsetTangent, INDArray gradInputTangent) {
        int batch = (int) gradOutput.size(0);
        int channels = (int) gradOutput.size(1);
        int area = (int) (gradOutput.size(2) * gradOutput.size(3));
        FloatBuffer gBuf = floats(gradOutput);
        FloatBuffer gDotBuf = floats(gradOutputTangent);
        FloatBuffer hatBuf = floats(normalised);
        FloatBuffer hatDotBuf = normalisedTangent == null ? null : floats(normalisedTangent);
        FloatBuffer outBuf = floats(gradInputTangent);
        IntStream.range(0, channels).parallel().forEach(c -> {
            float[] g = new float[area];
            float[] gDot = new float[area];
            float[] hat = new float[area];
            float[] hatDot = hatDotBuf == null ? null : new float[area];
            double sumG = 0;
            double sumGDot = 0;
            double sumGHat = 0;
            double sumMixed = 0;
            for (int b = 0; b < batch; b++) {
                int base = (b * channels + c) * area;
                gBuf.get(base, g, 0, area);
                gDotBuf.get(base, gDot, 0, area);
                hatBuf.get(base, hat, 0, area);
                if (hatDot != null) {
                    hatDotBuf.get(base, hatDot, 0, area);
                }
                for (int i = 0; i < area; i++) {
                    sumG += g[i];
                    sumGDot += gDot[i];
                    sumGHat += g[i] * hat[i];
                    sumMixed += gDot[i] * hat[i] + (hatDot == null ? 0 : g[i] * hatDot[i]);
                }
            }
            gradScaleTangent[c] = sumMixed;
            gradOffsetTangent[c] = sumGDot;
            double n = (double) batch * area;
            float inv = invStd[c];
            float gamma = scale[c];
            float gammaDot = scaleTangent[c];
            float meanG = (float) (sumG / n);
            float meanGDot = (float) (sumGDot / n);
            float m = (float) (sumGHat / n);
            float mDot = (float) (sumMixed / n);
            float a = gamma * inv;
            float aDot = sigmaTangent == null ? gammaDot * inv : inv * (gammaDot - gamma * sigmaTangent[c] * inv);
            for (int b = 0; b < batch; b++) {
                int base = (b * channels + c) * area;
                gBuf.get(base, g, 0, area);
                gDotBuf.get(base, gDot, 0, area);
                hatBuf.get(base, hat, 0, area);
                if (hatDot != null) {
                    hatDotBuf.get(base, hatDot, 0, area);
                }
                for (int i = 0; i < area; i++) {
                    if (batchStatistics) {
                        float h = g[i] - meanG - hat[i] * m;
                        float hDot = gDot[i] - meanGDot - (hatDot == null ? 0 : hatDot[i] * m) - hat[i] * mDot;
                        g[i] = aDot * h + a * hDot;
                    } else {
                        g[i] = inv * (gammaDot * g[i] + gamma * gDot[i]);
                    }
                }
                outBuf.put(base, g, 0, area);
            }
        });
    }

    /**
     * Batch normalisation, backward through batch statistics: per channel, with x̂ the normalised
     * input, {@code gradBeta = Σ g}, {@code gradGamma = Σ g·x̂}, and
     * {@code dx = γ·invStd·(g − mean(g) − x̂·mean(g·x̂))}.
     */
    static void batchNormBackward(INDArray gradOutput, INDArray normalised, float[] scale, float[] invStd,
                                  double[] gradScale, double[] gradOffset, INDArray gradInput) {
        int batch = (int) gradOutput.size(0);
        int channels = (int) gradOutput.size(1);
        int area = (int) (gradOutput.size(2) * gradOutput.size(3));
        FloatBuffer g = floats(gradOutput);
        FloatBuffer norm = floats(normalised);
        FloatBuffer gi = floats(gradInput);
        IntStream.range(0, channels).parallel().forEach(c -> {
            float[] grad = scratch(0, area);
            float[] xhat = scratch(1, area);
            double sumGrad = 0;
            double sumGradXhat = 0;
            for (int b = 0; b < batch; b++) {
                int base = (b * channels + c) * area;
                g.get(base, grad, 0, area);
                norm.get(base, xhat, 0, area);
                for (int i = 0; i < area; i++) {
                    sumGrad += grad[i];
                    sumGradXhat += grad[i] * xhat[i];
                }
            }
            gradOffset[c] = sumGrad;
            gradScale[c] = sumGradXhat;
            double n = (double) batch * area;
            float meanGrad = (float) (scale[c] * sumGrad / n);
            float meanGradXhat = (float) (scale[c] * sumGradXhat / n);
            float gamma = scale[c];
            float inv = invStd[c];
            for (int b = 0; b < batch; b++) {
                int base = (b * channels + c) * area;
                g.get(base, grad, 0, area);
                norm.get(base, xhat, 0, area);
                for (int i = 0; i < area; i++) {
                    grad[i] = inv * (gamma * grad[i] - meanGrad - xhat[i] * meanGradXhat);
                }
                gi.put(base, grad, 0, area);
            }
        });
    }

    /**
     * ReLU's gradient from its output: {@code g} where the output is positive, else 0, in one pass
     * (ND4J's compare, cast and multiply make three; its relu_bp op measured slower still). A
     * positive float has non-zero bits and +0 has none, so the mask needs no branch.
     */
    static void reluBackward(INDArray output, INDArray gradOutput, INDArray gradInput) {
        int n = (int) output.length();
        int chunk = 1 << 16;
        FloatBuffer out = floats(output);
        FloatBuffer g = floats(gradOutput);
        FloatBuffer gi = floats(gradInput);
        IntStream.range(0, (n + chunk - 1) / chunk).parallel().forEach(part -> {
            int from = part * chunk;
            int size = Math.min(chunk, n - from);
            float[] values = scratch(0, size);
            float[] grads = scratch(1, size);
            out.get(from, values, 0, size);
            g.get(from, grads, 0, size);
            for (int i = 0; i < size; i++) {
                int bits = Float.floatToRawIntBits(values[i]);
                int mask = (bits | -bits) >> 31; // all ones for a positive output, 0 for +0
                grads[i] = Float.intBitsToFloat(Float.floatToRawIntBits(grads[i]) & mask);
            }
            gi.put(from, grads, 0, size);
        });
    }

    /** 2×2 average pooling with stride 2, floor sizes: libnd4j's op took 1.5 ms on Conv4's 64×8×32×32 map. */
    static void avgPool2x2(INDArray input, INDArray output) {
        PoolShape shape = PoolShape.of(input, output);
        int w = shape.w();
        int oh = shape.oh();
        int ow = shape.ow();
        eachPoolPlane(input, output, false, (p, plane, pooled) -> {
            for (int oy = 0; oy < oh; oy++) {
                int top = 2 * oy * w;
                for (int ox = 0; ox < ow; ox++) {
                    int i = top + 2 * ox;
                    pooled[oy * ow + ox] = (plane[i] + plane[i + 1] + plane[i + w] + plane[i + w + 1]) * 0.25f;
                }
            }
        });
    }

    /** The gradient of {@link #avgPool2x2}: a quarter of each output's gradient to each of its four inputs, 0 to dropped edges. */
    static void avgPool2x2Backward(INDArray gradOutput, INDArray gradInput) {
        PoolShape shape = PoolShape.of(gradInput, gradOutput);
        int w = shape.w();
        int oh = shape.oh();
        int ow = shape.ow();
        eachPoolPlane(gradInput, gradOutput, true, (p, plane, grad) -> {
            for (int oy = 0; oy < oh; oy++) {
                int top = 2 * oy * w;
                for (int ox = 0; ox < ow; ox++) {
                    float q = grad[oy * ow + ox] * 0.25f;
                    int i = top + 2 * ox;
                    plane[i] = q;
                    plane[i + 1] = q;
                    plane[i + w] = q;
                    plane[i + w + 1] = q;
                }
            }
        });
    }

    /** Planes and sizes of a pooling: full-size maps h×w, pooled maps oh×ow. */
    private record PoolShape(int planes, int h, int w, int oh, int ow) {
        static PoolShape of(INDArray full, INDArray pooled) {
            return new PoolShape((int) (full.size(0) * full.size(1)), (int) full.size(2), (int) full.size(3),
                    (int) pooled.size(2), (int) pooled.size(3));
        }
    }

    /** A pooling kernel's work on plane {@code p}, given that plane's full-size and pooled maps as Java arrays. */
    @FunctionalInterface
    private interface PoolPlane {
        void run(int p, float[] full, float[] pooled);
    }

    /**
     * Runs {@code work} on every plane in parallel, copying planes in and out in bulk (element-wise
     * buffer access costs more than the arithmetic). Forward: the full map is read and the pooled
     * one written. Backward: the pooled gradient is read and the full-size gradient, zeroed first so
     * dropped edges get 0, written.
     */
    private static void eachPoolPlane(INDArray full, INDArray pooled, boolean backward, PoolPlane work) {
        PoolShape shape = PoolShape.of(full, pooled);
        int fullSize = shape.h() * shape.w();
        int pooledSize = shape.oh() * shape.ow();
        FloatBuffer fullBuffer = floats(full);
        FloatBuffer pooledBuffer = floats(pooled);
        IntStream.range(0, shape.planes()).parallel().forEach(p -> {
            float[] fullPlane = scratch(0, fullSize);
            float[] pooledPlane = scratch(1, pooledSize);
            if (backward) {
                java.util.Arrays.fill(fullPlane, 0, fullSize, 0f);
                pooledBuffer.get(p * pooledSize, pooledPlane, 0, pooledSize);
                work.run(p, fullPlane, pooledPlane);
                fullBuffer.put(p * fullSize, fullPlane, 0, fullSize);
            } else {
                fullBuffer.get(p * fullSize, fullPlane, 0, fullSize);
                work.run(p, fullPlane, pooledPlane);
                pooledBuffer.put(p * pooledSize, pooledPlane, 0, pooledSize);
            }
        });
    }
}
