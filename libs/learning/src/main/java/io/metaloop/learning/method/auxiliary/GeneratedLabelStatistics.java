package io.metaloop.learning.method.auxiliary;

import io.metaloop.contracts.GeneratedLabels;
import java.util.ArrayList;
import java.util.List;

/**
 * What a label generator produces, per primary class: how many images, the mean generated
 * distribution over the class's own ψ block, and how many of its auxiliary classes are ever the
 * most likely one (a generator that collapses — MAXL's issue #5 — uses 1). The effective number
 * of classes is exp(entropy) of the mean distribution: ψ_i for uniform use, 1 for collapse.
 */
public final class GeneratedLabelStatistics {
    private final Psi psi;
    private final long[] images;
    private final double[][] mass;
    private final long[][] argmaxCounts;

    public GeneratedLabelStatistics(Psi psi) {
        this.psi = psi;
        int p = psi.primaryClasses();
        images = new long[p];
        mass = new double[p][];
        argmaxCounts = new long[p][];
        for (int i = 0; i < p; i++) {
            mass[i] = new double[psi.size(i)];
            argmaxCounts[i] = new long[psi.size(i)];
        }
    }

    /** Adds a batch: primary classes [N] and generated labels t [N, A] row-major. */
    public void add(int[] primary, double[] labels) {
        int a = psi.auxiliaryClasses();
        for (int b = 0; b < primary.length; b++) {
            int y = primary[b];
            int start = psi.start(y);
            int best = 0;
            for (int k = 0; k < psi.size(y); k++) {
                double value = labels[b * a + start + k];
                mass[y][k] += value;
                if (value > labels[b * a + start + best]) {
                    best = k;
                }
            }
            argmaxCounts[y][best]++;
            images[y]++;
        }
    }

    public GeneratedLabels report() {
        List<GeneratedLabels.PrimaryClass> classes = new ArrayList<>();
        for (int i = 0; i < images.length; i++) {
            List<Double> mean = new ArrayList<>();
            double entropy = 0;
            int used = 0;
            for (int k = 0; k < mass[i].length; k++) {
                double m = images[i] == 0 ? 0 : mass[i][k] / images[i];
                mean.add(m);
                if (m > 0) {
                    entropy -= m * Math.log(m);
                }
                if (argmaxCounts[i][k] > 0) {
                    used++;
                }
            }
            classes.add(new GeneratedLabels.PrimaryClass(i, images[i], mass[i].length, used, images[i] == 0 ? 0 : Math.exp(entropy),
                    mean));
        }
        return new GeneratedLabels(classes);
    }
}
