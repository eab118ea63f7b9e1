package org.ntk4j.linalg;

import java.nio.DoubleBuffer;
import org.bytedeco.javacpp.DoublePointer;

/**
 * A mutable float64 matrix in native (off-heap) memory, column-major with leading dimension
 * {@code rows}: the workspace LAPACK and BLAS operate on without copying between calls.
 *
 * <p>Not thread-safe. Close it (try-with-resources) to free the memory at once; otherwise the
 * garbage collector frees it later. Element access goes through a direct {@link DoubleBuffer},
 * which the JIT compiles to plain loads and stores.
 */
public final class NativeMatrix implements AutoCloseable {
    private final int rows;
    private final int cols;
    private DoublePointer pointer;
    private DoubleBuffer buffer;

    private NativeMatrix(int rows, int cols, String what) {
        if (rows < 0 || cols < 0) throw new IllegalArgumentException(what + ": negative shape " + rows + "x" + cols);
        long count = (long) rows * cols;
        if (count > Integer.MAX_VALUE - 8)
            throw new org.ntk4j.error.InsufficientMemoryException(what + " (" + rows + "x" + cols
                + " exceeds 2^31 entries, the largest native matrix ntk4j addresses)", MemoryGuard.float64Bytes(rows, cols), 0);
        MemoryGuard.requireOffHeap(what, MemoryGuard.float64Bytes(rows, cols));
        this.rows = rows;
        this.cols = cols;
        this.pointer = new DoublePointer(Math.max(1, count));
        this.buffer = pointer.asBuffer();
    }

    /** An uninitialised rows×cols matrix (contents undefined until written). */
    public static NativeMatrix allocate(int rows, int cols, String what) { return new NativeMatrix(rows, cols, what); }

    /** A rows×cols matrix of zeros. */
    public static NativeMatrix zeros(int rows, int cols, String what) {
        NativeMatrix m = new NativeMatrix(rows, cols, what);
        m.pointer.zero();
        return m;
    }

    /** Entries from which a heap-to-native copy is split across threads (8 MB). */
    private static final int PARALLEL_COPY = 1 << 20;

    /** A native copy of {@code m} (converted to float64). */
    public static NativeMatrix copyOf(Matrix m, String what) {
        NativeMatrix n = new NativeMatrix(m.rows(), m.cols(), what);
        double[] src = m.f64 != null ? m.f64 : m.toColumnMajor();
        int threads = Math.min(Runtime.getRuntime().availableProcessors(), src.length / PARALLEL_COPY);
        if (threads < 2) {
            n.pointer.position(0).put(src);
        } else {
            // why: the copy's cost is the first touch of freshly mapped pages (page faults), which
            // scales with threads; memcpy itself is a small part of it
            DoublePointer base = n.pointer;
            java.util.stream.IntStream.range(0, threads).parallel().forEach(t -> {
                int lo = (int) ((long) src.length * t / threads), hi = (int) ((long) src.length * (t + 1) / threads);
                new DoublePointer(base).position(lo).put(src, lo, hi - lo);
            });
        }
        return n;
    }

    /** A native copy of the transpose of {@code m}. */
    public static NativeMatrix transposeOf(Matrix m, String what) {
        NativeMatrix n = new NativeMatrix(m.cols(), m.rows(), what);
        int r = m.rows(), c = m.cols();
        for (int j = 0; j < c; j++)
            for (int i = 0; i < r; i++) n.buffer.put(j + i * c, m.get(i, j));
        return n;
    }

    public int rows() { return rows; }
    public int cols() { return cols; }

    /** The native data (for BLAS/LAPACK calls), positioned at 0. */
    public DoublePointer pointer() { return live().position(0); }

    /** Entry (i, j). */
    public double get(int i, int j) { return buffer.get(i + j * rows); }

    /** Sets entry (i, j). */
    public void set(int i, int j, double v) { buffer.put(i + j * rows, v); }

    /** Entry at column-major index k. */
    public double at(int k) { return buffer.get(k); }

    /** Sets the entry at column-major index k. */
    public void setAt(int k, double v) { buffer.put(k, v); }

    /** The diagonal (min(rows, cols) entries). */
    public double[] diagonal() {
        double[] d = new double[Math.min(rows, cols)];
        for (int i = 0; i < d.length; i++) d[i] = buffer.get(i + i * rows);
        return d;
    }

