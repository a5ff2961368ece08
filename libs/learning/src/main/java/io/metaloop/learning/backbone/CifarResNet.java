package io.metaloop.learning.backbone;

import io.metaloop.learning.nn.BatchNorm2d;
import io.metaloop.learning.nn.Conv2d;
import io.metaloop.learning.nn.GlobalAvgPool;
import io.metaloop.learning.nn.Layer;
import io.metaloop.learning.nn.Relu;
import io.metaloop.learning.nn.Residual;
import io.metaloop.learning.nn.Sequential;
import java.util.ArrayList;
import java.util.List;

/**
 * The CIFAR ResNets of the relational-reasoning code ({@code resnet_small.py}): a conv3×3–BN–ReLU
 * stem with 16 channels, three stages of n basic blocks with 16, 32 and 64 channels (the first
 * block of stages 2 and 3 with stride 2), global average pooling; 64 features. A basic block is
 * conv3×3(stride)–BN–ReLU–conv3×3–BN plus a shortcut — the identity, or a 1×1 conv (same stride)
 * with BN where the shape changes (He's option B) — added, then ReLU. ResNet-8, -32 and -56 have
 * n = 1, 5 and 9.
 */
public final class CifarResNet {
    public static final int[] WIDTHS = {16, 32, 64};

    private CifarResNet() {
    }

    public static Backbone create(String name, int inChannels, int blocksPerStage) {
        return create(name, inChannels, blocksPerStage, WIDTHS);
    }

    public static Backbone create(String name, int inChannels, int blocksPerStage, int[] widths) {
        if (widths.length != 3 || blocksPerStage < 1) {
            throw new IllegalArgumentException("a CIFAR ResNet has 3 stages of at least one block, got widths "
                    + java.util.Arrays.toString(widths) + " and " + blocksPerStage + " blocks");
        }
        List<Layer> layers = new ArrayList<>(List.of(new Conv2d(inChannels, widths[0], 3, 1, 1),
                new BatchNorm2d(widths[0]), new Relu()));
        int in = widths[0];
        for (int stage = 0; stage < 3; stage++) {
            int out = widths[stage];
            for (int block = 0; block < blocksPerStage; block++) {
                int stride = stage > 0 && block == 0 ? 2 : 1;
                layers.add(basicBlock(in, out, stride));
                layers.add(new Relu());
                in = out;
            }
        }
        layers.add(new GlobalAvgPool());
        return new Backbone(name, new Sequential(layers), widths[2]);
    }

    private static Layer basicBlock(int in, int out, int stride) {
        Sequential main = new Sequential(List.of(new Conv2d(in, out, 3, stride, 1), new BatchNorm2d(out), new Relu(),
                new Conv2d(out, out, 3, 1, 1), new BatchNorm2d(out)));
        Layer shortcut = stride == 1 && in == out ? Residual.IDENTITY
                : new Sequential(List.of(new Conv2d(in, out, 1, stride, 0), new BatchNorm2d(out)));
        return new Residual(main, shortcut);
    }
}
