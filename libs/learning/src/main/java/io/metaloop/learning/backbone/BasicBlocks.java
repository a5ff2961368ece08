package io.metaloop.learning.backbone;

import io.metaloop.learning.nn.BatchNorm2d;
import io.metaloop.learning.nn.Conv2d;
import io.metaloop.learning.nn.Layer;
import io.metaloop.learning.nn.Relu;
import io.metaloop.learning.nn.Residual;
import io.metaloop.learning.nn.Sequential;

/**
 * The stages of basic blocks that the CIFAR and the ImageNet ResNets share. A basic block is
 * conv3×3(stride, pad 1)–BN–ReLU–conv3×3(pad 1)–BN plus a shortcut — the identity, or a 1×1 conv
 * (same stride) with BN where the shape changes (He's option B) — added, then ReLU. All
 * convolutions are without bias.
 */
final class BasicBlocks {
    private BasicBlocks() {
    }

    /**
     * Appends stage after stage, named {@code layer1}, {@code layer2}, ... as in torchvision: stage s
     * has {@code blocks[s]} blocks of {@code widths[s]} channels (named {@code 0}, {@code 1}, ...),
     * and its first block has stride 2 for every stage but the first.
     *
     * @return the channels coming out of the last stage
     */
    static int addStages(Sequential.Builder layers, int inChannels, int[] widths, int[] blocks) {
        int in = inChannels;
        for (int stage = 0; stage < widths.length; stage++) {
            int out = widths[stage];
            Sequential.Builder stageLayers = Sequential.builder();
            for (int block = 0; block < blocks[stage]; block++) {
                int stride = stage > 0 && block == 0 ? 2 : 1;
                stageLayers.add(Integer.toString(block), Sequential.builder().add("", basicBlock(in, out, stride))
                        .add("relu", new Relu()).build());
                in = out;
            }
            layers.add("layer" + (stage + 1), stageLayers.build());
        }
        return in;
    }

    /** Tensors named conv1, bn1, conv2, bn2, and shortcut.conv, shortcut.bn for a projection. */
    private static Layer basicBlock(int in, int out, int stride) {
        Sequential main = Sequential.builder().add("conv1", new Conv2d(in, out, 3, stride, 1))
                .add("bn1", new BatchNorm2d(out)).add("relu", new Relu())
                .add("conv2", new Conv2d(out, out, 3, 1, 1)).add("bn2", new BatchNorm2d(out)).build();
        Layer shortcut = stride == 1 && in == out ? Residual.IDENTITY
                : Sequential.builder().add("conv", new Conv2d(in, out, 1, stride, 0)).add("bn", new BatchNorm2d(out)).build();
        return new Residual(main, shortcut);
    }
}
