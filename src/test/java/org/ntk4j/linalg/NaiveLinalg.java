package org.ntk4j.linalg;

import java.util.Random;

/**
 * Plain-Java reference linear algebra on column-major arrays (no BLAS, no LAPACK): the independent
 * side of the OpenBLAS regression tests.
 */
final class NaiveLinalg {
    private NaiveLinalg() {}

    /**
     * A well-conditioned dense SPD matrix G·Gᵀ/k + I with G n×k, k = 64 (eigenvalues in [1, ~(1+√(n/k))²]),
     * built in O(n²k).
     */
    static double[] spd(int n, long seed) {
        Random r = new Random(seed);
        int k = 64;
        double[] g = new double[n * k];
        for (int i = 0; i < g.length; i++) g[i] = r.nextGaussian();
        double[] a = new double[n * n];
        for (int j = 0; j < n; j++)
            for (int i = j; i < n; i++) {
                double s = 0;
                for (int c = 0; c < k; c++) s += g[i + c * n] * g[j + c * n];
                s /= k;
                if (i == j) s += 1;
                a[i + j * n] = s;
                a[j + i * n] = s;
            }
        return a;
    }

    /** Lower Cholesky factor (column-major, upper triangle zero), the textbook row-by-row algorithm. */
    static double[] cholesky(double[] a, int n) {
        double[][] l = new double[n][]; // row i holds L[i][0..i], contiguous for the dot products
        for (int i = 0; i < n; i++) {
            l[i] = new double[i + 1];
            for (int j = 0; j <= i; j++) {
                double s = a[i + j * n];
                double[] li = l[i], lj = l[j];
                for (int k = 0; k < j; k++) s -= li[k] * lj[k];
                if (j == i) {
                    if (!(s > 0)) throw new IllegalStateException("not positive definite at " + i);
                    li[i] = Math.sqrt(s);
                } else {
                    li[j] = s / lj[j];
                }
            }
        }
        double[] out = new double[n * n];
        for (int i = 0; i < n; i++) for (int j = 0; j <= i; j++) out[i + j * n] = l[i][j];
        return out;
    }

    /** X = L⁻¹·B by column-oriented forward substitution (B n×r, column-major). */
    static double[] forwardSolve(double[] l, int n, double[] b, int r) {
        double[] x = b.clone();
        for (int c = 0; c < r; c++) {
            int o = c * n;
            for (int k = 0; k < n; k++) {
                double xk = x[o + k] / l[k + k * n];
                x[o + k] = xk;
                for (int i = k + 1; i < n; i++) x[o + i] -= l[i + k * n] * xk;
            }
        }
        return x;
    }

    /** X = L⁻ᵀ·B by back substitution. */
    static double[] backSolveTransposed(double[] l, int n, double[] b, int r) {
        double[] x = b.clone();
        for (int c = 0; c < r; c++) {
            int o = c * n;
            for (int i = n - 1; i >= 0; i--) {
                double s = x[o + i];
                for (int k = i + 1; k < n; k++) s -= l[k + i * n] * x[o + k];
                x[o + i] = s / l[i + i * n];
            }
        }
        return x;
    }

    /** C = A·B (A m×k, B k×n). */
    static double[] multiply(double[] a, int m, int k, double[] b, int n) {
        double[] c = new double[m * n];
        for (int j = 0; j < n; j++)
            for (int p = 0; p < k; p++) {
                double bv = b[p + j * k];
                for (int i = 0; i < m; i++) c[i + j * m] += a[i + p * m] * bv;
            }
        return c;
    }

    /** Transpose of an r×c column-major matrix. */
    static double[] transpose(double[] a, int r, int c) {
        double[] t = new double[r * c];
        for (int j = 0; j < c; j++) for (int i = 0; i < r; i++) t[j + i * c] = a[i + j * r];
        return t;
    }

    /**
     * A symmetric matrix with known spectrum: A = Q·diag(λ)·Qᵀ with Q = H_1···H_r a product of r
     * random Householder reflections H = I − 2vvᵀ, applied two-sided in O(r·n²) without LAPACK.
     * Returns A; {@link #reflectors} gives the v's (same seed) to rebuild eigenvectors.
     */
    static double[] fromSpectrum(double[] lambda, int n, long seed) {
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) a[i + i * n] = lambda[i];
        double[][] vs = reflectors(n, seed);
        double[] w = new double[n];
        for (int h = vs.length - 1; h >= 0; h--) { // A <- H A H, innermost reflection first
            double[] v = vs[h];
            java.util.Arrays.fill(w, 0);
            for (int k = 0; k < n; k++) {
                double vk = v[k];
                for (int i = 0; i < n; i++) w[i] += a[i + k * n] * vk;
            }
            double vw = 0;
            for (int i = 0; i < n; i++) vw += v[i] * w[i];
            for (int j = 0; j < n; j++)
                for (int i = 0; i < n; i++) a[i + j * n] += -2 * v[i] * w[j] - 2 * w[i] * v[j] + 4 * vw * v[i] * v[j];
        }
        for (int j = 0; j < n; j++)
            for (int i = j + 1; i < n; i++) {
                double s = 0.5 * (a[i + j * n] + a[j + i * n]);
                a[i + j * n] = s;
                a[j + i * n] = s;
            }
        return a;
    }

    /** The unit vectors of the reflections used by {@link #fromSpectrum} (24 of them: Q is dense). */
    static double[][] reflectors(int n, long seed) {
        Random r = new Random(seed);
        int count = Math.min(n, 24);
        double[][] vs = new double[count][n];
        for (double[] v : vs) {
            double norm = 0;
            for (int i = 0; i < n; i++) {
                v[i] = r.nextGaussian();
                norm += v[i] * v[i];
            }
            double inv = 1 / Math.sqrt(norm);
            for (int i = 0; i < n; i++) v[i] *= inv;
        }
        return vs;
    }

    /** Column j of Q = H_1···H_r: Q·e_j. */
    static double[] eigenvector(double[][] vs, int n, int j) {
        double[] x = new double[n];
        x[j] = 1;
        for (int h = vs.length - 1; h >= 0; h--) {
            double[] v = vs[h];
            double d = 0;
            for (int i = 0; i < n; i++) d += v[i] * x[i];
            for (int i = 0; i < n; i++) x[i] -= 2 * d * v[i];
        }
        return x;
    }

    static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) m = Math.max(m, Math.abs(v));
        return m;
    }

    /** max|a − e| / max|e|. */
    static double relErr(double[] a, double[] e) {
        if (a.length != e.length) throw new IllegalArgumentException("length " + a.length + " vs " + e.length);
        double m = 0;
        for (int k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k] - e[k]));
        return m / maxAbs(e);
    }
}
