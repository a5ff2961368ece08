package io.metaloop.learning.backbone;

import io.metaloop.learning.nn.Layer;

/** A feature extractor: images [B, C, H, W] in, features [B, featureSize] out. */
public record Backbone(String name, Layer layer, int featureSize) {
}
