package io.metaloop.learning.backbone;

import io.metaloop.learning.nn.BatchNorm2d;
import io.metaloop.learning.nn.Conv2d;
import io.metaloop.learning.nn.GlobalAvgPool;
import io.metaloop.learning.nn.Relu;
import io.metaloop.learning.nn.Sequential;

/**
 * The CIFAR ResNets of the relational-reasoning code ({@code resnet_small.py}): a conv3×3–BN–ReLU
 * stem with 16 channels, three stages of n basic blocks with 16, 32 and 64 channels (the first
 * block of stages 2 and 3 with stride 2), global average pooling; 64 features. The blocks are
 * {@link BasicBlocks}' (projection shortcuts where the shape changes, He's option B). ResNet-8, -32
 * and -56 have n = 1, 5 and 9.
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
        Sequential.Builder layers = Sequential.builder().add("conv1", new Conv2d(inChannels, widths[0], 3, 1, 1))
                .add("bn1", new BatchNorm2d(widths[0])).add("relu", new Relu());
        BasicBlocks.addStages(layers, widths[0], widths, new int[] {blocksPerStage, blocksPerStage, blocksPerStage});
        layers.add("pool", new GlobalAvgPool());
        return new Backbone(name, layers.build(), widths[2]);
    }
}
