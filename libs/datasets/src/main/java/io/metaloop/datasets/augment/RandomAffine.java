package io.metaloop.datasets.augment;

import io.metaloop.datasets.SplitMix64;

/**
 * With probability p, rotates (counter-clockwise as displayed, by an angle in [-degrees, degrees]),
 * shears horizontally (angle in [-shear, shear]), zooms (factor in [scaleMin, scaleMax]) about
 * the image centre and shifts (up to translate × the width and height, whole pixels). Each output
 * pixel is read bilinearly from the source at the inverse-mapped point; points off the image are 0.
 */
final class RandomAffine extends SameShapeOp {
    private final double degrees;
    private final double translate;
    private final double scaleMin;
    private final double scaleMax;
    private final double shear;
    private final double p;

    RandomAffine(int channels, int height, int width, double degrees, double translate, double scaleMin,
                 double scaleMax, double shear, double p) {
        super(channels, height, width);
        this.degrees = degrees;
        this.translate = translate;
        this.scaleMin = scaleMin;
        this.scaleMax = scaleMax;
        this.shear = shear;
        this.p = p;
    }

    @Override
    public Image apply(Image in, SplitMix64 random) {
        if (random.nextDouble() >= p) {
            return in;
        }
        double angle = random.uniform(-degrees, degrees);
        double dx = Math.round(random.uniform(-translate * in.width(), translate * in.width()));
        double dy = Math.round(random.uniform(-translate * in.height(), translate * in.height()));
        double zoom = random.uniform(scaleMin, scaleMax);
        double shearAngle = random.uniform(-shear, shear);
        return transform(in, angle, dx, dy, zoom, shearAngle);
    }

    /** The forward map is p' = centre + (dx, dy) + zoom · R(angle) · Shear(shearAngle) · (p − centre). */
    static Image transform(Image in, double angleDegrees, double dx, double dy, double zoom, double shearDegrees) {
        double a = Math.toRadians(angleDegrees);
        double cos = Math.cos(a);
        double sin = Math.sin(a);
        double tan = Math.tan(Math.toRadians(shearDegrees));
        // R = [[cos, sin], [-sin, cos]] in (x, y) with y pointing down; Shear = [[1, tan], [0, 1]].
        double m00 = zoom * cos;
        double m01 = zoom * (cos * tan + sin);
        double m10 = zoom * -sin;
        double m11 = zoom * (-sin * tan + cos);
        double det = m00 * m11 - m01 * m10;
        double i00 = m11 / det;
        double i01 = -m01 / det;
        double i10 = -m10 / det;
        double i11 = m00 / det;
        double cx = (in.width() - 1) / 2.0;
        double cy = (in.height() - 1) / 2.0;
        Image out = Image.blank(in.channels(), in.height(), in.width());
        for (int y = 0; y < in.height(); y++) {
            for (int x = 0; x < in.width(); x++) {
                double u = x - cx - dx;
                double v = y - cy - dy;
                double sx = cx + i00 * u + i01 * v;
                double sy = cy + i10 * u + i11 * v;
                for (int c = 0; c < in.channels(); c++) {
                    out.set(c, y, x, Image.toByte(Resampling.sample(in, c, sy, sx)));
                }
            }
        }
        return out;
    }
}
