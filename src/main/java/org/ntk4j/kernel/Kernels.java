package org.ntk4j.kernel;

import org.ntk4j.linalg.Matrix;

/**
 * The infinite-width kernels of an architecture on inputs x1 (n1 rows) and x2 (n2 rows).
 *
 * @param nngp the NNGP kernel K(x1, x2), n1×n2
 * @param ntk  the NTK Θ(x1, x2), n1×n2, or {@code null} when only the NNGP was requested
 * @param cov1 the NNGP variances K(x, x) of the rows of x1 (length n1)
 * @param cov2 the variances of the rows of x2 (length n2), or {@code null} when x2 was not given
 */
public record Kernels(Matrix nngp, Matrix ntk, double[] cov1, double[] cov2) {
    public Kernels {
        if (nngp == null) throw new IllegalArgumentException("kernels: nngp is null");
        if (ntk != null && (ntk.rows() != nngp.rows() || ntk.cols() != nngp.cols()))
            throw new IllegalArgumentException("kernels: ntk shape differs from nngp shape");
        if (cov1 == null || cov1.length != nngp.rows())
            throw new IllegalArgumentException("kernels: cov1 must have length n1 = " + nngp.rows());
        if (cov2 != null && cov2.length != nngp.cols())
            throw new IllegalArgumentException("kernels: cov2 must have length n2 = " + nngp.cols());
        cov1 = cov1.clone();
        cov2 = cov2 == null ? null : cov2.clone();
    }

    /** A copy of cov1. */
    @Override
    public double[] cov1() {
        return cov1.clone();
    }

    /** A copy of cov2, or null. */
    @Override
    public double[] cov2() {
        return cov2 == null ? null : cov2.clone();
    }
}
