package io.metaloop.contracts;

import java.util.List;

/**
 * What a MAXL label generator learned (seeds.md §1.4), measured on an evaluation split: per primary
 * class, the mean of its generated auxiliary distributions over its own ψ block and how many of
 * those auxiliary classes it actually uses. Collapse (all images of a class given the same
 * auxiliary label, MAXL issue #5) shows as {@code used} 1 and {@code effective} near 1.
 *
 * @param classes one entry per primary class, in class order
 */
public record GeneratedLabels(List<PrimaryClass> classes) {
    public GeneratedLabels {
        Messages.require("classes", classes);
        classes = List.copyOf(classes);
    }

    /**
     * @param primaryClass the primary class's index
     * @param images       images of that class seen
     * @param auxiliaryClasses ψ of the class: the auxiliary classes it owns
     * @param used         of those, how many are the most likely label of at least one image
     * @param effective    exp(entropy) of the mean distribution: ψ for even use, 1 for collapse
     * @param meanDistribution the mean generated distribution over the class's block (sums to 1)
     */
    public record PrimaryClass(int primaryClass, long images, int auxiliaryClasses, int used, double effective,
                               List<Double> meanDistribution) {
        public PrimaryClass {
            Messages.require("meanDistribution", meanDistribution);
            meanDistribution = List.copyOf(meanDistribution);
        }
    }

    /** Primary classes whose images all get the same auxiliary label (of those with images). */
    public long collapsedClasses() {
        return classes.stream().filter(c -> c.images() > 0 && c.used() <= 1 && c.auxiliaryClasses() > 1).count();
    }
}
