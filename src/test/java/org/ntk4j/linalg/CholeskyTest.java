package org.ntk4j.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.ntk4j.error.IllPosedProblemException;
import org.ntk4j.error.InsufficientMemoryException;
import org.ntk4j.error.InvalidInputException;

/** Cholesky with adaptive jitter, its condition estimate and solves, and the memory guard. */
class CholeskyTest {

    private static NativeMatrix nat(double[] a, int n) {
        return NativeMatrix.copyOf(Matrix.wrapColumnMajor(n, n, a.clone()), "A");
    }

    /** X·Xᵀ/d + c: a PSD matrix of rank ≤ d+1 (the NNGP of a linear network), singular for n > d+1. */
    private static double[] lowRank(int n, int d, long seed) {
        Random r = new Random(seed);
        double[] x = new double[n * d];
        for (int k = 0; k < x.length; k++) x[k] = r.nextGaussian();
        double[] a = new double[n * n];
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int k = 0; k < d; k++) s += x[i + k * n] * x[j + k * n];
                a[i + j * n] = s / d + 0.1;
            }
        return a;
    }

    @Test
    void wellConditionedNeedsNoJitterAndEstimatesCondition() {
        int n = 60;
        double[] lam = new double[n];
        for (int i = 0; i < n; i++) lam[i] = Math.pow(10, -4.0 * i / (n - 1)); // cond2 = 1e4
        double[] a = NaiveLinalg.fromSpectrum(lam, n, 5);
        try (Cholesky c = Cholesky.factor(nat(a, n), JitterPolicy.defaults(), "A")) {
            assertFalse(c.jitter().applied());
            assertEquals(1, c.jitter().attempts());
            double cond = c.conditionEstimate();
            // 1-norm and 2-norm condition numbers differ by at most a factor n
            assertTrue(cond >= 1e4 / n && cond <= 1e4 * n, "condition estimate " + cond);
            // solve A X = B
            Random r = new Random(1);
            double[] b = new double[n * 3];
            for (int k = 0; k < b.length; k++) b[k] = r.nextGaussian();
            try (NativeMatrix x = NativeMatrix.copyOf(Matrix.wrapColumnMajor(n, 3, b.clone()), "B")) {
                c.solveInPlace(x);
                double[] ax = NaiveLinalg.multiply(a, n, n, x.toColumnMajorArray(), 3);
                assertTrue(NaiveLinalg.relErr(ax, b) < 1e-10, "residual " + NaiveLinalg.relErr(ax, b));
            }
        }
    }

    @Test
    void singularPsdMatrixGetsReportedJitter() {
        int n = 30;
        double[] a = lowRank(n, 3, 2);
        double meanDiag = 0;
        for (int i = 0; i < n; i++) meanDiag += a[i + i * n] / n;
        try (Cholesky c = Cholesky.factor(nat(a, n), JitterPolicy.defaults(), "rank-4 kernel")) {
            JitterReport j = c.jitter();
            assertTrue(j.applied(), "jitter expected");
            assertTrue(j.attempts() >= 2);
            assertTrue(j.relative() >= 1e-10 && j.relative() <= 1e-6 * (1 + 1e-9), "relative jitter " + j.relative());
            assertEquals(j.added(), j.relative() * meanDiag, 1e-12 * j.added());
            assertFalse(j.reason().isEmpty());
            // the factor is that of A + jI
            double[] l = c.lower().toColumnMajor();
            double[] llt = NaiveLinalg.multiply(l, n, n, NaiveLinalg.transpose(l, n, n), n);
            double[] aj = a.clone();
            for (int i = 0; i < n; i++) aj[i + i * n] += j.added();
            assertTrue(NaiveLinalg.relErr(llt, aj) < 1e-13, "LL^T = A + jI");
        }
    }

    @Test
    void noJitterPolicyOrIndefiniteMatrixIsIllPosed() {
        int n = 30;
        double[] a = lowRank(n, 3, 3);
        IllPosedProblemException e = assertThrows(
                IllPosedProblemException.class, () -> Cholesky.factor(nat(a, n), JitterPolicy.none(), "rank-4 kernel"));
        assertTrue(e.getMessage().contains("rank-4 kernel") && e.getMessage().contains("remedy"), e.getMessage());

        double[] lam = new double[n];
        for (int i = 0; i < n; i++) lam[i] = 1 + i;
        lam[0] = -0.01; // far beyond any jitter the policy allows
        double[] b = NaiveLinalg.fromSpectrum(lam, n, 4);
        assertThrows(
                IllPosedProblemException.class,
                () -> Cholesky.factor(nat(b, n), JitterPolicy.defaults(), "indefinite"));
    }

    @Test
    void nonFiniteOrZeroDiagonalIsRejected() {
        double[] a = {1, 0, 0, Double.NaN};
        assertThrows(InvalidInputException.class, () -> Cholesky.factor(nat(a, 2), JitterPolicy.defaults(), "A"));
        double[] z = {0, 0, 0, 0};
        assertThrows(IllPosedProblemException.class, () -> Cholesky.factor(nat(z, 2), JitterPolicy.defaults(), "A"));
    }

    @Test
    void largestEigenvalue() {
        int n = 50;
        double[] lam = new double[n];
        for (int i = 0; i < n; i++) lam[i] = -3 + 0.25 * i;
        double got = SymmetricEigen.largestEigenvalue(
                Matrix.wrapColumnMajor(n, n, NaiveLinalg.fromSpectrum(lam, n, 6)), "A");
        assertEquals(lam[n - 1], got, 1e-13 * Math.abs(lam[n - 1]));
    }

    @Test
    void blasWrappersMatchPlainJava() {
        Random r = new Random(9);
        int m = 17, k = 23, n = 11;
        double[] a = new double[m * k], b = new double[k * n], c0 = new double[m * n];
        for (int i = 0; i < a.length; i++) a[i] = r.nextGaussian();
        for (int i = 0; i < b.length; i++) b[i] = r.nextGaussian();
        for (int i = 0; i < c0.length; i++) c0[i] = r.nextGaussian();
        double[] ab = NaiveLinalg.multiply(a, m, k, b, n);
        try (NativeMatrix an = NativeMatrix.copyOf(Matrix.wrapColumnMajor(m, k, a), "A");
                NativeMatrix bn = NativeMatrix.copyOf(Matrix.wrapColumnMajor(k, n, b), "B");
                NativeMatrix bt =
                        NativeMatrix.copyOf(Matrix.wrapColumnMajor(n, k, NaiveLinalg.transpose(b, k, n)), "Bt");
                NativeMatrix cn = NativeMatrix.copyOf(Matrix.wrapColumnMajor(m, n, c0.clone()), "C")) {
            Blas.gemm(false, true, 2.0, an, bt, -1.0, cn); // 2AB − C
            double[] exp = ab.clone();
            for (int i = 0; i < exp.length; i++) exp[i] = 2 * ab[i] - c0[i];
            assertTrue(NaiveLinalg.relErr(cn.toColumnMajorArray(), exp) < 1e-14);
            assertThrows(IllegalArgumentException.class, () -> Blas.gemm(false, false, 1, an, an, 0, cn));

            // syrk: A Aᵀ, both triangles
            try (NativeMatrix s = NativeMatrix.zeros(m, m, "S");
                    NativeMatrix s2 = NativeMatrix.zeros(m, m, "S2")) {
                Blas.syrk(false, 1.0, an, 0.0, s, true);
                double[] aat = NaiveLinalg.multiply(a, m, k, NaiveLinalg.transpose(a, m, k), m);
                assertTrue(NaiveLinalg.relErr(s.toColumnMajorArray(), aat) < 1e-14);
                // syr2k: A Pᵀ + P Aᵀ with P = 2A gives 4 A Aᵀ
                try (NativeMatrix p = an.copy("P")) {
                    p.scaleColumns(filled(k, 2.0));
                    Blas.syr2k(false, 1.0, an, p, 0.0, s2, true);
                    double[] e4 = aat.clone();
                    for (int i = 0; i < e4.length; i++) e4[i] *= 4;
                    assertTrue(NaiveLinalg.relErr(s2.toColumnMajorArray(), e4) < 1e-14);
                }
                // symm: B S with S symmetric
                try (NativeMatrix out = NativeMatrix.allocate(n, m, "BS");
                        NativeMatrix bb = NativeMatrix.copyOf(Matrix.wrapColumnMajor(n, m, sub(b, n * m)), "B2")) {
                    Blas.symmRight(1.0, bb, s, 0.0, out);
                    double[] e = NaiveLinalg.multiply(sub(b, n * m), n, m, aat, m);
                    assertTrue(NaiveLinalg.relErr(out.toColumnMajorArray(), e) < 1e-14);
                }
            }
        }
    }

    @Test
    void memoryGuardRefusesBeforeAllocating() {
        InsufficientMemoryException e = assertThrows(
                InsufficientMemoryException.class, () -> NativeMatrix.allocate(60_000, 60_000, "a 60000x60000 kernel"));
        assertTrue(e.bytesNeeded() == 60_000L * 60_000 * 8, "bytes " + e.bytesNeeded());
        // why not avail + 1: JavaCPP's deallocator may free an earlier test's memory (ND4J's arrays) between
        // the two reads, so the guard can see more than this read did; 1 TiB beyond is out of reach either way
        long avail = MemoryGuard.availableOffHeap();
        assertThrows(InsufficientMemoryException.class, () -> MemoryGuard.requireOffHeap("test", avail + (1L << 40)));
    }

    private static double[] filled(int n, double v) {
        double[] d = new double[n];
        java.util.Arrays.fill(d, v);
        return d;
    }

    private static double[] sub(double[] a, int len) {
        return java.util.Arrays.copyOf(a, len);
    }
}
