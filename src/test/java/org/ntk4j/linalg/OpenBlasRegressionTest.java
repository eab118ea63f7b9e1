package org.ntk4j.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Guards against the OpenBLAS float64 bug (docs/platform.md §1: the OpenBLAS bundled with ND4J
 * M2.1 returns wrong dpotrf/dtrsm/dsyevd results on AVX-512, sometimes with info = 0). Every
 * routine ntk4j's regression core relies on is compared with plain Java at n = 64, 200, 500, 1000
 * to ≤ 1e-12 relative, so that a dependency change cannot bring wrong results back silently.
 */
class OpenBlasRegressionTest {
    private static final double TOL = 1e-12;

    @ParameterizedTest(name = "potrf n={0}")
    @ValueSource(ints = {64, 200, 500, 1000})
    void potrfMatchesPlainCholesky(int n) {
        double[] a = NaiveLinalg.spd(n, 11 + n);
        double[] expected = NaiveLinalg.cholesky(a, n);
        try (Cholesky c = Cholesky.factor(
                NativeMatrix.copyOf(Matrix.wrapColumnMajor(n, n, a.clone()), "A"), JitterPolicy.none(), "A")) {
            assertFalse(c.jitter().applied());
            double[] l = c.lower().toColumnMajor();
            double err = NaiveLinalg.relErr(l, expected);
            assertTrue(err <= TOL, "potrf n=" + n + ": relative error " + err);
            // and L Lᵀ reproduces A (on sampled columns: a full product would dominate the test time)
            double res = 0;
            double[] col = new double[n];
            for (int j : sampleColumns(n)) {
                java.util.Arrays.fill(col, 0);
                for (int k = 0; k <= j; k++) { // column j of L Lᵀ = Σ_k L[:,k] L[j,k]
                    double ljk = l[j + k * n];
                    for (int i = k; i < n; i++) col[i] += l[i + k * n] * ljk;
                }
                for (int i = 0; i < n; i++) res = Math.max(res, Math.abs(col[i] - a[i + j * n]));
            }
            res /= NaiveLinalg.maxAbs(a);
            assertTrue(res <= TOL, "potrf n=" + n + ": ||LL^T - A||/||A|| = " + res);
        }
    }

    /** 0, n−1 and up to 62 evenly spread columns. */
    static int[] sampleColumns(int n) {
        int count = Math.min(n, 64);
        int[] c = new int[count];
        for (int i = 0; i < count; i++) c[i] = (int) Math.round((double) i * (n - 1) / (count - 1));
        return c;
    }

    @ParameterizedTest(name = "trsm n={0}")
    @ValueSource(ints = {64, 200, 500, 1000})
    void trsmMatchesSubstitution(int n) {
        double[] a = NaiveLinalg.spd(n, 7 + n);
        double[] l = NaiveLinalg.cholesky(a, n);
        int r = Math.min(n, 200);
        java.util.Random rnd = new java.util.Random(n);
        double[] b = new double[n * r];
        for (int k = 0; k < b.length; k++) b[k] = rnd.nextGaussian();
        double[] fwd = NaiveLinalg.forwardSolve(l, n, b, r);
        double[] bwd = NaiveLinalg.backSolveTransposed(l, n, b, r);
        try (NativeMatrix ln = NativeMatrix.copyOf(Matrix.wrapColumnMajor(n, n, l), "L");
                NativeMatrix x = NativeMatrix.copyOf(Matrix.wrapColumnMajor(n, r, b.clone()), "B");
                NativeMatrix y = NativeMatrix.copyOf(Matrix.wrapColumnMajor(n, r, b.clone()), "B");
                NativeMatrix z =
                        NativeMatrix.copyOf(Matrix.wrapColumnMajor(r, n, NaiveLinalg.transpose(b, n, r)), "Bt")) {
            Blas.solveLowerLeft(ln, false, x);
            Blas.solveLowerLeft(ln, true, y);
            Blas.solveLowerRight(ln, true, z); // Bᵀ L⁻ᵀ = (L⁻¹ B)ᵀ
            double e1 = NaiveLinalg.relErr(x.toColumnMajorArray(), fwd);
            double e2 = NaiveLinalg.relErr(y.toColumnMajorArray(), bwd);
            double e3 = NaiveLinalg.relErr(z.toColumnMajorArray(), NaiveLinalg.transpose(fwd, n, r));
            assertTrue(e1 <= TOL, "trsm L^-1 B n=" + n + ": " + e1);
            assertTrue(e2 <= TOL, "trsm L^-T B n=" + n + ": " + e2);
            assertTrue(e3 <= TOL, "trsm B L^-T n=" + n + ": " + e3);
        }
    }

    @ParameterizedTest(name = "syevd n={0}")
    @ValueSource(ints = {64, 200, 500, 1000})
    void syevdRecoversAKnownSpectrum(int n) {
        long seed = 3 + n;
        double[] lambda = new double[n];
        for (int i = 0; i < n; i++) lambda[i] = (i - n / 3.0) / n; // distinct, mixed sign, gap 1/n
        double[] a = NaiveLinalg.fromSpectrum(lambda, n, seed);
        double[][] reflectors = NaiveLinalg.reflectors(n, seed);
        try (SymmetricEigen e = SymmetricEigen.of(Matrix.wrapColumnMajor(n, n, a), "A")) {
            double[] w = e.values();
            double scale = NaiveLinalg.maxAbs(lambda);
            for (int i = 0; i < n; i++) assertEquals(lambda[i], w[i], TOL * scale, "syevd n=" + n + " eigenvalue " + i);
            double[] v = e.vectors().toColumnMajorArray();
            for (int j : sampleColumns(n)) {
                // the known eigenvector Q e_j, up to sign
                double[] q = NaiveLinalg.eigenvector(reflectors, n, j);
                double dot = 0;
                for (int i = 0; i < n; i++) dot += q[i] * v[i + j * n];
                double sign = Math.signum(dot), diff = 0, res = 0;
                double[] av = new double[n];
                for (int k = 0; k < n; k++) {
                    double vk = v[k + j * n];
                    for (int i = 0; i < n; i++) av[i] += a[i + k * n] * vk;
                }
                for (int i = 0; i < n; i++) {
                    diff = Math.max(diff, Math.abs(sign * v[i + j * n] - q[i]));
                    res = Math.max(res, Math.abs(av[i] - w[j] * v[i + j * n]));
                }
                assertTrue(diff <= TOL, "syevd n=" + n + ": eigenvector " + j + " differs by " + diff);
                assertTrue(res <= TOL * scale, "syevd n=" + n + ": residual of eigenpair " + j + " = " + res);
            }
        }
    }
}
