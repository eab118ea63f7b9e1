package org.ntk4j.finite;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasColMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_dgemm;

import org.bytedeco.javacpp.DoublePointer;

/**
 * A column-major float64 array in native memory, for CBLAS. Passing {@code double[]} to JavaCPP
 * copies every array in and out of the JNI call (measured 3–5× slower than the GEMM itself at
 * 768×1024×1024), so data that several BLAS calls share lives here. Freed by {@link #close()};
 * any use after that, and a second close, is an {@link IllegalStateException} (never a read of
 * freed memory). Used by one thread at a time.
 */
final class NativeBuffer implements AutoCloseable {
    private DoublePointer pointer; // null once closed
    private final long length;

    private java.nio.DoubleBuffer view;

    private NativeBuffer(long length) {
        if (length < 0) throw new IllegalArgumentException("negative length " + length);
        this.length = length;
        this.pointer = new DoublePointer(Math.max(1, length));
    }

    /**
     * A direct-buffer view for elementwise work in place (the JIT compiles its indexed get/put to
     * plain loads and stores); only for buffers of at most 2^31 − 1 values.
     */
    java.nio.DoubleBuffer view() {
        DoublePointer p = live();
        if (length > Integer.MAX_VALUE)
            throw new IllegalStateException("a buffer of " + length + " values has no single view");
        if (view == null) view = p.limit(Math.max(1, length)).asBuffer();
        return view;
    }

    /** Uninitialized storage for {@code length} doubles (only ever written by a beta = 0 GEMM or {@link #put}). */
    static NativeBuffer allocate(long length) {
        return new NativeBuffer(length);
    }

    /** A native copy of {@code data}. */
    static NativeBuffer copyOf(double[] data) {
        NativeBuffer b = new NativeBuffer(data.length);
        b.put(data);
        return b;
    }

    long length() {
        return length;
    }

    /** Overwrites the first {@code data.length} values. */
    void put(double[] data) {
        if (data.length > length) throw new IllegalArgumentException("buffer too small");
        live().put(data, 0, data.length);
    }

    /** Copies the first {@code out.length} values into {@code out} and returns it. */
    double[] get(double[] out) {
        if (out.length > length) throw new IllegalArgumentException("buffer too small");
        live().get(out, 0, out.length);
        return out;
    }

    /** The whole buffer as a new Java array. */
    double[] toArray() {
        return get(new double[Math.toIntExact(length)]);
    }

    private DoublePointer at(long offset) {
        return live().getPointer(offset);
    }

    private DoublePointer live() {
        DoublePointer p = pointer;
        if (p == null) throw new IllegalStateException("native buffer is closed: it cannot be used after close()");
        return p;
    }

    /**
     * C = alpha·op(A)·op(B) + beta·C on column-major sub-matrices starting at the given offsets
     * (op = transpose when the flag is set). m×n result, inner dimension k.
     */
    static void gemm(
            boolean transA,
            boolean transB,
            int m,
            int n,
            int k,
            double alpha,
            NativeBuffer a,
            long aOffset,
            int lda,
            NativeBuffer b,
            long bOffset,
            int ldb,
            double beta,
            NativeBuffer c,
            long cOffset,
            int ldc) {
        if (m == 0 || n == 0) return;
        if (k == 0) {
            // BLAS with k = 0 only scales C by beta; spell it out so that beta = 0 clears garbage.
            double[] col = new double[m];
            for (int j = 0; j < n; j++) {
                DoublePointer p = c.at(cOffset + (long) j * ldc);
                if (beta != 0) p.get(col, 0, m);
                for (int i = 0; i < m; i++) col[i] = beta == 0 ? 0.0 : beta * col[i];
                p.put(col, 0, m);
            }
            return;
        }
        cblas_dgemm(
                CblasColMajor,
                transA ? CblasTrans : CblasNoTrans,
                transB ? CblasTrans : CblasNoTrans,
                m,
                n,
                k,
                alpha,
                a.at(aOffset),
                lda,
                b.at(bOffset),
                ldb,
                beta,
                c.at(cOffset),
                ldc);
    }

    /** C (m×n, fresh) = alpha·op(A)·op(B) on whole column-major matrices. */
    static NativeBuffer multiply(
            boolean transA,
            boolean transB,
            int m,
            int n,
            int k,
            double alpha,
            NativeBuffer a,
            int lda,
            NativeBuffer b,
            int ldb) {
        NativeBuffer c = allocate((long) m * n);
        gemm(transA, transB, m, n, k, alpha, a, 0, lda, b, 0, ldb, 0.0, c, 0, Math.max(1, m));
        return c;
    }

    /** Frees the memory; a second close is an {@link IllegalStateException} (a bug of ownership). */
    @Override
    public void close() {
        DoublePointer p = live();
        pointer = null;
        view = null;
        p.close();
    }
}
