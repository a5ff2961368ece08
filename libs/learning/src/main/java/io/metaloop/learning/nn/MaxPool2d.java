package io.metaloop.learning.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Max pooling with a square window, flooring odd sizes as PyTorch does: an n-pixel side becomes
 * ⌊(n + 2·padding − kernel) / stride⌋ + 1 (21 → 10 for a 2×2/2 pool, which ConvNet4's 800-d
 * features at 84 px rely on; 16 → 8 for the ImageNet ResNets' 3×3/2 pool with padding 1). Padding
 * counts as −∞: a padded cell is never a window's maximum. The gradient goes to each window's
 * maximum.
 */
public final class MaxPool2d implements Layer {
    private final int kernel;
    private final int stride;
    private final int padding;
    private INDArray lastInput;
    private byte[] argmax; // set when the forward pass ran the Java kernel

    public MaxPool2d(int kernel, int stride) {
        this(kernel, stride, 0);
    }

    public MaxPool2d(int kernel, int stride, int padding) {
        // as in PyTorch: with at most half a window of padding every window holds an input cell,
        // so no output is the padding's −∞
        if (kernel < 1 || stride < 1 || padding < 0 || 2 * padding > kernel) {
            throw new IllegalArgumentException("max pooling needs kernel and stride ≥ 1 and padding at most half the kernel, got kernel "
                    + kernel + ", stride " + stride + ", padding " + padding);
        }
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    @Override
    public long[] outputShape(long[] in) {
        long smallest = kernel - 2L * padding;
        if (in[2] < smallest || in[3] < smallest) {
            String window = kernel + "×" + kernel + " windows" + (padding == 0 ? "" : " padded by " + padding);
            throw new IllegalArgumentException("max pooling over " + window + " needs a map of at least " + smallest + "×" + smallest
                    + ", got " + in[2] + "×" + in[3]);
        }
        return new long[] {in[0], in[1], outSize(in[2]), outSize(in[3])};
    }

    private long outSize(long size) {
        return (size + 2L * padding - kernel) / stride + 1;
    }

    @Override
    public INDArray forward(INDArray input, Mode mode) {
        lastInput = input;
        INDArray out = Nd4j.createUninitialized(input.dataType(), outputShape(input.shape()));
        // the Java kernel tiles the map with non-overlapping, unpadded windows only
        if (kernel == stride && padding == 0 && PlaneKernels.dense(input) && out.length() < Integer.MAX_VALUE) {
            if (argmax == null || argmax.length < out.length()) {
                argmax = new byte[(int) out.length()];
            }
            PlaneKernels.maxPool(input, kernel, out, argmax);
        } else {
            argmax = null;
            NativeOps.maxPool2d(input, kernel, stride, padding, out);
        }
        return out;
    }

    /**
     * Piecewise linear: each output's tangent is the tangent of its window's maximum (first on ties;
     * after a ReLU, tied zeros have zero tangents, so the choice does not matter).
     */
    @Override
    public INDArray forwardTangent(INDArray inputTangent) {
        if (inputTangent == null) {
            return null;
        }
        INDArray out = Nd4j.createUninitialized(inputTangent.dataType(), outputShape(lastInput.shape()));
        if (argmax != null && PlaneKernels.dense(inputTangent)) {
            PlaneKernels.maxPoolGather(inputTangent, kernel, argmax, out);
            return out;
        }
        // any window, stride and padding: find each window's maximum in the stored input
        long[] in = lastInput.shape();
        long[] o = out.shape();
        double[] x = lastInput.dup('c').data().asDouble();
        double[] t = inputTangent.dup('c').data().asDouble();
        double[] result = new double[(int) out.length()];
        int h = (int) in[2];
        int w = (int) in[3];
        int oh = (int) o[2];
        int ow = (int) o[3];
        for (int plane = 0; plane < in[0] * in[1]; plane++) {
            int base = plane * h * w;
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int best = -1;
                    for (int ky = 0; ky < kernel; ky++) {
                        for (int kx = 0; kx < kernel; kx++) {
                            int y = oy * stride - padding + ky;
                            int xx = ox * stride - padding + kx;
                            if (y >= 0 && y < h && xx >= 0 && xx < w && (best < 0 || x[base + y * w + xx] > x[best])) {
                                best = base + y * w + xx;
                            }
                        }
                    }
                    result[(plane * oh + oy) * ow + ox] = t[best];
                }
            }
        }
        return Nd4j.create(result, o, 'c').castTo(inputTangent.dataType());
    }

    /** The backward pass is linear in the gradient, with the routing of the forward pass. */
    @Override
    public INDArray backwardTangent(INDArray gradOutputTangent) {
        return backward(gradOutputTangent);
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        INDArray gradInput = Nd4j.createUninitialized(lastInput.dataType(), lastInput.shape());
        if (argmax != null && PlaneKernels.dense(gradOutput)) {
            PlaneKernels.maxPoolBackward(gradOutput, kernel, argmax, gradInput);
        } else {
            NativeOps.maxPool2dBackward(lastInput, gradOutput, kernel, stride, padding, gradInput);
        }
        return gradInput;
    }
}
