package org.ntk4j.linalg;

import static org.bytedeco.openblas.global.openblas.LAPACKE_dsyevd;
import static org.bytedeco.openblas.global.openblas.LAPACKE_dsyevr;
import static org.bytedeco.openblas.global.openblas.LAPACK_COL_MAJOR;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.ntk4j.error.Ntk4jException;

/**
 * Symmetric eigendecomposition A = V·diag(λ)·Vᵀ by LAPACK dsyevd (divide and conquer), eigenvalues
 * ascending, eigenvectors as the columns of V (orthonormal). Reads the lower triangle of A.
 */
public final class SymmetricEigen implements AutoCloseable {
    private final double[] values;
    private final NativeMatrix vectors;

    private SymmetricEigen(double[] values, NativeMatrix vectors) {
        this.values = values;
        this.vectors = vectors;
    }

    /** Decomposes {@code a}, overwriting it with the eigenvectors (ownership passes to the result). */
    public static SymmetricEigen decomposeInPlace(NativeMatrix a, String what) {
        if (a.rows() != a.cols())
            throw new IllegalArgumentException(
                    what + ": eigendecomposition needs a square matrix, got " + a.rows() + "x" + a.cols());
        int n = a.rows();
        double[] w = new double[n];
        try {
            if (n > 0) {
                try (DoublePointer wp = new DoublePointer(n)) {
                    int info = LAPACKE_dsyevd(LAPACK_COL_MAJOR, (byte) 'V', (byte) 'L', n, a.pointer(), n, wp);
                    if (info < 0) throw new IllegalStateException("dsyevd: illegal argument " + (-info));
                    if (info > 0)
                        throw new Ntk4jException(what + ": dsyevd did not converge (" + info
                                + " off-diagonal elements); the matrix probably contains NaN or huge entries");
                    wp.get(w);
                }
            }
            return new SymmetricEigen(w, a);
        } catch (RuntimeException e) {
            a.close();
            throw e;
        }
    }

    /** Decomposes a copy of {@code a}. */
    public static SymmetricEigen of(Matrix a, String what) {
        return decomposeInPlace(NativeMatrix.copyOf(a, what), what);
    }

    /** The largest eigenvalue of symmetric {@code a} only (dsyevr, index range n..n), reading its lower triangle. */
    public static double largestEigenvalue(Matrix a, String what) {
        if (a.rows() != a.cols())
            throw new IllegalArgumentException(what + ": needs a square matrix, got " + a.rows() + "x" + a.cols());
        int n = a.rows();
        if (n == 0) throw new IllegalArgumentException(what + ": empty matrix has no eigenvalues");
        try (NativeMatrix c = NativeMatrix.copyOf(a, what);
                DoublePointer w = new DoublePointer(n);
                DoublePointer z = new DoublePointer(1);
                IntPointer m = new IntPointer(1);
                IntPointer isuppz = new IntPointer(2)) {
            int info = LAPACKE_dsyevr(
                    LAPACK_COL_MAJOR,
                    (byte) 'N',
                    (byte) 'I',
                    (byte) 'L',
                    n,
                    c.pointer(),
                    n,
                    0.0,
                    0.0,
                    n,
                    n,
                    0.0,
                    m,
                    w,
                    z,
                    1,
                    isuppz);
            if (info != 0) throw new Ntk4jException(what + ": dsyevr failed (info " + info + ")");
            return w.get(0);
        }
    }

    /** Eigenvalues, ascending (a copy). */
    public double[] values() {
        return values.clone();
    }

    /** The eigenvectors as the columns of a native n×n matrix (owned by this object). */
    public NativeMatrix vectors() {
        return vectors;
    }

    @Override
    public void close() {
        vectors.close();
    }
}
