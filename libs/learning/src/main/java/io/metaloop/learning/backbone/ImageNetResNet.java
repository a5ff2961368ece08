package io.metaloop.learning.backbone;

import io.metaloop.learning.nn.BatchNorm2d;
import io.metaloop.learning.nn.Conv2d;
import io.metaloop.learning.nn.GlobalAvgPool;
import io.metaloop.learning.nn.MaxPool2d;
import io.metaloop.learning.nn.Relu;
import io.metaloop.learning.nn.Sequential;
import java.util.Arrays;

/**
 * The ImageNet ResNet-18 and ResNet-34 (torchvision's {@code resnet18}/{@code resnet34} without
 * the fc layer; the relational-reasoning code's {@code resnet_large.py} is ResNet-34): a
 * conv7×7/2 (pad 3)–BN–ReLU stem, max pool 3×3/2 (pad 1), four stages of {@link BasicBlocks} with
 * 64, 128, 256 and 512 channels (the first block of stages 2–4 with stride 2), global average
 * pooling; 512 features. ResNet-18 has 2, 2, 2, 2 blocks per stage, ResNet-34 3, 4, 6, 3.
 *
 * <p>Each of the five downsamplings takes an n-pixel side to ⌈n/2⌉ (224 → 7, 84 → 3, 64 → 2,
 * 32 → 1 before the global pool), so, as in PyTorch, no image of at least one pixel is too small:
 * the small ones end in 1×1 maps.
 */
public final class ImageNetResNet {
    public static final int[] WIDTHS = {64, 128, 256, 512};
    public static final int[] RESNET18_BLOCKS = {2, 2, 2, 2};
    public static final int[] RESNET34_BLOCKS = {3, 4, 6, 3};

    private ImageNetResNet() {
    }

    /**
     * @param widths the channels of the four stages; the stem has the first stage's (narrow versions for tests)
     * @param blocks the number of basic blocks in each stage
     */
    public static Backbone create(String name, int inChannels, int[] widths, int[] blocks) {
        if (widths.length != 4 || blocks.length != 4 || Arrays.stream(blocks).anyMatch(b -> b < 1)) {
            throw new IllegalArgumentException("an ImageNet ResNet has 4 stages of at least one block, got widths "
                    + Arrays.toString(widths) + " and blocks " + Arrays.toString(blocks));
        }
        Sequential.Builder layers = Sequential.builder().add("conv1", new Conv2d(inChannels, widths[0], 7, 2, 3))
                .add("bn1", new BatchNorm2d(widths[0])).add("relu", new Relu()).add("maxpool", new MaxPool2d(3, 2, 1));
        int features = BasicBlocks.addStages(layers, widths[0], widths, blocks);
        layers.add("pool", new GlobalAvgPool());
        return new Backbone(name, layers.build(), features);
    }
}
