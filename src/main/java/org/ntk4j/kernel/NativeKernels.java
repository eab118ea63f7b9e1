package org.ntk4j.kernel;

import org.ntk4j.linalg.NativeMatrix;

/**
 * Kernels stored off-heap ({@link KernelFunction#computeOffHeap}): column-major float64
 * {@link NativeMatrix} storage that LAPACK can factor in place, so that a large train-train kernel
 * exists once. The holder owns the matrices; {@link #close()} frees those still held. Another object
 * takes one over explicitly with {@link NativeMatrix#takeOwnership()} (its handle here is then
 * empty, and closing this holder skips it).
 *
 * @param nngp the NNGP K(x1, x2), n1×n2, or null when it was not kept
 * @param ntk  the NTK Θ(x1, x2), n1×n2, or null when not computed
 * @param cov1 the NNGP variances K(x, x) of the rows of x1 (length n1)
 * @param cov2 the variances of the rows of x2, or null when x2 was not given
 */
public record NativeKernels(NativeMatrix nngp, NativeMatrix ntk, double[] cov1, double[] cov2)
        implements AutoCloseable {
    public NativeKernels {
        if (nngp == null && ntk == null) throw new IllegalArgumentException("native kernels: neither nngp nor ntk");
        if (cov1 == null) throw new IllegalArgumentException("native kernels: cov1 is null");
        NativeMatrix any = nngp != null ? nngp : ntk;
        if (nngp != null && ntk != null && (ntk.rows() != nngp.rows() || ntk.cols() != nngp.cols()))
            throw new IllegalArgumentException("native kernels: ntk shape differs from nngp shape");
        if (cov1.length != any.rows())
            throw new IllegalArgumentException("native kernels: cov1 must have length n1 = " + any.rows());
        if (cov2 != null && cov2.length != any.cols())
            throw new IllegalArgumentException("native kernels: cov2 must have length n2 = " + any.cols());
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

    /**
     * Frees both matrices (those handed over with {@link NativeMatrix#takeOwnership()} are skipped).
     * Like {@link NativeMatrix#close()}, a second close is an {@link IllegalStateException}; the NTK
     * is freed even when freeing the NNGP fails.
     */
    @Override
    public void close() {
        try {
            if (nngp != null) nngp.close();
        } finally {
            if (ntk != null) ntk.close();
        }
    }
}
