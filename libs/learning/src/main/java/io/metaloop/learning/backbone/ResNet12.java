package io.metaloop.learning.backbone;

import io.metaloop.learning.nn.BatchNorm2d;
import io.metaloop.learning.nn.Conv2d;
import io.metaloop.learning.nn.GlobalAvgPool;
import io.metaloop.learning.nn.LeakyRelu;
import io.metaloop.learning.nn.MaxPool2d;
import io.metaloop.learning.nn.Residual;
import io.metaloop.learning.nn.Sequential;

/**
 * ResNet-12 as PyTorch-MAML builds it (the few-shot standard): four residual blocks, each
 * conv3×3–BN–LeakyReLU(0.1)–conv3×3–BN–LeakyReLU(0.1)–conv3×3–BN plus a 1×1-conv–BN shortcut,
 * added, LeakyReLU(0.1), max-pool 2×2; then global average pooling. All convolutions without bias,
 * stride 1; no DropBlock. Widths 64-128-256-512 (≈8.0 M parameters) or, wide, 64-160-320-640.
 */
public final class ResNet12 {
    public static final int[] WIDTHS = {64, 128, 256, 512};
    public static final int[] WIDE = {64, 160, 320, 640};
    static final double SLOPE = 0.1;

    private ResNet12() {
    }

    public static Backbone create(String name, int inChannels, int[] widths) {
        if (widths.length != 4) {
            throw new IllegalArgumentException("ResNet-12 needs 4 widths, got " + widths.length);
        }
        // tensors named as PyTorch-MAML's ResNet-12 (layer1.conv1.weight, layer1.bn1.weight, ...), the shortcut
        // as layer1.shortcut.conv / .bn
        Sequential.Builder layers = Sequential.builder();
        int in = inChannels;
        int index = 1;
        for (int out : widths) {
            Sequential main = Sequential.builder()
                    .add("conv1", new Conv2d(in, out, 3, 1, 1)).add("bn1", new BatchNorm2d(out)).add("relu1", new LeakyRelu(SLOPE))
                    .add("conv2", new Conv2d(out, out, 3, 1, 1)).add("bn2", new BatchNorm2d(out)).add("relu2", new LeakyRelu(SLOPE))
                    .add("conv3", new Conv2d(out, out, 3, 1, 1)).add("bn3", new BatchNorm2d(out)).build();
            Sequential shortcut = Sequential.builder().add("conv", new Conv2d(in, out, 1, 1, 0))
                    .add("bn", new BatchNorm2d(out)).build();
            layers.add("layer" + index++, Sequential.builder().add("", new Residual(main, shortcut))
                    .add("relu", new LeakyRelu(SLOPE)).add("pool", new MaxPool2d(2, 2)).build());
            in = out;
        }
        layers.add("pool", new GlobalAvgPool());
        return new Backbone(name, layers.build(), widths[3]);
    }
}
