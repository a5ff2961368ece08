package io.metaloop.learning.backbone;

import io.metaloop.contracts.Catalog;
import java.util.Map;

/** Backbones by the name an experiment uses for them. */
public final class Backbones {
    /** Builds a backbone for images of a given shape (some backbones' feature size depends on it). */
    @FunctionalInterface
    interface Factory {
        Backbone create(int channels, int height, int width);
    }

    private static final Map<String, Factory> BY_NAME = Map.ofEntries(
            Map.entry("conv4", (c, h, w) -> Conv4.create(c)),
            Map.entry("convnet4", (c, h, w) -> ConvNet4.create("convnet4", c, h, w, ConvNet4.WIDTH)),
            Map.entry("wide-convnet4", (c, h, w) -> ConvNet4.create("wide-convnet4", c, h, w, ConvNet4.WIDE)),
            Map.entry("resnet12", (c, h, w) -> ResNet12.create("resnet12", c, ResNet12.WIDTHS)),
            Map.entry("wide-resnet12", (c, h, w) -> ResNet12.create("wide-resnet12", c, ResNet12.WIDE)),
            Map.entry("resnet8", (c, h, w) -> CifarResNet.create("resnet8", c, 1)),
            Map.entry("resnet32", (c, h, w) -> CifarResNet.create("resnet32", c, 5)),
            Map.entry("resnet56", (c, h, w) -> CifarResNet.create("resnet56", c, 9)),
            Map.entry("vgg16", (c, h, w) -> Vgg16.create("vgg16", c, h, w)),
            Map.entry("resnet18", (c, h, w) -> ImageNetResNet.create("resnet18", c, ImageNetResNet.WIDTHS,
                    ImageNetResNet.RESNET18_BLOCKS)),
            Map.entry("resnet34", (c, h, w) -> ImageNetResNet.create("resnet34", c, ImageNetResNet.WIDTHS,
                    ImageNetResNet.RESNET34_BLOCKS)));

    private Backbones() {
    }

    /** A backbone for images of {@code channels × height × width}. */
    public static Backbone create(String name, int channels, int height, int width) {
        Factory factory = BY_NAME.get(name);
        if (factory == null) {
            throw new IllegalArgumentException("unknown backbone '" + name + "'; known: " + Catalog.BACKBONES);
        }
        return factory.create(channels, height, width);
    }

    public static boolean isKnown(String name) {
        return BY_NAME.containsKey(name);
    }
}
