package io.metaloop.learning.backbone;

import io.metaloop.learning.nn.AvgPool2d;
import io.metaloop.learning.nn.BatchNorm2d;
import io.metaloop.learning.nn.Conv2d;
import io.metaloop.learning.nn.GlobalAvgPool;
import io.metaloop.learning.nn.Layer;
import io.metaloop.learning.nn.Relu;
import io.metaloop.learning.nn.Sequential;

/**
 * The relational-reasoning Conv4 (Patacchiola &amp; Storkey 2020): four blocks of
 * conv3×3 (no bias) – BatchNorm – ReLU, average-pooled 2×2 after the first three and globally
 * after the last; widths 8-16-32-64, so 64 features whatever the image size.
 */
public final class Conv4 {
    public static final int[] WIDTHS = {8, 16, 32, 64};

    private Conv4() {
    }

    public static Backbone create(int inChannels) {
        return create(inChannels, WIDTHS);
    }

    public static Backbone create(int inChannels, int[] widths) {
        if (widths.length != 4) {
            throw new IllegalArgumentException("Conv4 needs 4 widths, got " + widths.length);
        }
        Sequential.Builder layers = Sequential.builder();
        int in = inChannels;
        for (int block = 0; block < 4; block++) {
            int out = widths[block];
            Layer pool = block < 3 ? new AvgPool2d(2, 2) : new GlobalAvgPool();
            layers.add("conv" + (block + 1), Sequential.builder().add("conv", new Conv2d(in, out, 3, 1, 1))
                    .add("bn", new BatchNorm2d(out)).add("relu", new Relu()).add("pool", pool).build());
            in = out;
        }
        return new Backbone("conv4", layers.build(), widths[3]);
    }
}
