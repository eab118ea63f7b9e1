package org.ntk4j.utility;

import org.bytedeco.openblas.global.openblas;
import org.ntk4j.error.IllPosedProblemException;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.Matrix;

/**
 * R = Q·diag(sqrt(max(λ, 0)))·Qᵀ of a symmetric positive semi-definite matrix via LAPACKE_dsyevd
 * (column-major). Eigenvalues below 0 by no more than round-off are clamped to 0 (posterior
 * covariances are often singular, and then carry slightly negative eigenvalues); a matrix that is
 * not symmetric, or has an eigenvalue clearly below 0, is not a covariance and is refused.
 */
final class SymmetricRoot {
    private SymmetricRoot() {}

    /**
     * The round-off allowed, relative to the largest |entry| (symmetry) or |eigenvalue|
     * (definiteness), per row of the matrix: 2^-24, the unit round-off of float32. A covariance
     * computed in float64 and stored in float32 (as {@code predict --dtype float32} writes it) moves
     * its eigenvalues by up to about m times that; a genuinely indefinite matrix (a wrong file, a
     * difference of kernels) misses by far more.
     */
    private static final double ROUND_OFF_PER_ROW = 0x1p-24;

    static double[] of(Matrix c) {
        int m = c.rows();
        if (m == 0) return new double[0];
        double tolerance = m * ROUND_OFF_PER_ROW;
        double[] q = c.toColumnMajor();
        requireSymmetric(q, m, tolerance);
        double[] w = new double[m];
        int info = openblas.LAPACKE_dsyevd(openblas.LAPACK_COL_MAJOR, (byte) 'V', (byte) 'L', m, q, m, w);
        if (info != 0)
            throw new IllPosedProblemException(
                    "eigendecomposition of the posterior covariance failed (LAPACK info " + info + ")");
        // w is ascending: w[0] the smallest, w[m − 1] the largest
        double largest = Math.max(Math.abs(w[0]), Math.abs(w[m - 1]));
        if (w[0] < -tolerance * largest)
            throw new InvalidInputException(
                    "covariance",
                    "is not positive semi-definite: its smallest eigenvalue is " + w[0]
                            + " against a largest |eigenvalue| of "
                            + largest + " (round-off allows " + (-tolerance * largest)
                            + "); give the posterior covariance of the utilities (symmetric, PSD)");
        double[] scaled = new double[m * m];
        for (int k = 0; k < m; k++) {
            double s = Math.sqrt(Math.max(w[k], 0));
            for (int i = 0; i < m; i++) scaled[k * m + i] = q[k * m + i] * s;
        }
        double[] r = new double[m * m];
        // R = (Q S)(Q)ᵀ
        openblas.cblas_dgemm(
                openblas.CblasColMajor,
                openblas.CblasNoTrans,
                openblas.CblasTrans,
                m,
                m,
                m,
                1.0,
                scaled,
                m,
                q,
                m,
                0.0,
                r,
                m);
        return r;
    }

    /** LAPACK reads one triangle only: an asymmetric matrix would be silently replaced by a symmetric one. */
    private static void requireSymmetric(double[] a, int m, double tolerance) {
        double largest = 0;
        for (double x : a) largest = Math.max(largest, Math.abs(x));
        for (int j = 0; j < m; j++)
            for (int i = j + 1; i < m; i++) {
                double lower = a[j * m + i], upper = a[i * m + j];
                if (Math.abs(lower - upper) > tolerance * largest)
                    throw new InvalidInputException(
                            "covariance",
                            "is not symmetric: entry (" + i + ", " + j + ") is " + lower + " but (" + j + ", " + i
                                    + ") is " + upper
                                    + "; give the posterior covariance of the utilities (symmetric, PSD)");
            }
    }
}
