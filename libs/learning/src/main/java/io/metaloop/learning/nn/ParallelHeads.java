package io.metaloop.learning.nn;

import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Several heads on the same input, their outputs side by side: input [N, F], head i gives
 * [N, n_i], the output is [N, Σ n_i] with head 0's columns first (MAXL's multi-task network: the
 * primary and the auxiliary classifier on one trunk). Each head's tensors are named
 * {@code <its name>.<theirs>} and laid out head after head, so a network "trunk, heads (a, b)"
 * starts with exactly the tensors of "trunk, a". Backward sums the heads' input gradients.
 */
public final class ParallelHeads implements Layer {
    private final List<Layer> heads;
    private final List<String> names;
    private long[] widths;

    /**
     * @param names one per head, prefixes of its tensor names
     * @throws IllegalArgumentException for no heads, or names and heads of different counts
     */
    public ParallelHeads(List<String> names, List<Layer> heads) {
        if (heads.isEmpty() || names.size() != heads.size()) {
            throw new IllegalArgumentException("need one name per head and at least one head, got " + names.size() + " names for "
                    + heads.size() + " heads");
        }
        this.heads = List.copyOf(heads);
        this.names = List.copyOf(names);
    }

    @Override
    public List<long[]> parameterShapes() {
        return ChildLayers.parameterShapes(heads);
    }

    @Override
    public List<long[]> bufferShapes() {
        return ChildLayers.bufferShapes(heads);
    }

    @Override
    public List<String> parameterNames() {
        return ChildLayers.parameterNames(names, heads);
    }

    @Override
    public List<String> bufferNames() {
        return ChildLayers.bufferNames(names, heads);
    }

    @Override
    public void bind(List<INDArray> params, List<INDArray> grads, List<INDArray> buffers) {
        ChildLayers.bind(heads, params, grads, buffers);
    }

    @Override
    public void initialise(List<INDArray> params, List<INDArray> buffers, Random random) {
        ChildLayers.initialise(heads, params, buffers, random);
    }

    @Override
    public void bindTangents(List<INDArray> paramTangents, List<INDArray> gradTangents) {
        ChildLayers.bindTangents(heads, paramTangents, gradTangents);
    }

    @Override
    public long[] outputShape(long[] in) {
        long total = 0;
        long[] w = new long[heads.size()];
        for (int i = 0; i < heads.size(); i++) {
            long[] out = heads.get(i).outputShape(in);
            if (out.length != 2) {
                throw new IllegalArgumentException("a head must give [N, n], head '" + names.get(i) + "' gives "
                        + java.util.Arrays.toString(out));
            }
            w[i] = out[1];
            total += out[1];
        }
        widths = w;
        return new long[] {in[0], total};
    }

    @Override
    public long forwardFlops(long[] in) {
        return heads.stream().mapToLong(h -> h.forwardFlops(in)).sum();
    }

    @Override
    public INDArray forward(INDArray input, Mode mode) {
        INDArray[] outs = new INDArray[heads.size()];
        for (int i = 0; i < heads.size(); i++) {
            outs[i] = heads.get(i).forward(input, mode);
        }
        return outs.length == 1 ? outs[0] : Nd4j.concat(1, outs);
    }

    private INDArray columns(INDArray full, int head) {
        long start = 0;
        for (int i = 0; i < head; i++) {
            start += widths[i];
        }
        return full.get(NDArrayIndex.all(), NDArrayIndex.interval(start, start + widths[head])).dup();
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        INDArray sum = null;
        for (int i = 0; i < heads.size(); i++) {
            INDArray g = heads.get(i).backward(columns(gradOutput, i));
            sum = sum == null ? g : sum.addi(g);
        }
        return sum;
    }

    @Override
    public INDArray forwardTangent(INDArray inputTangent) {
        INDArray[] outs = new INDArray[heads.size()];
        for (int i = 0; i < heads.size(); i++) {
            outs[i] = heads.get(i).forwardTangent(inputTangent);
        }
        return outs.length == 1 ? outs[0] : Nd4j.concat(1, outs);
    }

    @Override
    public INDArray backwardTangent(INDArray gradOutputTangent) {
        INDArray sum = null;
        for (int i = 0; i < heads.size(); i++) {
            INDArray g = heads.get(i).backwardTangent(columns(gradOutputTangent, i));
            if (g != null) {
                sum = sum == null ? g : sum.addi(g);
            }
        }
        return sum;
    }
}
