package io.metaloop.learning.method.selfsupervised;

import java.util.List;

/**
 * The relation pairs of relational reasoning (seeds.md §2.5). The features of a batch of B images
 * with K views come view-major, [K·B, F]: block k holds view k of images 0..B−1. For every pair of
 * view blocks (i, j), i &lt; j, in the order i = 0..K−1, j = i+1..K−1, come B positive pairs
 * (f_i[b], f_j[b]), target 1, then B negative pairs (f_i[b], f_j[(b − shift) mod B]), target 0,
 * where {@code shift} starts at 1, grows by one after each block pair and wraps back to 1 when it
 * reaches B, so a negative never pairs an image with itself. That is K(K−1)·B pairs.
 *
 * <p>Each pair becomes one row of the relation head's input by the aggregation: {@code cat}
 * [f_left, f_right] (2F wide), or element-wise {@code sum}, {@code mean} or {@code max} (F wide;
 * at a tie, max's gradient is split evenly between the two, as {@code torch.maximum}'s).
 */
public final class RelationPairs {
    public static final List<String> AGGREGATIONS = List.of("cat", "sum", "mean", "max");

    private final int images;
    private final int views;
    private final int features;
    private final String aggregation;
    private final int[] left;
    private final int[] right;
    private final float[] targets;

    /**
     * @param images   B, at least 2 (with one image the negative would be the image itself)
     * @param views    K, at least 2
     * @param features F
     * @throws IllegalArgumentException for B &lt; 2, K &lt; 2 or an unknown aggregation
     */
    public RelationPairs(int images, int views, int features, String aggregation) {
        if (images < 2) {
            throw new IllegalArgumentException("relational reasoning needs at least 2 images per batch (a negative pairs "
                    + "two different images), got " + images);
        }
        if (views < 2) {
            throw new IllegalArgumentException("relational reasoning needs K >= 2 views per image, got " + views);
        }
        if (!AGGREGATIONS.contains(aggregation)) {
            throw new IllegalArgumentException("unknown aggregation '" + aggregation + "'; known: " + AGGREGATIONS);
        }
        this.images = images;
        this.views = views;
        this.features = features;
        this.aggregation = aggregation;
        int pairs = views * (views - 1) * images;
        left = new int[pairs];
        right = new int[pairs];
        targets = new float[pairs];
        int row = 0;
        int shift = 1;
        for (int i = 0; i < views; i++) {
            for (int j = i + 1; j < views; j++) {
                for (int b = 0; b < images; b++, row++) {
                    left[row] = i * images + b;
                    right[row] = j * images + b;
                    targets[row] = 1;
                }
                for (int b = 0; b < images; b++, row++) {
                    left[row] = i * images + b;
                    right[row] = j * images + Math.floorMod(b - shift, images);
                    targets[row] = 0;
                }
                shift++;
                if (shift >= images) {
                    shift = 1;
                }
            }
        }
    }

    /** K(K−1)·B. */
    public int count() {
        return targets.length;
    }

    /** Width of one relation-head input row: 2F for {@code cat}, else F. */
    public int width() {
        return "cat".equals(aggregation) ? 2 * features : features;
    }

    /** 1 for positive pairs, 0 for negatives, in row order. */
    public float[] targets() {
        return targets.clone();
    }

    /** Row of the features each pair takes its left (right) vector from. */
    public int left(int pair) {
        return left[pair];
    }

    public int right(int pair) {
        return right[pair];
    }

    /**
     * The relation head's input.
     *
     * @param features [K·B, F] row-major
     * @return [count(), width()] row-major
     */
    public float[] aggregate(float[] features) {
        check(features.length, (long) views * images * this.features, "features");
        int f = this.features;
        int w = width();
        float[] out = new float[count() * w];
        for (int p = 0; p < count(); p++) {
            int l = left[p] * f;
            int r = right[p] * f;
            int o = p * w;
            switch (aggregation) {
                case "cat" -> {
                    System.arraycopy(features, l, out, o, f);
                    System.arraycopy(features, r, out, o + f, f);
                }
                case "sum" -> {
                    for (int k = 0; k < f; k++) {
                        out[o + k] = features[l + k] + features[r + k];
                    }
                }
                case "mean" -> {
                    for (int k = 0; k < f; k++) {
                        out[o + k] = (features[l + k] + features[r + k]) * 0.5f;
                    }
                }
                default -> {
                    for (int k = 0; k < f; k++) {
                        out[o + k] = Math.max(features[l + k], features[r + k]);
                    }
                }
            }
        }
        return out;
    }

    /**
     * The gradient in the features, given the gradient in the relation head's input: each row's
     * gradient flows back to the two feature vectors it was made of, summed over every pair a vector is in.
     *
     * @param features     the features {@link #aggregate} was given (needed by {@code max})
     * @param gradAggregate [count(), width()]
     * @return [K·B, F]
     */
    public float[] backward(float[] features, float[] gradAggregate) {
        check(gradAggregate.length, (long) count() * width(), "gradAggregate");
        int f = this.features;
        int w = width();
        float[] grad = new float[views * images * f];
        for (int p = 0; p < count(); p++) {
            int l = left[p] * f;
            int r = right[p] * f;
            int o = p * w;
            switch (aggregation) {
                case "cat" -> {
                    for (int k = 0; k < f; k++) {
                        grad[l + k] += gradAggregate[o + k];
                        grad[r + k] += gradAggregate[o + f + k];
                    }
                }
                case "sum" -> {
                    for (int k = 0; k < f; k++) {
                        grad[l + k] += gradAggregate[o + k];
                        grad[r + k] += gradAggregate[o + k];
                    }
                }
                case "mean" -> {
                    for (int k = 0; k < f; k++) {
                        grad[l + k] += 0.5f * gradAggregate[o + k];
                        grad[r + k] += 0.5f * gradAggregate[o + k];
                    }
                }
                default -> {
                    for (int k = 0; k < f; k++) {
                        float a = features[l + k];
                        float b = features[r + k];
                        float g = gradAggregate[o + k];
                        if (a > b) {
                            grad[l + k] += g;
                        } else if (b > a) {
                            grad[r + k] += g;
                        } else {
                            grad[l + k] += 0.5f * g;
                            grad[r + k] += 0.5f * g;
                        }
                    }
                }
            }
        }
        return grad;
    }

    private static void check(long actual, long expected, String what) {
        if (actual != expected) {
            throw new IllegalArgumentException(what + " has " + actual + " values, expected " + expected);
        }
    }
}
