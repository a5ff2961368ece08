package io.metaloop.learning.backbone;

import io.metaloop.learning.nn.BatchNorm2d;
import io.metaloop.learning.nn.Conv2d;
import io.metaloop.learning.nn.Flatten;
import io.metaloop.learning.nn.MaxPool2d;
import io.metaloop.learning.nn.Relu;
import io.metaloop.learning.nn.Sequential;

/**
 * The few-shot ConvNet4 of PyTorch-MAML: four blocks of conv3×3 (pad 1, with bias) – BatchNorm –
 * ReLU – max-pool 2×2, all {@code width} channels, flattened. At 84 px the map shrinks
 * 84 → 42 → 21 → 10 → 5, giving 25·width features (800 at width 32, 1600 for the wide variant).
 */
public final class ConvNet4 {
    public static final int WIDTH = 32;
    public static final int WIDE = 64;

    private ConvNet4() {
    }

    public static Backbone create(String name, int inChannels, int height, int width, int channels) {
        // tensors named as PyTorch-MAML's ConvNet4: conv1.conv.weight, conv1.bn.weight, ...
        Sequential.Builder layers = Sequential.builder();
        int in = inChannels;
        for (int block = 1; block <= 4; block++) {
            layers.add("conv" + block, Sequential.builder()
                    .add("conv", new Conv2d(in, channels, 3, 1, 1, Conv2d.Init.TORCH_DEFAULT))
                    .add("bn", new BatchNorm2d(channels))
                    .add("relu", new Relu())
                    .add("pool", new MaxPool2d(2, 2)).build());
            in = channels;
        }
        layers.add("flatten", new Flatten());
        Sequential net = layers.build();
        if (height < 16 || width < 16) {
            throw new IllegalArgumentException(name + " halves the image four times and needs at least 16×16 pixels, got "
                    + height + "×" + width);
        }
        return new Backbone(name, net, (int) net.outputShape(new long[] {1, inChannels, height, width})[1]);
    }
}
