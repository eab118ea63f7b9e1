package org.ntk4j.evidence;

import org.ntk4j.linalg.Matrix;

/**
 * The training inputs row by row, for the per-entry recursion: the input kernel
 * K⁰(x_i, x_j) = (x_i·x_j)/d, summed over the columns in order and divided last, as the kernel
 * engine does (docs/kernels.md §1), so K⁰(x, x) is bit for bit the variance q⁰ = |x|²/d.
 */
final class InputRows {
    private final double[] rows; // row-major n×d
    private final int n;
    private final int d;
    private final double[] q0;

    InputRows(Matrix x) {
        this.n = x.rows();
        this.d = x.cols();
        this.rows = x.toRowMajor();
        this.q0 = new double[n];
        for (int i = 0; i < n; i++) q0[i] = gram(i, i);
    }

    int size() {
        return n;
    }

    int dimension() {
        return d;
    }

    /** q⁰ of every row (a copy). */
    double[] variances() {
        return q0.clone();
    }

    /** K⁰(x_i, x_j). */
    double gram(int i, int j) {
        double s = 0;
        for (int k = 0, oi = i * d, oj = j * d; k < d; k++) s += rows[oi + k] * rows[oj + k];
        return s / d;
    }
}
