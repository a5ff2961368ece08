package io.metaloop.learning.nn;

import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Parameter initialisers drawing from a seeded java.util.Random, so a seed gives the same network everywhere. */
public final class Initialisers {
    private Initialisers() {
    }

    public static void normal(INDArray target, double std, Random random) {
        double[] values = new double[(int) target.length()];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextGaussian() * std;
        }
        target.assign(Nd4j.create(values, target.shape(), target.dataType()));
    }

    public static void uniform(INDArray target, double bound, Random random) {
        double[] values = new double[(int) target.length()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (random.nextDouble() * 2 - 1) * bound;
        }
        target.assign(Nd4j.create(values, target.shape(), target.dataType()));
    }
}
