package io.metaloop.datasets.augment;

/** An operation whose output has its input's shape (flips, colour, affine maps, erasing). */
abstract class SameShapeOp implements ImageOp {
    private final int[] shape;

    SameShapeOp(int channels, int height, int width) {
        this.shape = new int[] {channels, height, width};
    }

    @Override
    public final int[] outputShape() {
        return shape.clone();
    }
}
