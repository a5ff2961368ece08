package io.metaloop.datasets.augment;

import io.metaloop.datasets.SplitMix64;

/**
 * With probability p, overwrites a square covering {@code area} of the image with {@code fill}
 * (torchvision's RandomErasing with a fixed scale and ratio 1, as the seeds' fine-tuning uses it).
 */
final class Cutout extends SameShapeOp {
    private final int side;
    private final int fill;
    private final double p;

    Cutout(int channels, int height, int width, double area, int fill, double p) {
        super(channels, height, width);
        this.side = Math.min(Math.min(height, width), (int) Math.round(Math.sqrt(area * height * width)));
        this.fill = fill;
        this.p = p;
    }

    @Override
    public Image apply(Image in, SplitMix64 random) {
        if (random.nextDouble() >= p || side == 0) {
            return in;
        }
        int top = random.nextInt(in.height() - side + 1);
        int left = random.nextInt(in.width() - side + 1);
        Image out = new Image(in.channels(), in.height(), in.width(), in.pixels().clone());
        for (int c = 0; c < in.channels(); c++) {
            for (int y = top; y < top + side; y++) {
                for (int x = left; x < left + side; x++) {
                    out.set(c, y, x, fill);
                }
            }
        }
        return out;
    }
}
