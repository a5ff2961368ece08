package io.metaloop.learning.nn;

import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Batch normalisation of feature vectors [batch, features] over the batch, per feature: PyTorch's
 * BatchNorm1d (eps 1e-5, momentum 0.1, unbiased running variance), as used by the
 * relational-reasoning seed's relation and projection heads. The input is seen as
 * [batch, features, 1, 1] by a {@link BatchNorm2d}, which is the same computation.
 */
public final class BatchNorm1d implements Layer {
    private final int features;
    private final BatchNorm2d planes;

    public BatchNorm1d(int features) {
        this.features = features;
        this.planes = new BatchNorm2d(features);
    }

    @Override
    public List<long[]> parameterShapes() {
        return planes.parameterShapes();
    }

    @Override
    public List<long[]> bufferShapes() {
        return planes.bufferShapes();
    }

    @Override
    public void bind(List<INDArray> params, List<INDArray> grads, List<INDArray> buffers) {
        planes.bind(params, grads, buffers);
    }

    @Override
    public void initialise(List<INDArray> params, List<INDArray> buffers, Random random) {
        planes.initialise(params, buffers, random);
    }

    @Override
    public long[] outputShape(long[] in) {
        if (in.length != 2 || in[1] != features) {
            throw new IllegalArgumentException("batch norm expects [batch, " + features + "], got " + java.util.Arrays.toString(in));
        }
        return in.clone();
    }

    @Override
    public INDArray forward(INDArray input, Mode mode) {
        long batch = input.size(0);
        return planes.forward(input.dup('c').reshape('c', batch, features, 1, 1), mode).reshape('c', batch, features);
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        long batch = gradOutput.size(0);
        return planes.backward(gradOutput.dup('c').reshape('c', batch, features, 1, 1)).reshape('c', batch, features);
    }
}
