package io.metaloop.contracts;

import java.util.List;

/**
 * Names an experiment may use for methods and backbones. The gateway validates against these
 * lists; libs/learning has a test that every name here has an implementation.
 */
public final class Catalog {
    public static final List<String> METHODS = List.of("supervised");
    public static final List<String> BACKBONES = List.of("conv4", "convnet4", "wide-convnet4", "resnet12", "wide-resnet12", "resnet8",
            "resnet32", "resnet56", "vgg16", "resnet18", "resnet34");

    private Catalog() {
    }
}
