package io.metaloop.learning.backbone;

import io.metaloop.learning.nn.BatchNorm2d;
import io.metaloop.learning.nn.Conv2d;
import io.metaloop.learning.nn.Flatten;
import io.metaloop.learning.nn.Layer;
import io.metaloop.learning.nn.MaxPool2d;
import io.metaloop.learning.nn.Relu;
import io.metaloop.learning.nn.Sequential;
import java.util.ArrayList;
import java.util.List;

/**
 * The "VGG-16" trunk MAXL uses everywhere: five blocks of 3×3 convolutions (stride 1, pad 1,
 * with bias), each followed by BatchNorm and ReLU, each block ending in a 2×2 max-pool — channels
 * 64,64 | 128,128 | 256×3 | 512×3 | 512×3 — flattened: 512 features at 32 px. The classifier
 * heads belong to the methods. The convolutions start as MAXL's do: Xavier-uniform weights, zero
 * bias (BatchNorm: scale 1, shift 0).
 */
public final class Vgg16 {
    public static final int[][] BLOCKS = {{64, 64}, {128, 128}, {256, 256, 256}, {512, 512, 512}, {512, 512, 512}};

    private Vgg16() {
    }

    public static Backbone create(String name, int inChannels, int height, int width) {
        return create(name, inChannels, height, width, BLOCKS);
    }

    /** @param blocks the output channels of each block's convolutions (narrow versions for tests) */
    public static Backbone create(String name, int inChannels, int height, int width, int[][] blocks) {
        if (height < 32 || width < 32) {
            throw new IllegalArgumentException(name + " halves the image five times and needs at least 32×32 pixels, got "
                    + height + "×" + width);
        }
        List<Layer> layers = new ArrayList<>();
        int in = inChannels;
        for (int[] block : blocks) {
            for (int out : block) {
                layers.add(new Conv2d(in, out, 3, 1, 1, Conv2d.Init.XAVIER_UNIFORM));
                layers.add(new BatchNorm2d(out));
                layers.add(new Relu());
                in = out;
            }
            layers.add(new MaxPool2d(2, 2));
        }
        layers.add(new Flatten());
        Sequential net = new Sequential(layers);
        return new Backbone(name, net, (int) net.outputShape(new long[] {1, inChannels, height, width})[1]);
    }
}
