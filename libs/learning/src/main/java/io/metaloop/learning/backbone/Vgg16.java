package io.metaloop.learning.backbone;

import io.metaloop.learning.nn.BatchNorm2d;
import io.metaloop.learning.nn.Conv2d;
import io.metaloop.learning.nn.Flatten;
import io.metaloop.learning.nn.MaxPool2d;
import io.metaloop.learning.nn.Relu;
import io.metaloop.learning.nn.Sequential;

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
        // tensors named block<b>.conv<i>.weight, block<b>.bn<i>.weight, ...
        Sequential.Builder layers = Sequential.builder();
        int in = inChannels;
        for (int b = 0; b < blocks.length; b++) {
            Sequential.Builder block = Sequential.builder();
            for (int i = 0; i < blocks[b].length; i++) {
                int out = blocks[b][i];
                block.add("conv" + (i + 1), new Conv2d(in, out, 3, 1, 1, Conv2d.Init.XAVIER_UNIFORM))
                        .add("bn" + (i + 1), new BatchNorm2d(out)).add("relu" + (i + 1), new Relu());
                in = out;
            }
            block.add("pool", new MaxPool2d(2, 2));
            layers.add("block" + (b + 1), block.build());
        }
        layers.add("flatten", new Flatten());
        Sequential net = layers.build();
        return new Backbone(name, net, (int) net.outputShape(new long[] {1, inChannels, height, width})[1]);
    }
}
