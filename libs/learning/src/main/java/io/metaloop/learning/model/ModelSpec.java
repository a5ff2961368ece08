package io.metaloop.learning.model;

import io.metaloop.learning.backbone.Backbones;

/**
 * Everything needed to rebuild a model's architecture: backbone, input shape, class count and head.
 *
 * @param classes outputs of the linear head (the ways of a few-shot task); unused, and 0, without a head
 */
public record ModelSpec(String backbone, int channels, int height, int width, int classes, Head head) {
    /**
     * What sits on top of the backbone's features.
     *
     * @param kind             {@link #LINEAR} (a linear layer to {@code classes} logits), {@link #MLP}
     *                         (MAXL's classifier: Linear(F, F) – ReLU – Linear(F, classes), F the
     *                         backbone's feature size; seeds.md §1.3) or {@link #NONE} (the features
     *                         themselves: prototype-based methods)
     * @param temperature      the logits are multiplied by it (PyTorch-MAML's classifier {@code temp}, default 1)
     * @param learnTemperature whether the temperature is a trained parameter ({@code classifier.temp}) or a constant
     */
    public record Head(String kind, double temperature, boolean learnTemperature) {
        public static final String LINEAR = "linear";
        public static final String NONE = "none";
        public static final String MLP = "mlp";
        /** A plain linear layer: what supervised training and MAML without a temperature use. */
        public static final Head LINEAR_HEAD = new Head(LINEAR, 1, false);
        public static final Head FEATURES = new Head(NONE, 1, false);
        /** MAXL's two-layer classifier head (seeds.md §1.3). */
        public static final Head MLP_HEAD = new Head(MLP, 1, false);

        public Head {
            if (!LINEAR.equals(kind) && !NONE.equals(kind) && !MLP.equals(kind)) {
                throw new IllegalArgumentException("head must be '" + LINEAR + "', '" + MLP + "' or '" + NONE + "', got '"
                        + kind + "'");
            }
            if (MLP.equals(kind) && (temperature != 1 || learnTemperature)) {
                throw new IllegalArgumentException("an " + MLP + " head has no temperature");
            }
            if (!(temperature > 0) || Double.isInfinite(temperature)) {
                throw new IllegalArgumentException("temperature must be positive and finite, got " + temperature);
            }
        }

        /** Whether the logits are scaled at all (a learned temperature, or a fixed one other than 1). */
        public boolean scales() {
            return LINEAR.equals(kind) && (learnTemperature || temperature != 1);
        }
    }

    public ModelSpec {
        if (!Backbones.isKnown(backbone)) {
            throw new IllegalArgumentException("unknown backbone '" + backbone + "'");
        }
        if (head == null) {
            throw new IllegalArgumentException("head is required");
        }
        boolean linear = !Head.NONE.equals(head.kind());
        if (channels < 1 || height < 1 || width < 1 || (linear ? classes < 2 : classes != 0)) {
            throw new IllegalArgumentException("bad model shape: " + channels + "×" + height + "×" + width
                    + " with " + classes + " classes" + (linear ? "" : " (a model without a head has 0)"));
        }
    }

    /** A backbone with a plain linear head to {@code classes} logits. */
    public ModelSpec(String backbone, int channels, int height, int width, int classes) {
        this(backbone, channels, height, width, classes, Head.LINEAR_HEAD);
    }

    /** The backbone alone: features out. */
    public static ModelSpec features(String backbone, int channels, int height, int width) {
        return new ModelSpec(backbone, channels, height, width, 0, Head.FEATURES);
    }

    /** The same architecture with another head (e.g. the backbone of a trained classifier, for prototypes). */
    public ModelSpec withHead(int classes, Head newHead) {
        return new ModelSpec(backbone, channels, height, width, classes, newHead);
    }

    public long[] inputShape() {
        return new long[] {channels, height, width};
    }
}
