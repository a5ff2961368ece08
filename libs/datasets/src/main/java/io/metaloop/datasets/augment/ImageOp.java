package io.metaloop.datasets.augment;

import io.metaloop.datasets.SplitMix64;

/**
 * One augmentation step, built for a fixed input shape so the pipeline's output shape is known
 * before any image is seen. An op draws a fixed pattern of random numbers per image, so a
 * (seed, epoch, example, view) always gets the same result.
 */
public interface ImageOp {
    /** Output shape {channels, height, width}. */
    int[] outputShape();

    Image apply(Image in, SplitMix64 random);
}
