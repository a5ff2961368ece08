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
        List<Layer> layers = new ArrayList<>();
        int in = inChannels;
        for (int block = 0; block < 4; block++) {
            layers.add(new Conv2d(in, channels, 3, 1, 1, Conv2d.Init.TORCH_DEFAULT));
            layers.add(new BatchNorm2d(channels));
            layers.add(new Relu());
            layers.add(new MaxPool2d(2, 2));
            in = channels;
        }
        layers.add(new Flatten());
        Sequential net = new Sequential(layers);
        if (height < 16 || width < 16) {
            throw new IllegalArgumentException(name + " halves the image four times and needs at least 16×16 pixels, got "
                    + height + "×" + width);
        }
        return new Backbone(name, net, (int) net.outputShape(new long[] {1, inChannels, height, width})[1]);
    }
}