    /** Adds {@code v} to every diagonal entry. */
    public void addToDiagonal(double v) {
        int k = Math.min(rows, cols);
        for (int i = 0; i < k; i++) buffer.put(i + i * rows, buffer.get(i + i * rows) + v);
    }

    /** Copies the upper triangle onto the lower one (square matrices). */
    public void mirrorUpperToLower() {
        requireSquare();
        for (int j = 0; j < cols; j++)
            for (int i = j + 1; i < rows; i++) buffer.put(i + j * rows, buffer.get(j + i * rows));
    }

    /** Copies the lower triangle onto the upper one (square matrices). */
    public void mirrorLowerToUpper() {
        requireSquare();
        for (int j = 0; j < cols; j++)
            for (int i = j + 1; i < rows; i++) buffer.put(j + i * rows, buffer.get(i + j * rows));
    }

    /** Replaces the matrix by (A + Aᵀ)/2 (square matrices). */
    public void symmetrize() {
        requireSquare();
        for (int j = 0; j < cols; j++)
            for (int i = j + 1; i < rows; i++) {
                double v = 0.5 * (buffer.get(i + j * rows) + buffer.get(j + i * rows));
                buffer.put(i + j * rows, v);
                buffer.put(j + i * rows, v);
            }
    }

    /** Sets every entry strictly above the diagonal to 0 (square matrices). */
    public void zeroUpper() {
        requireSquare();
        for (int j = 1; j < cols; j++)
            for (int i = 0; i < j; i++) buffer.put(i + j * rows, 0.0);
    }

    /** Multiplies column j by {@code s[j]} for every column. */
    public void scaleColumns(double[] s) {
        if (s.length != cols) throw new IllegalArgumentException("scaleColumns: need " + cols + " factors, got " + s.length);
        for (int j = 0; j < cols; j++) {
            double f = s[j];
            int base = j * rows;
            for (int i = 0; i < rows; i++) buffer.put(base + i, buffer.get(base + i) * f);
        }
    }

    /** Multiplies row i by {@code s[i]} for every row. */
    public void scaleRows(double[] s) {
        if (s.length != rows) throw new IllegalArgumentException("scaleRows: need " + rows + " factors, got " + s.length);
        for (int j = 0; j < cols; j++) {
            int base = j * rows;
            for (int i = 0; i < rows; i++) buffer.put(base + i, buffer.get(base + i) * s[i]);
        }
    }

    /** An independent native copy. */
    public NativeMatrix copy(String what) {
        NativeMatrix n = new NativeMatrix(rows, cols, what);
        n.pointer.position(0).put(pointer());
        return n;
    }

    /** Copies all entries of {@code other} (same shape) into this matrix. */
    public void copyFrom(NativeMatrix other) {
        if (other.rows != rows || other.cols != cols)
            throw new IllegalArgumentException("copyFrom: shape " + other.rows + "x" + other.cols + " into " + rows + "x" + cols);
        pointer().put(other.pointer());
    }

    /** The data as a column-major heap array. */
    public double[] toColumnMajorArray() {
        MemoryGuard.requireHeap("copying a " + rows + "x" + cols + " result to the heap", MemoryGuard.float64Bytes(rows, cols));
        double[] d = new double[rows * cols];
        pointer().get(d);
        return d;
    }

    /** An immutable heap copy. */
    public Matrix toMatrix() { return Matrix.wrapColumnMajor(rows, cols, toColumnMajorArray()); }

    /** Whether every entry is finite. */
    public boolean allFinite() {
        int n = rows * cols;
        for (int k = 0; k < n; k++) if (!Double.isFinite(buffer.get(k))) return false;
        return true;
    }

    private void requireSquare() {
        if (rows != cols) throw new IllegalStateException("operation needs a square matrix, this is " + rows + "x" + cols);
    }

    private DoublePointer live() {
        if (pointer == null) throw new IllegalStateException("native matrix already closed");
        return pointer;
    }

    /** Frees the native memory now. Idempotent. */
    @Override public void close() {
        if (pointer != null) {
            pointer.close();
            pointer = null;
            buffer = null;
        }
    }

    @Override public String toString() { return "NativeMatrix[" + rows + "x" + cols + "]"; }
}
