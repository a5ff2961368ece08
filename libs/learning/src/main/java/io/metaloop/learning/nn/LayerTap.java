package io.metaloop.learning.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Runs a {@link Network} whose root is a {@link Sequential} layer by layer, keeping the output of
 * one layer inside it (the tapped layer, reached through nested {@code Sequential}s), and on the
 * way back adds an extra gradient at that point. It is for losses that read an inner feature map
 * as well as the network's output, such as Deep InfoMax's local map M: the loss's gradient in
 * the inner map joins the gradient that reaches the tapped layer's output from above it, before
 * that layer's own backward.
 *
 * <p>The tap changes nothing in the network: it runs the same layer objects in the same order as
 * {@link Network#forward} and {@link Network#backward} do, so outputs, caches, parameter gradients
 * (written into {@link Network#gradients()}) and buffer updates are exactly the network's own, and
 * the parameter layout (checkpoints, other methods) is untouched. Like a layer, a tap serves one
 * forward/backward pair at a time. It cannot reach into a {@link Residual} block's branches.
 */
public final class LayerTap {
    private final Network network;
    private final int[] path;
    private INDArray tapped;

    /**
     * @param path child indices from the root down to the tapped layer: {@code {0, 2}} is child 2 of
     *             the root's child 0; every layer on the way but the last must be a {@link Sequential}
     * @throws IllegalArgumentException when the path is empty, an index is out of range, or it passes
     *                                  through a layer that is not a {@code Sequential}
     */
    public LayerTap(Network network, int[] path) {
        if (path.length == 0) {
            throw new IllegalArgumentException("a tap needs a path to a layer inside the network, got an empty one");
        }
        Layer layer = network.root();
        for (int depth = 0; depth < path.length; depth++) {
            if (!(layer instanceof Sequential sequential)) {
                throw new IllegalArgumentException("tap path " + Arrays.toString(path) + " passes through a "
                        + layer.getClass().getSimpleName() + " at depth " + depth + "; only Sequential layers can be entered");
            }
            if (path[depth] < 0 || path[depth] >= sequential.layers().size()) {
                throw new IllegalArgumentException("tap path " + Arrays.toString(path) + ": index " + path[depth]
                        + " at depth " + depth + " is outside a Sequential of " + sequential.layers().size() + " layers");
            }
            layer = sequential.layers().get(path[depth]);
        }
        this.network = network;
        this.path = path.clone();
    }

    /**
     * A tap at the first {@link Relu} that the network runs, searched depth-first through nested
     * {@code Sequential}s: the post-ReLU output of the first conv block of a plain or residual CNN
     * (the stem of the ResNets, the first block of Conv4 before its pooling).
     *
     * @throws IllegalArgumentException when the network has no such ReLU, or when a {@link Residual}
     *                                  block runs before it (its branches cannot be tapped)
     */
    public static LayerTap firstRelu(Network network) {
        return new LayerTap(network, firstReluPath(network.root()));
    }

    /**
     * The path of {@link #firstRelu} in a layer tree.
     *
     * @throws IllegalArgumentException as {@link #firstRelu}
     */
    public static int[] firstReluPath(Layer root) {
        if (!(root instanceof Sequential sequential)) {
            throw new IllegalArgumentException("a tap needs a Sequential root, got " + root.getClass().getSimpleName());
        }
        List<Integer> path = new ArrayList<>();
        if (!findRelu(sequential, path)) {
            throw new IllegalArgumentException("the network has no ReLU outside residual blocks to tap");
        }
        return path.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * The shape of the output of the layer at {@code path} in a layer tree, for an input of the given
     * shape (batch included), without running anything.
     *
     * @throws IllegalArgumentException as the constructor does for a bad path, or for an input the layers refuse
     */
    public static long[] outputShapeAt(Layer root, int[] path, long[] inputShape) {
        long[] shape = inputShape;
        Layer layer = root;
        for (int depth = 0; depth < path.length; depth++) {
            if (!(layer instanceof Sequential sequential) || path[depth] < 0 || path[depth] >= sequential.layers().size()) {
                throw new IllegalArgumentException("tap path " + Arrays.toString(path) + " does not lead through Sequential "
                        + "layers at depth " + depth);
            }
            for (int i = 0; i < path[depth]; i++) {
                shape = sequential.layers().get(i).outputShape(shape);
            }
            layer = sequential.layers().get(path[depth]);
        }
        return layer.outputShape(shape);
    }

    private static boolean findRelu(Sequential sequential, List<Integer> path) {
        List<Layer> layers = sequential.layers();
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            path.add(i);
            if (layer instanceof Relu) {
                return true;
            }
            if (layer instanceof Sequential inner && findRelu(inner, path)) {
                return true;
            }
            if (layer instanceof Residual) {
                throw new IllegalArgumentException("a residual block runs before the network's first ReLU (path "
                        + path + "); a tap cannot reach into its branches");
            }
            path.remove(path.size() - 1);
        }
        return false;
    }

    /** The child indices from the root down to the tapped layer. */
    public int[] path() {
        return path.clone();
    }

    public Network network() {
        return network;
    }

    /**
     * The network's forward pass ({@link Network#forward}, same checks and cast), keeping the tapped
     * layer's output.
     *
     * @param input [batch, ...the network's input shape]
     * @return the network's output
     */
    public INDArray forward(INDArray input, Mode mode) {
        long[] inputShape = network.inputShape();
        if (input.rank() != inputShape.length + 1) {
            throw new IllegalArgumentException("expected input of shape [batch, " + Arrays.toString(inputShape) + "], got "
                    + Arrays.toString(input.shape()));
        }
        tapped = null;
        return forward((Sequential) network.root(), 0, input.castTo(network.dataType()), mode);
    }

    /**
     * The tapped layer's output in the last {@link #forward}, the array the next layer read (do not
     * write to it: the layers' backward passes may still need it).
     *
     * @throws IllegalStateException before the first forward
     */
    public INDArray tapped() {
        if (tapped == null) {
            throw new IllegalStateException("no forward pass has run through this tap");
        }
        return tapped;
    }

    /**
     * The network's backward pass for the last {@link #forward} with {@code gradTapped} added to the
     * gradient at the tapped layer's output: fills {@link Network#gradients()} with the gradient of
     * a loss L(output, tapped) given ∂L/∂output and ∂L/∂tapped (the latter holding the loss's direct
     * dependence on the tapped map only).
     *
     * @param gradOutput ∂L/∂output, shaped like the forward's output
     * @param gradTapped ∂L/∂tapped, shaped like {@link #tapped()}, or null for none
     * @return the gradient with respect to the forward's input
     * @throws IllegalArgumentException when {@code gradTapped} is not shaped like the tapped output
     */
    public INDArray backward(INDArray gradOutput, INDArray gradTapped) {
        INDArray map = tapped();
        if (gradTapped != null && !Arrays.equals(gradTapped.shape(), map.shape())) {
            throw new IllegalArgumentException("the tapped output is " + Arrays.toString(map.shape())
                    + ", its gradient " + Arrays.toString(gradTapped.shape()));
        }
        return backward((Sequential) network.root(), 0, gradOutput, gradTapped);
    }

    private INDArray forward(Sequential sequential, int depth, INDArray input, Mode mode) {
        INDArray x = input;
        List<Layer> layers = sequential.layers();
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            if (i != path[depth]) {
                x = layer.forward(x, mode);
            } else if (depth == path.length - 1) {
                x = layer.forward(x, mode);
                tapped = x;
            } else {
                x = forward((Sequential) layer, depth + 1, x, mode);
            }
        }
        return x;
    }

    private INDArray backward(Sequential sequential, int depth, INDArray gradOutput, INDArray gradTapped) {
        INDArray g = gradOutput;
        List<Layer> layers = sequential.layers();
        for (int i = layers.size() - 1; i >= 0; i--) {
            Layer layer = layers.get(i);
            if (i != path[depth]) {
                g = layer.backward(g);
            } else if (depth == path.length - 1) {
                g = layer.backward(gradTapped == null ? g : g.add(gradTapped.castTo(g.dataType())));
            } else {
                g = backward((Sequential) layer, depth + 1, g, gradTapped);
            }
        }
        return g;
    }
}
