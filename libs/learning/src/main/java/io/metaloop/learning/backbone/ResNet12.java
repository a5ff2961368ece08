package io.metaloop.learning.backbone;

import io.metaloop.learning.nn.BatchNorm2d;
import io.metaloop.learning.nn.Conv2d;
import io.metaloop.learning.nn.GlobalAvgPool;
import io.metaloop.learning.nn.Layer;
import io.metaloop.learning.nn.LeakyRelu;
import io.metaloop.learning.nn.MaxPool2d;
import io.metaloop.learning.nn.Residual;
import io.metaloop.learning.nn.Sequential;
import java.util.ArrayList;
import java.util.List;

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
        List<Layer> layers = new ArrayList<>();
        int in = inChannels;
        for (int out : widths) {
            Sequential main = new Sequential(List.of(
                    new Conv2d(in, out, 3, 1, 1), new BatchNorm2d(out), new LeakyRelu(SLOPE),
                    new Conv2d(out, out, 3, 1, 1), new BatchNorm2d(out), new LeakyRelu(SLOPE),
                    new Conv2d(out, out, 3, 1, 1), new BatchNorm2d(out)));
            Sequential shortcut = new Sequential(List.of(new Conv2d(in, out, 1, 1, 0), new BatchNorm2d(out)));
            layers.add(new Residual(main, shortcut));
            layers.add(new LeakyRelu(SLOPE));
            layers.add(new MaxPool2d(2, 2));
            in = out;
        }
        layers.add(new GlobalAvgPool());
        return new Backbone(name, new Sequential(layers), widths[3]);
    }
}
