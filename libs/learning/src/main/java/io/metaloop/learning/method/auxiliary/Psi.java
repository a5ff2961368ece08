package io.metaloop.learning.method.auxiliary;

import java.util.Arrays;
import java.util.List;

/**
 * MAXL's ψ (seeds.md §1.2, §1.4): how many auxiliary classes each primary class owns. Primary
 * class i owns the contiguous block of auxiliary columns [Σψ[0..i), Σψ[0..i]); there are
 * {@code len(ψ)} primary and {@code Σψ} auxiliary classes (the README's rule).
 */
public final class Psi {
    private final int[] blocks;
    private final int[] starts;
    private final int auxiliaryClasses;

    /** @throws IllegalArgumentException for fewer than 2 primary classes or a block below 1 */
    public Psi(List<Integer> psi) {
        if (psi == null || psi.size() < 2) {
            throw new IllegalArgumentException("psi needs at least 2 primary classes, got " + psi);
        }
        blocks = psi.stream().mapToInt(Integer::intValue).toArray();
        starts = new int[blocks.length];
        int sum = 0;
        for (int i = 0; i < blocks.length; i++) {
            if (blocks[i] < 1) {
                throw new IllegalArgumentException("psi[" + i + "] must be at least 1, got " + blocks[i]);
            }
            starts[i] = sum;
            sum += blocks[i];
        }
        auxiliaryClasses = sum;
    }

    public int primaryClasses() {
        return blocks.length;
    }

    public int auxiliaryClasses() {
        return auxiliaryClasses;
    }

    /** First auxiliary column of primary class {@code primary}. */
    public int start(int primary) {
        return starts[primary];
    }

    /** Auxiliary columns of primary class {@code primary}. */
    public int size(int primary) {
        return blocks[primary];
    }

    public boolean owns(int primary, int auxiliary) {
        return auxiliary >= starts[primary] && auxiliary < starts[primary] + blocks[primary];
    }

    /** The primary label, checked against the class count. */
    int checkPrimary(int label, int row) {
        if (label < 0 || label >= blocks.length) {
            throw new IllegalArgumentException("primary label " + label + " of image " + row + " is outside 0.." + (blocks.length - 1)
                    + " (psi has " + blocks.length + " primary classes)");
        }
        return label;
    }

    public List<Integer> asList() {
        return Arrays.stream(blocks).boxed().toList();
    }

    @Override
    public String toString() {
        return Arrays.toString(blocks);
    }
}
