package io.metaloop.datasets.augment;

import io.metaloop.contracts.AugmentOps;
import io.metaloop.contracts.AugmentStep;
import java.util.Map;

/** Builds an {@link ImageOp} from a step of a job's pipeline, by the op's name. */
public final class ImageOps {
    @FunctionalInterface
    interface Factory {
        ImageOp create(AugmentStep step, int channels, int height, int width);
    }

    static final Map<String, Factory> FACTORIES = Map.of(
            "random-crop", (s, c, h, w) -> new RandomCrop(c, h, w, size(s, h, w), padding(s, h, w)),
            "horizontal-flip", (s, c, h, w) -> new HorizontalFlip(c, h, w, s.arg("p")),
            "random-resized-crop", (s, c, h, w) -> new RandomResizedCrop(c, h, w, size(s, h, w), s.arg("scaleMin"),
                    s.arg("scaleMax"), s.arg("ratioMin"), s.arg("ratioMax")),
            "color-jitter", (s, c, h, w) -> new ColorJitter(c, h, w, s.arg("brightness"), s.arg("contrast"),
                    s.arg("saturation"), s.arg("hue"), s.arg("p")),
            "grayscale", (s, c, h, w) -> new Grayscale(c, h, w, s.arg("p")),
            "resize", (s, c, h, w) -> new Resize(c, h, w, size(s, h, w)),
            "center-crop", (s, c, h, w) -> new CenterCrop(c, h, w, size(s, h, w)),
            "random-affine", (s, c, h, w) -> new RandomAffine(c, h, w, s.arg("degrees"), s.arg("translate"),
                    s.arg("scaleMin"), s.arg("scaleMax"), s.arg("shear"), s.arg("p")),
            "cutout", (s, c, h, w) -> new Cutout(c, h, w, s.arg("area"), (int) s.arg("fill"), s.arg("p")));

    private ImageOps() {
    }

    public static ImageOp create(AugmentStep step, int channels, int height, int width) {
        Factory factory = FACTORIES.get(step.op());
        if (factory == null) {
            throw new IllegalArgumentException("no implementation of augmentation '" + step.op() + "'");
        }
        return factory.create(step, channels, height, width);
    }

    /** The step's size, or the image's shorter side by default. */
    private static int size(AugmentStep step, int height, int width) {
        double size = step.arg("size");
        return Double.isNaN(size) ? Math.min(height, width) : (int) size;
    }

    /** The step's crop padding, or an eighth of the side by default (4 at 32 px, 8 at 64, 12 at 96, as the seeds pad). */
    private static int padding(AugmentStep step, int height, int width) {
        double padding = step.arg("padding");
        return Double.isNaN(padding) ? Math.min(height, width) / 8 : (int) padding;
    }

    static {
        if (!FACTORIES.keySet().equals(AugmentOps.OPS.keySet())) {
            throw new IllegalStateException("augmentations without implementation or contract: "
                    + FACTORIES.keySet() + " vs " + AugmentOps.OPS.keySet());
        }
    }
}
