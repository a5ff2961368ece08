package io.metaloop.learning.model;

import io.metaloop.learning.backbone.Backbones;

/** Everything needed to rebuild a classifier's architecture: backbone, input shape and class count. */
public record ModelSpec(String backbone, int channels, int height, int width, int classes) {
    public ModelSpec {
        if (!Backbones.isKnown(backbone)) {
            throw new IllegalArgumentException("unknown backbone '" + backbone + "'");
        }
        if (channels < 1 || height < 1 || width < 1 || classes < 2) {
            throw new IllegalArgumentException("bad model shape: " + channels + "×" + height + "×" + width
                    + " with " + classes + " classes");
        }
    }

    public long[] inputShape() {
        return new long[] {channels, height, width};
    }
}
