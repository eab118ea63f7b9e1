package org.ntk4j.predict;

import org.ntk4j.error.InvalidInputException;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.linalg.NativeMatrix;

/** Shared pieces of covariance assembly: priors, row sums, clamping. */
final class Covariances {
    private Covariances() { }

    /** Σ_j a_ij·b_ij for every row i of two m×n native matrices (column-major: contiguous inner loop). */
    static double[] rowDots(NativeMatrix a, NativeMatrix b) {
        int m = a.rows(), n = a.cols();
        double[] s = new double[m];
        for (int j = 0; j < n; j++) {
            int o = j * m;
            for (int i = 0; i < m; i++) s[i] += a.at(o + i) * b.at(o + i);
        }
        return s;
    }

    /** Σ_j a_ij²·w_j for every row i. */
    static double[] weightedRowSquares(NativeMatrix a, double[] w) {
        int m = a.rows(), n = a.cols();
        double[] s = new double[m];
        for (int j = 0; j < n; j++) {
            int o = j * m;
            double wj = w[j];
            for (int i = 0; i < m; i++) { double v = a.at(o + i); s[i] += v * v * wj; }
        }
        return s;
    }

    /** Sets negative entries to 0 and returns how many there were. */
    static int clampNegative(double[] v) {
        int c = 0;
        for (int i = 0; i < v.length; i++) if (v[i] < 0) { v[i] = 0; c++; }
        return c;
    }

    /** Sets negative diagonal entries of a square native matrix to 0 and returns how many there were. */
    static int clampNegativeDiagonal(NativeMatrix c) {
        int cnt = 0;
        for (int i = 0; i < c.rows(); i++) if (c.get(i, i) < 0) { c.set(i, i, 0); cnt++; }
        return cnt;
    }

    /**
     * The prior covariance at the test points: the NTK Θ_tt for NTKGP, else the NNGP K_tt.
     * Full mode needs {@code testTest}; diagonal mode takes its diagonal or, for NNGP priors without
     * it, the variances {@code testTrain.cov1()}.
     */
    static Matrix fullPrior(Get get, Kernels testTest, int m) {
        if (testTest == null)
            throw new InvalidInputException("k-test-test", "the full covariance needs the test-test kernel (" + m + "x" + m + ")");
        Matrix p = get == Get.NTKGP ? testTest.ntk() : testTest.nngp();
        if (p == null) throw new InvalidInputException("k-test-test", "NTKGP needs the NTK of the test points with themselves");
        Checks.finite(p, "k-test-test");
        Checks.shape(p, m, m, "k-test-test", "test points x test points");
        return p;
    }

    static double[] diagonalPrior(Get get, Kernels testTrain, Kernels testTest, int m) {
        return diagonalPrior(get, testTest != null ? null : testTrain.cov1(), testTest, m);
    }

    /** As above, with the NNGP prior variances of the test points given directly ({@code testCov1}). */
    static double[] diagonalPrior(Get get, double[] testCov1, Kernels testTest, int m) {
        double[] d;
        if (testTest != null) {
            Matrix p = get == Get.NTKGP ? testTest.ntk() : testTest.nngp();
            if (p == null) throw new InvalidInputException("k-test-test", "NTKGP needs the NTK of the test points with themselves");
            Checks.shape(p, m, m, "k-test-test", "test points x test points");
            d = new double[m];
            for (int i = 0; i < m; i++) d[i] = p.get(i, i);
        } else {
            if (get == Get.NTKGP)
                throw new InvalidInputException("k-test-test", "NTKGP variances need the NTK of the test points with themselves");
            d = testCov1.clone();
        }
        for (int i = 0; i < m; i++)
            if (!Double.isFinite(d[i])) throw new InvalidInputException("k-test-test", "prior variance " + i + " is " + d[i]);
        return d;
    }
}
