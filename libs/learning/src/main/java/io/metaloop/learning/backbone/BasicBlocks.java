package io.metaloop.learning.backbone;

import io.metaloop.learning.nn.BatchNorm2d;
import io.metaloop.learning.nn.Conv2d;
import io.metaloop.learning.nn.Layer;
import io.metaloop.learning.nn.Relu;
import io.metaloop.learning.nn.Residual;
import io.metaloop.learning.nn.Sequential;
import java.util.List;

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
     * Appends stage after stage: stage s has {@code blocks[s]} blocks of {@code widths[s]} channels,
     * and its first block has stride 2 for every stage but the first.
     *
     * @return the channels coming out of the last stage
     */
    static int addStages(List<Layer> layers, int inChannels, int[] widths, int[] blocks) {
        int in = inChannels;
        for (int stage = 0; stage < widths.length; stage++) {
            int out = widths[stage];
            for (int block = 0; block < blocks[stage]; block++) {
                int stride = stage > 0 && block == 0 ? 2 : 1;
                layers.add(basicBlock(in, out, stride));
                layers.add(new Relu());
                in = out;
            }
        }
        return in;
    }

    private static Layer basicBlock(int in, int out, int stride) {
        Sequential main = new Sequential(List.of(new Conv2d(in, out, 3, stride, 1), new BatchNorm2d(out), new Relu(),
                new Conv2d(out, out, 3, 1, 1), new BatchNorm2d(out)));
        Layer shortcut = stride == 1 && in == out ? Residual.IDENTITY
                : new Sequential(List.of(new Conv2d(in, out, 1, stride, 0), new BatchNorm2d(out)));
        return new Residual(main, shortcut);
    }
}
