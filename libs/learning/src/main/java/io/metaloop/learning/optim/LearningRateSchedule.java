package io.metaloop.learning.optim;

import java.util.Arrays;

/**
 * The learning rate at step or epoch {@code t} (the caller decides which it counts), with the
 * schedules the seed papers use, each as PyTorch's scheduler of the same name computes it.
 */
public sealed interface LearningRateSchedule {
    double rate(long t);

    /** The same rate throughout. */
    record Constant(double base) implements LearningRateSchedule {
        @Override
        public double rate(long t) {
            return base;
        }
    }

    /** {@code StepLR}: base · γ^⌊t / stepSize⌋ (MAXL halves its rate every 50 epochs). */
    record Step(double base, long stepSize, double gamma) implements LearningRateSchedule {
        public Step {
            if (stepSize < 1) {
                throw new IllegalArgumentException("stepSize must be >= 1, got " + stepSize);
            }
        }

        @Override
        public double rate(long t) {
            return base * Math.pow(gamma, Math.floorDiv(t, stepSize));
        }
    }

    /** {@code MultiStepLR}: base · γ^(milestones passed) (e.g. ×0.1 at 50 % and 75 % of training). */
    record MultiStep(double base, long[] milestones, double gamma) implements LearningRateSchedule {
        public MultiStep {
            milestones = milestones.clone();
            Arrays.sort(milestones);
        }

        @Override
        public double rate(long t) {
            int passed = 0;
            for (long m : milestones) {
                if (t >= m) {
                    passed++;
                }
            }
            return base * Math.pow(gamma, passed);
        }
    }

    /** {@code CosineAnnealingLR} without restarts: min + (base − min)(1 + cos(π t / T)) / 2, then min after T. */
    record Cosine(double base, long total, double min) implements LearningRateSchedule {
        public Cosine {
            if (total < 1) {
                throw new IllegalArgumentException("total must be >= 1, got " + total);
            }
        }

        @Override
        public double rate(long t) {
            long clamped = Math.min(Math.max(t, 0), total);
            return min + (base - min) * (1 + Math.cos(Math.PI * clamped / total)) / 2;
        }
    }

    /**
     * From base to min in a straight line over {@code total} steps, then min: base + (min − base)·t / T
     * (Reptile's meta step size, annealed linearly to its final value).
     */
    record Linear(double base, long total, double min) implements LearningRateSchedule {
        public Linear {
            if (total < 1) {
                throw new IllegalArgumentException("total must be >= 1, got " + total);
            }
        }

        @Override
        public double rate(long t) {
            long clamped = Math.min(Math.max(t, 0), total);
            return base + (min - base) * clamped / total;
        }
    }
}
