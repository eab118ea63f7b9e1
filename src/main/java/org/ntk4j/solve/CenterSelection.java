package org.ntk4j.solve;

import java.util.Arrays;
import java.util.Random;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.Matrix;

/**
 * Which centers a Nyström model (the {@code nystrom} and {@code falkon} solvers, and any other engine
 * that must reproduce them, e.g. a distributed one) uses: M rows of the training set drawn by a seed
 * ({@link Sampled}), or points given outright ({@link Points}).
 *
 * <p><b>The draw, exactly</b> ({@link #sampleIndices}), so that another implementation reproduces the
 * same indices from the same training order: with {@code java.util.Random rng = new Random(seed)} and
 * the array {@code a = [0, 1, …, n−1]}, for i = 0, 1, …, M−1 in turn: {@code j = i + rng.nextInt(n − i)},
 * then swap a[i] and a[j] (a partial Fisher–Yates shuffle); the centers are a[0..M−1] sorted in
 * increasing order. {@code Random} is Java's specified 48-bit linear congruential generator
 * (its {@code nextInt(bound)} rejection rule included), so the sequence is the same on every JVM.
 */
public sealed interface CenterSelection permits CenterSelection.Sampled, CenterSelection.Points {
    /** The automatic number of centers when none is given: min(n, {@value}). */
    int DEFAULT_COUNT = 2000;

    /** The number of centers for n training points. */
    int count(int n);

    /**
     * M training rows drawn uniformly without replacement by {@link #sampleIndices}.
     *
     * @param count M ≥ 0 (0 = automatic: min(n, {@link #DEFAULT_COUNT})); more than n is an error
     *              when the training set is known ({@link #indices})
     * @param seed  the seed of the draw
     */
    record Sampled(int count, long seed) implements CenterSelection {
        public Sampled {
            if (count < 0) throw new InvalidInputException("centers", "must be >= 0 (0 = automatic), got " + count);
        }

        /**
         * {@inheritDoc} {@link #count()}, or min(n, {@link #DEFAULT_COUNT}) when automatic; an
         * explicit count above n is refused.
         */
        @Override
        public int count(int n) {
            if (count > n)
                throw new InvalidInputException(
                        "centers",
                        "asks for " + count + " centers of " + n + " training points; give at most " + n
                                + " (M = n is the exact model)");
            return count > 0 ? count : Math.min(n, DEFAULT_COUNT);
        }

        /** The row indices of the centers among n training rows, increasing. */
        public int[] indices(int n) {
            return sampleIndices(n, count(n), seed);
        }
    }

    /**
     * Centers given as points, M×d (M ≥ 1), finite; d must match the training inputs.
     *
     * @param points the centers, one per row
     */
    record Points(Matrix points) implements CenterSelection {
        public Points {
            if (points == null || points.rows() == 0 || points.cols() == 0)
                throw new InvalidInputException("centerPoints", "is empty or missing; give an M×d matrix, M >= 1");
            long bad = points.firstNonFinite();
            if (bad >= 0)
                throw new InvalidInputException(
                        "centerPoints",
                        "has a non-finite entry at row " + bad / points.cols() + "; give finite centers");
        }

        /** {@inheritDoc} The number of rows given (any n: centers need not be training points). */
        @Override
        public int count(int n) {
            return points.rows();
        }
    }

    /** M centers drawn from the training rows with {@code seed} (M = 0: automatic). */
    static CenterSelection sampled(int count, long seed) {
        return new Sampled(count, seed);
    }

    /** The given points as centers. */
    static CenterSelection points(Matrix points) {
        return new Points(points);
    }

    /**
     * M distinct indices of [0, n), uniformly without replacement, reproducible from {@code seed}, in
     * increasing order — by the algorithm spelled out in the class comment (Random(seed), partial
     * Fisher–Yates over [0, n), the first M sorted). The Nyström and Falkon solvers' centers, the Nyström
     * marginal likelihood's ({@code org.ntk4j.evidence}) and CG's Nyström preconditioner's landmarks.
     *
     * @throws IllegalArgumentException unless 0 ≤ M ≤ n
     */
    static int[] sampleIndices(int n, int m, long seed) {
        if (n < 0 || m < 0 || m > n)
            throw new IllegalArgumentException("sampleIndices: need 0 <= M <= n, got M = " + m + ", n = " + n);
        int[] all = new int[n];
        for (int i = 0; i < n; i++) all[i] = i;
        Random rng = new Random(seed);
        for (int i = 0; i < m; i++) {
            int j = i + rng.nextInt(n - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        int[] out = Arrays.copyOf(all, m);
        Arrays.sort(out);
        return out;
    }
}
