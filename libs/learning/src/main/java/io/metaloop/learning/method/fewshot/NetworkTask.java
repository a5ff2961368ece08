package io.metaloop.learning.method.fewshot;

import io.metaloop.learning.nn.Mode;
import io.metaloop.learning.nn.Network;
import io.metaloop.learning.nn.SoftmaxCrossEntropy;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One episode as an {@link InnerLoop.Task} of a network: cross-entropy of the support set and of
 * the query set at any parameter vector (through {@link Network#withParameters}), with the batch-norm
 * modes of a {@link BatchNormSetting}, and exact Hessian-vector products of the support loss.
 */
final class NetworkTask implements InnerLoop.Task {
    private final Network net;
    private final Episode episode;
    private final Mode supportMode;
    private final Mode queryMode;
    private final Mode recomputeMode;
    private int[] lastQueryPredictions;

    /**
     * @param supportMode   the mode of the inner loop's support forwards
     * @param recomputeMode the same function without side effects, for Hessian-vector products
     */
    NetworkTask(Network net, Episode episode, Mode supportMode, Mode recomputeMode, Mode queryMode) {
        this.net = net;
        this.episode = episode;
        this.supportMode = supportMode;
        this.queryMode = queryMode;
        this.recomputeMode = recomputeMode;
    }

    private double supportLossAndGradient(Mode mode) {
        SoftmaxCrossEntropy.Result r = SoftmaxCrossEntropy.evaluate(net.forward(episode.support(), mode), episode.supportLabels());
        net.backward(r.gradLogits());
        return r.loss();
    }

    @Override
    public INDArray supportGradient(INDArray theta, int step) {
        try (Network.ParameterScope ignored = net.withParameters(theta)) {
            supportLossAndGradient(supportMode);
        }
        return net.gradients();
    }

    /**
     * Exact H·v: the support loss's forward and backward at θ, then their forward-mode derivatives
     * along v ({@link Network#forwardTangent}, {@link Network#backwardTangent}). Central differences
     * of gradients ({@link io.metaloop.learning.nn.HessianVectorProduct}) are not used here: ReLU and
     * max-pool switches make the loss piecewise smooth on a scale far below float's usable steps.
     */
    @Override
    public INDArray supportHessianVector(INDArray theta, INDArray v) {
        try (Network.ParameterScope ignored = net.withParameters(theta)) {
            INDArray logits = net.forward(episode.support(), recomputeMode);
            net.backward(SoftmaxCrossEntropy.evaluate(logits, episode.supportLabels()).gradLogits());
            INDArray logitsTangent = net.forwardTangent(v);
            return net.backwardTangent(SoftmaxCrossEntropy.gradientTangent(logits, logitsTangent));
        }
    }

    @Override
    public double query(INDArray theta, INDArray gradient) {
        try (Network.ParameterScope ignored = net.withParameters(theta)) {
            INDArray logits = net.forward(episode.query(), queryMode);
            SoftmaxCrossEntropy.Result r = SoftmaxCrossEntropy.evaluate(logits, episode.queryLabels());
            lastQueryPredictions = logits.argMax(1).toIntVector();
            net.backward(r.gradLogits());
            gradient.assign(net.gradients());
            return r.loss();
        }
    }

    /** The predicted way of each query at the last {@link #query}. */
    int[] lastQueryPredictions() {
        return lastQueryPredictions;
    }
}
