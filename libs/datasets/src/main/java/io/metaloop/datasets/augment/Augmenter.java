package io.metaloop.datasets.augment;

import io.metaloop.contracts.AugmentStep;
import io.metaloop.contracts.Augmentation;
import io.metaloop.contracts.InvalidMessageException;
import io.metaloop.datasets.SplitMix64;
import java.util.ArrayList;
import java.util.List;

/**
 * A job's augmentation pipeline for images of one shape. View {@code v} of example {@code e} in
 * epoch (or trial) {@code r} under {@code seed} is drawn from its own generator keyed by
 * (seed, r, e, v), so it does not depend on batch size, on which replica makes it, or on what was
 * made before.
 */
public final class Augmenter {
    private static final long DOMAIN = 0x6A09E667F3BCC909L; // keeps augmentation draws apart from orders and episodes

    private final Augmentation spec;
    private final List<ImageOp> ops = new ArrayList<>();
    private final int[] inputShape;
    private final int[] outputShape;

    /** @throws InvalidMessageException if a step does not fit the shape it receives (the field names the step) */
    public Augmenter(Augmentation spec, int channels, int height, int width) {
        this.spec = spec;
        this.inputShape = new int[] {channels, height, width};
        int[] shape = inputShape.clone();
        for (int i = 0; i < spec.steps().size(); i++) {
            AugmentStep step = spec.steps().get(i);
            try {
                ImageOp op = ImageOps.create(step, shape[0], shape[1], shape[2]);
                ops.add(op);
                shape = op.outputShape();
            } catch (IllegalArgumentException e) {
                throw new InvalidMessageException("augment.steps[" + i + "]", step.op() + " on " + shape[0] + "×"
                        + shape[1] + "×" + shape[2] + " images: " + e.getMessage());
            }
        }
        this.outputShape = shape;
    }

    public int views() {
        return spec.views();
    }

    public boolean isIdentity() {
        return spec.isIdentity();
    }

    /** {channels, height, width} of the images this pipeline makes. */
    public int[] outputShape() {
        return outputShape.clone();
    }

    public int outputBytes() {
        return outputShape[0] * outputShape[1] * outputShape[2];
    }

    /** One view of one example: reads its pixels at {@code from} and writes the result at {@code to}. */
    public void augment(byte[] source, int from, long seed, long round, long example, int view, byte[] target, int to) {
        int inBytes = inputShape[0] * inputShape[1] * inputShape[2];
        byte[] pixels = new byte[inBytes];
        System.arraycopy(source, from, pixels, 0, inBytes);
        Image image = new Image(inputShape[0], inputShape[1], inputShape[2], pixels);
        SplitMix64 random = SplitMix64.keyed(seed ^ DOMAIN, round, example, view);
        for (ImageOp op : ops) {
            image = op.apply(image, random);
        }
        System.arraycopy(image.pixels(), 0, target, to, image.pixels().length);
    }
}
