package org.ntk4j.evidence;

import java.util.Arrays;
import java.util.Random;
import org.ntk4j.arch.Architecture;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.NativeKernels;
import org.ntk4j.linalg.Cholesky;
import org.ntk4j.linalg.Finite;
import org.ntk4j.linalg.NativeMatrix;
import org.ntk4j.parallel.ParallelRegion;

/**
 * The K-fold cross-validated predictive log likelihood of the targets under the t = ∞ NNGP or NTK-GP
 * posterior with noise λ (docs/evidence.md §8): the training points are split into K folds, and
 * each fold's targets are scored under the posterior conditioned on the other K − 1 folds,
 * <pre>
 *   CV(θ) = Σ_folds Σ_{i held out} Σ_c log N(y_ic; μ_ic, s_i²),
 *   μ_i = M_iT (M_TT + λI)⁻¹ y_T,   s_i² = M_ii − M_iT (M_TT + λI)⁻¹ M_Ti + λ
 * </pre>
 * (T the kept points, M = K or Θ as in {@link MarginalLikelihood}; pointwise densities, as a held-out
 * point is predicted and calibrated one at a time). The folds are fixed at construction: a seeded
 * random permutation of the points dealt round-robin, so their sizes differ by at most one and every
 * evaluation uses the same split.
 *
 * <p>Cost per evaluation: one n×n kernel (off-heap, as the exact likelihood), then per fold one
 * Cholesky factorization of the kept points' (n − n/K)² kernel and one solve with n/K + k right-hand
 * sides: about K times the exact likelihood's factorization. Always exact (there is no Nyström
 * variant); the jitter policy is the likelihood's.
 */
public final class CrossValidation {
    private final Problem problem;
    private final EvidenceOptions options;
    private final int[][] heldOut;

    private CrossValidation(Problem problem, EvidenceOptions options, int[][] heldOut) {
        this.problem = problem;
        this.options = options;
        this.heldOut = heldOut;
    }

    /**
     * The K-fold cross-validation of {@code ml}'s model and data (its architecture, inputs, targets,
     * NNGP or NTK-GP and options), folds drawn from {@code seed}.
     *
     * @throws InvalidInputException naming {@code folds} unless 2 ≤ folds ≤ n
     */
    public static CrossValidation of(MarginalLikelihood ml, int folds, long seed) {
        if (ml == null) throw new InvalidInputException("ml", "is null");
        int n = ml.problem().n();
        if (folds < 2 || folds > n)
            throw new InvalidInputException(
                    "folds", "must be between 2 and the number of training points (" + n + "), got " + folds);
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) perm[i] = i;
        Random r = new Random(seed);
        for (int i = n - 1; i > 0; i--) { // Fisher-Yates
            int j = r.nextInt(i + 1), t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        int[][] held = new int[folds][];
        for (int f = 0; f < folds; f++) {
            int size = n / folds + (f < n % folds ? 1 : 0);
            held[f] = new int[size];
            for (int i = 0; i < size; i++) held[f][i] = perm[f + i * folds];
            Arrays.sort(held[f]);
        }
        return new CrossValidation(ml.problem(), ml.options(), held);
    }

    /** K, the number of folds. */
    public int folds() {
        return heldOut.length;
    }

    /** The indices (0-based, ascending) of the training points held out in fold {@code f}. */
    public int[] heldOut(int f) {
        return heldOut[f].clone();
    }

