package org.ntk4j.linalg;

import java.util.Random;

/**
 * Plain-Java reference linear algebra on column-major arrays (no BLAS, no LAPACK): the independent
 * side of the OpenBLAS regression tests.
 */
final class NaiveLinalg {
    private NaiveLinalg() { }

    /** A well-conditioned SPD matrix G·Gᵀ/n + I (condition number about 5). */
    static double[] spd(int n, long seed) {
        Random r = new Random(seed);
        double[] g = new double[n * n];
        for (int k = 0; k < g.length; k++) g[k] = r.nextGaussian();
        double[] a = new double[n * n];
        for (int j = 0; j < n; j++)
            for (int i = j; i < n; i++) {
                double s = 0;
                for (int k = 0; k < n; k++) s += g[i + k * n] * g[j + k * n];
                s /= n;
                if (i == j) s += 1;
                a[i + j * n] = s;
                a[j + i * n] = s;
            }
        return a;
    }

    /** Lower Cholesky factor (column-major, upper triangle zero), the textbook algorithm. */
    static double[] cholesky(double[] a, int n) {
        double[] l = new double[n * n];
        for (int j = 0; j < n; j++) {
            double d = a[j + j * n];
            for (int k = 0; k < j; k++) d -= l[j + k * n] * l[j + k * n];
            if (!(d > 0)) throw new IllegalStateException("not positive definite at " + j);
            double ljj = Math.sqrt(d);
            l[j + j * n] = ljj;
            for (int i = j + 1; i < n; i++) {
                double s = a[i + j * n];
                for (int k = 0; k < j; k++) s -= l[i + k * n] * l[j + k * n];
                l[i + j * n] = s / ljj;
            }
        }
        return l;
    }

    /** X = L⁻¹·B by forward substitution (B n×r, column-major). */
    static double[] forwardSolve(double[] l, int n, double[] b, int r) {
        double[] x = b.clone();
        for (int c = 0; c < r; c++) {
            int o = c * n;
            for (int i = 0; i < n; i++) {
                double s = x[o + i];
                for (int k = 0; k < i; k++) s -= l[i + k * n] * x[o + k];
                x[o + i] = s / l[i + i * n];
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
     * A random orthogonal matrix as a product of n Householder reflections (column-major), built
     * without LAPACK.
     */
    static double[] orthogonal(int n, long seed) {
        Random r = new Random(seed);
        double[] q = new double[n * n];
        for (int i = 0; i < n; i++) q[i + i * n] = 1;
        double[] v = new double[n];
        int reflections = Math.min(n, 24); // enough to make Q dense; n of them would be O(n^3) in Java
        for (int h = 0; h < reflections; h++) {
            double norm = 0;
            for (int i = 0; i < n; i++) { v[i] = r.nextGaussian(); norm += v[i] * v[i]; }
            double inv = 1 / Math.sqrt(norm);
            for (int i = 0; i < n; i++) v[i] *= inv;
            // Q <- Q (I - 2 v v^T)
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int k = 0; k < n; k++) s += q[i + k * n] * v[k];
                s *= 2;
                for (int k = 0; k < n; k++) q[i + k * n] -= s * v[k];
            }
        }
        return q;
    }

    /** Q·diag(λ)·Qᵀ, exactly symmetric. */
    static double[] fromSpectrum(double[] q, double[] lambda, int n) {
        double[] ql = q.clone();
        for (int j = 0; j < n; j++) for (int i = 0; i < n; i++) ql[i + j * n] *= lambda[j];
        double[] a = multiply(ql, n, n, transpose(q, n, n), n);
        for (int j = 0; j < n; j++)
            for (int i = j + 1; i < n; i++) {
                double s = 0.5 * (a[i + j * n] + a[j + i * n]);
                a[i + j * n] = s;
                a[j + i * n] = s;
            }
        return a;
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
