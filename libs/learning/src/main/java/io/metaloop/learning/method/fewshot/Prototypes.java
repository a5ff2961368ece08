package io.metaloop.learning.method.fewshot;

import io.metaloop.learning.nn.SoftmaxCrossEntropy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Prototypical Networks' head (Snell, Swersky &amp; Zemel 2017): the prototype of way n is the mean
 * of its K_n support features, c_n = (1/K_n) Σ_s f_s (ways may have different numbers of support
 * images, as a user's own task may), and the logit of query q for way n is minus the squared
 * Euclidean distance, −‖f_q − c_n‖².
 *
 * <p>Gradients of the cross-entropy L of the queries, with G = ∂L/∂logits [Q, N]:
 * <pre>
 *   ∂L/∂f_q = −2 Σ_n G[q,n] (f_q − c_n)          ∂L/∂c_n = 2 Σ_q G[q,n] (f_q − c_n)
 *   ∂L/∂f_s = ∂L/∂c_n / K_n   for each support image s of way n
 * </pre>
 */
public final class Prototypes {
    private Prototypes() {
    }

    /**
     * @param loss           the mean cross-entropy over the queries
     * @param logits         [Q, N]
     * @param gradSupport    ∂L/∂(support features) [N·K, D]
     * @param gradQuery      ∂L/∂(query features) [Q, D]
     */
    public record Result(double loss, INDArray logits, INDArray gradSupport, INDArray gradQuery) {
    }

    /**
     * The prototypes [N, D] of support features [S, D] whose rows have the given ways.
     *
     * @throws IllegalArgumentException when a way in [0, N) has no support image, or a label is outside it
     */
    public static INDArray prototypes(INDArray support, int[] supportLabels, int ways) {
        INDArray sums = Nd4j.zeros(support.dataType(), ways, support.size(1));
        int[] counts = new int[ways];
        for (int s = 0; s < supportLabels.length; s++) {
            int way = supportLabels[s];
            if (way < 0 || way >= ways) {
                throw new IllegalArgumentException("support image " + s + " has way " + way + ", outside [0, " + ways + ")");
            }
            sums.getRow(way).addi(support.getRow(s));
            counts[way]++;
        }
        for (int n = 0; n < ways; n++) {
            if (counts[n] == 0) {
                throw new IllegalArgumentException("way " + n + " has no support image");
            }
            sums.getRow(n).divi(counts[n]);
        }
        return sums;
    }

    /** −‖f_q − c_n‖² for query features [Q, D] and prototypes [N, D]: [Q, N]. */
    public static INDArray logits(INDArray query, INDArray prototypes) {
        INDArray queryNorms = query.mul(query).sum(1).reshape(query.size(0), 1);
        INDArray protoNorms = prototypes.mul(prototypes).sum(1).reshape(1, prototypes.size(0));
        INDArray cross = query.mmul(prototypes.transpose()).muli(2);
        // −(‖f‖² + ‖c‖² − 2 f·c)
        return cross.subiColumnVector(queryNorms).subiRowVector(protoNorms);
    }

    /** Loss, logits and feature gradients of one episode. */
    public static Result evaluate(INDArray support, int[] supportLabels, int ways, INDArray query, int[] queryLabels) {
        INDArray prototypes = prototypes(support, supportLabels, ways);
        INDArray logits = logits(query, prototypes);
        SoftmaxCrossEntropy.Result ce = SoftmaxCrossEntropy.evaluate(logits, queryLabels);
        INDArray g = ce.gradLogits();                      // [Q, N]
        // ∂L/∂f_q = −2 (f_q · rowsum(G) − G·C)
        INDArray rowSums = g.sum(1).reshape(g.size(0), 1);
        INDArray gradQuery = g.mmul(prototypes).subi(query.mulColumnVector(rowSums)).muli(2);
        // ∂L/∂c_n = 2 (Gᵀ·F_q − c_n · colsum(G))
        INDArray colSums = g.sum(0).reshape(g.size(1), 1);
        INDArray gradPrototypes = g.transpose().mmul(query).subi(prototypes.mulColumnVector(colSums)).muli(2);
        int[] counts = new int[ways];
        for (int way : supportLabels) {
            counts[way]++;
        }
        INDArray gradSupport = Nd4j.create(support.dataType(), support.shape());
        for (int s = 0; s < supportLabels.length; s++) {
            gradSupport.getRow(s).assign(gradPrototypes.getRow(supportLabels[s]).div(counts[supportLabels[s]]));
        }
        return new Result(ce.loss(), logits, gradSupport, gradQuery);
    }
}
