package io.metaloop.learning.method.fewshot;

import io.metaloop.learning.Workspaces;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * MAML's inner loop and its meta-gradient, for any task that can give support gradients, support
 * Hessian-vector products and a query loss (a network on an episode, or a closed-form toy).
 *
 * <h2>Inner loop (PyTorch-MAML's, seeds.md §3.6)</h2>
 * From θ₀, for k = 0 … n−1, with per-element learning rates α (0 for frozen tensors), momentum μ and
 * weight decay λ, buffers starting at zero for every episode:
 * <pre>
 *   g_k = ∇L_s(θ_k);   d_k = g_k + λθ_k;   b_k = μ·b_{k−1} + d_k;   θ_{k+1} = θ_k − α⊙b_k
 * </pre>
 *
 * <h2>Meta-gradient (reverse mode through the inner loop)</h2>
 * Differentiating L_q(θ_n) backwards through the recurrence, with a = ∇L_q(θ_n) and u = 0:
 * <pre>
 *   for k = n−1 … 0:   u ← μ·u − α⊙a;     a ← a + λ·u + H_k·u      (H_k = ∇²L_s(θ_k))
 * </pre>
 * and then ∂L_q/∂θ₀ = a. Without momentum and weight decay this is a ← (I − H_k diag(α))·a, the
 * familiar (I − αH)v for a scalar α. u is the adjoint of the momentum buffer: b_k feeds θ_{k+1}
 * (through −α) and b_{k+1} (through μ). Only θ₀ … θ_{n−1} are kept, one parameter vector per step:
 * no activations are stored across steps, since each H_k·u recomputes what it needs (PyTorch-MAML
 * needs gradient checkpointing, {@code --efficient}, for that). The learned rates of Meta-SGD get
 * ∂L_q/∂α = Σ_k −b_k ⊙ a_{k+1}, a_{k+1} being a before step k's update (b_k kept too, a second
 * vector per step).
 *
 * <p>First order (FOMAML) drops the H_k·u terms: the support gradients are constants, as with
 * PyTorch's {@code create_graph=False}, but the weight-decay term λθ_k is still differentiated (it
 * is part of the graph in the seed's code), so with λ = 0 the meta-gradient is ∇L_q(θ_n) itself.
 *
 * <p>One instance reuses its vectors between calls (results are valid until the next call); it is
 * not thread-safe.
 */
public final class InnerLoop {

    /** The losses of one task as functions of the parameters. */
    public interface Task {
        /**
         * ∇L_s(θ) at the fast weights of inner step {@code step} (−1 when recomputed for a
         * Hessian-vector product); may return a live vector, valid until the next call.
         */
        INDArray supportGradient(INDArray theta, int step);

        /** ∇²L_s(θ)·v. */
        INDArray supportHessianVector(INDArray theta, INDArray v);

        /** L_q(θ), with ∇L_q(θ) written into {@code gradient}. */
        double query(INDArray theta, INDArray gradient);
    }

    /**
     * How an inner step updates the fast weights.
     *
     * @param rates       α, one learning rate per parameter (0 where the tensor is frozen), laid out like θ
     * @param momentum    μ in [0, 1)
     * @param weightDecay λ ≥ 0
     */
    public record Rule(INDArray rates, double momentum, double weightDecay) {
        public Rule {
            if (!(momentum >= 0 && momentum < 1) || !(weightDecay >= 0)) {
                throw new IllegalArgumentException("need 0 <= momentum < 1 and weight decay >= 0, got " + momentum + ", "
                        + weightDecay);
            }
        }
    }

    /**
     * @param queryLoss L_q(θ_n)
     * @param adapted   θ_n
     * @param theta     ∂L_q/∂θ₀, the meta-gradient
     * @param rates     ∂L_q/∂α, or null when not asked for
     */
    public record MetaGradient(double queryLoss, INDArray adapted, INDArray theta, INDArray rates) {
    }

    // vectors kept across steps, outside any workspace, reused by later calls: θ_k and b_k per step,
    // the fast weights, the momentum buffer and the two adjoints
    private INDArray[] thetas = new INDArray[0];
    private INDArray[] steps = new INDArray[0];
    private INDArray fast;
    private INDArray buffer;
    private INDArray adjoint;
    private INDArray bufferAdjoint;
    private INDArray rateAdjoint;