    /**
     * CV(θ) at {@code h}: the sum over all points (each held out once) and all outputs of the
     * predictive log density.
     *
     * @throws InvalidInputException naming {@code noise} when λ = 0 (a held-out point's predictive
     *                               variance could then be 0)
     * @throws org.ntk4j.error.IllPosedProblemException when a fold's kernel is singular even with jitter,
     *                               or the result is not finite ({@link org.ntk4j.error.NonFiniteResultException})
     */
    public double logLikelihood(Hyperparameters h) {
        if (h == null) throw new InvalidInputException("hyperparameters", "is null");
        if (!(h.noise() > 0))
            throw new InvalidInputException(
                    "noise",
                    "must be > 0 for the cross-validated likelihood (a held-out point's "
                            + "predictive variance is its posterior variance plus noise), got " + h.noise());
        Architecture arch = h.applyTo(problem.arch());
        NativeMatrix m;
        try (NativeKernels kernels = KernelFunction.of(arch)
                .computeOffHeap(problem.x(), null, problem.kernelOptions(options), !problem.ntk())) {
            m = (problem.ntk() ? kernels.ntk() : kernels.nngp()).takeOwnership();
        }
        double total = 0;
        try (m) {
            for (int[] held : heldOut) {
                ParallelRegion.checkInterrupted("cross-validation");
                total += fold(m, held, h.noise());
            }
        }
        return Finite.requireResult(
                total,
                "cross-validated log likelihood",
                "the targets or the kernel are beyond float64's range at these hyperparameters; rescale the targets or raise noise");
    }

    /** The predictive log likelihood of the points {@code held} under the posterior on the others. */
    private double fold(NativeMatrix m, int[] held, double noise) {
        int n = problem.n(), k = problem.outputs(), v = held.length, t = n - v;
        int[] kept = complement(held, n);
        double[] y = problem.y().toColumnMajor(), column = new double[n], packed = new double[t];
        NativeMatrix a = NativeMatrix.allocate(t, t, "kept points' " + problem.kernelName() + " kernel + noise");
        try {
            for (int j = 0; j < t; j++) {
                m.getRun((long) kept[j] * n, column, 0, n);
                for (int i = 0; i < t; i++) packed[i] = column[kept[i]];
                packed[j] += noise;
                a.putRun((long) j * t, packed, 0, t);
            }
        } catch (RuntimeException e) {
            a.close();
            throw e;
        }
        // right-hand sides: the held-out points' kernel columns M_T,i, then the kept targets y_T
        try (Cholesky chol = Cholesky.factor(
                        a, options.jitter(), problem.kernelName() + " kernel of a cross-validation fold + noise");
                NativeMatrix b = NativeMatrix.allocate(t, v + k, "cross-validation right-hand sides")) {
            double[] diag = new double[v];
            for (int c = 0; c < v; c++) {
                m.getRun((long) held[c] * n, column, 0, n);
                diag[c] = column[held[c]];
                for (int i = 0; i < t; i++) packed[i] = column[kept[i]];
                b.putRun((long) c * t, packed, 0, t);
            }
            for (int c = 0; c < k; c++) {
                for (int i = 0; i < t; i++) packed[i] = y[kept[i] + c * n];
                b.putRun((long) (v + c) * t, packed, 0, t);
            }
            double[] rhs = b.toColumnMajorArray(); // before the solve: M_T,i and y_T
            chol.solveInPlace(b);
            double[] sol = b.toColumnMajorArray();
            double ll = 0;
            for (int c = 0; c < v; c++) {
                int off = c * t;
                double reduction = 0;
                for (int i = 0; i < t; i++) reduction += rhs[off + i] * sol[off + i];
                double s2 = Math.max(diag[c] - reduction, 0) + noise;
                for (int o = 0; o < k; o++) {
                    int yo = (v + o) * t;
                    double mean = 0;
                    for (int i = 0; i < t; i++) mean += sol[off + i] * rhs[yo + i];
                    double r = y[held[c] + o * n] - mean;
                    ll += -0.5 * (Math.log(2 * Math.PI * s2) + r * r / s2);
                }
            }
            return ll;
        }
    }

    /** The indices 0..n−1 not in the ascending array {@code held}, ascending. */
    private static int[] complement(int[] held, int n) {
        int[] out = new int[n - held.length];
        for (int i = 0, h = 0, o = 0; i < n; i++) {
            if (h < held.length && held[h] == i) h++;
            else out[o++] = i;
        }
        return out;
    }
}