    /**
     * θ_n after {@code n} inner steps from θ₀; θ₀ is not changed. The result is a vector of this
     * loop's, valid until its next call.
     */
    public INDArray adapt(Task task, INDArray theta0, int n, Rule rule) {
        return run(task, theta0, n, rule, false, false);
    }

    /**
     * Adapts from θ₀ for {@code n} steps, then differentiates the query loss at θ_n with respect to
     * θ₀ (and α when {@code rateGradient}). The vectors of the result are this loop's, valid until
     * its next call.
     *
     * <p>Every inner step, the query pass and every step of the reverse pass runs in a workspace of
     * its own, so what one step allocates is released before the next: memory does not grow with
     * the number of inner steps beyond the vectors listed above.
     *
     * @param secondOrder false for FOMAML's first-order meta-gradient
     */
    public MetaGradient metaGradient(Task task, INDArray theta0, int n, Rule rule, boolean secondOrder,
                                     boolean rateGradient) {
        if (rateGradient && !secondOrder) {
            throw new IllegalArgumentException("learned inner rates need the second-order meta-gradient");
        }
        INDArray adapted = run(task, theta0, n, rule, true, rateGradient);
        INDArray a = adjoint;
        double loss = Workspaces.run("maml-query", () -> task.query(adapted, a));
        INDArray rateGrad = rateGradient ? rateAdjoint.assign(0) : null;
        boolean hessian = secondOrder;
        if (hessian || rule.weightDecay() > 0) {
            INDArray u = bufferAdjoint.assign(0);
            for (int k = n - 1; k >= 0; k--) {
                int step = k;
                Workspaces.run("maml-reverse-step", () -> {
                    if (rateGradient) {
                        rateGrad.subi(steps[step].mul(a));
                    }
                    u.muli(rule.momentum()).subi(a.mul(rule.rates()));
                    if (rule.weightDecay() > 0) {
                        a.addi(u.mul(rule.weightDecay()));
                    }
                    if (hessian) {
                        a.addi(task.supportHessianVector(thetas[step], u));
                    }
                    return null;
                });
            }
        }
        return new MetaGradient(loss, adapted, a, rateGrad);
    }

    private INDArray run(Task task, INDArray theta0, int n, Rule rule, boolean keepThetas, boolean keepSteps) {
        if (n < 0) {
            throw new IllegalArgumentException("inner steps must be >= 0, got " + n);
        }
        ensureCapacity(theta0, keepThetas ? n : 0, keepSteps);
        fast.assign(theta0);
        boolean momentum = rule.momentum() > 0;
        buffer.assign(0);
        for (int k = 0; k < n; k++) {
            int step = k;
            Workspaces.run("maml-inner-step", () -> {
                if (keepThetas) {
                    thetas[step].assign(fast);
                }
                INDArray g = task.supportGradient(fast, step);
                INDArray d = rule.weightDecay() > 0 ? g.add(fast.mul(rule.weightDecay())) : g;
                INDArray update = d;
                if (momentum) {
                    update = buffer.muli(rule.momentum()).addi(d);
                }
                if (keepSteps) {
                    steps[step].assign(update);
                }
                fast.subi(update.mul(rule.rates()));
                return null;
            });
        }
        return fast;
    }

    /** Allocates the kept vectors outside any workspace, once for a parameter count and number of steps. */
    private void ensureCapacity(INDArray like, int n, boolean keepSteps) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            if (fast == null || fast.length() != like.length() || fast.dataType() != like.dataType()) {
                fast = Nd4j.create(like.dataType(), like.length());
                buffer = Nd4j.create(like.dataType(), like.length());
                adjoint = Nd4j.create(like.dataType(), like.length());
                bufferAdjoint = Nd4j.create(like.dataType(), like.length());
                rateAdjoint = Nd4j.create(like.dataType(), like.length());
                thetas = new INDArray[0];
                steps = new INDArray[0];
            }
            if (thetas.length < n) {
                thetas = grow(thetas, n, like);
            }
            if (keepSteps && steps.length < n) {
                steps = grow(steps, n, like);
            }
        }
    }

    private static INDArray[] grow(INDArray[] vectors, int n, INDArray like) {
        INDArray[] out = java.util.Arrays.copyOf(vectors, n);
        for (int k = vectors.length; k < n; k++) {
            out[k] = Nd4j.create(like.dataType(), like.length());
        }
        return out;
    }
}
