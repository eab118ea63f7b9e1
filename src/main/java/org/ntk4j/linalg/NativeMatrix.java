package org.ntk4j.linalg;

import java.nio.DoubleBuffer;
import org.bytedeco.javacpp.DoublePointer;

/**
 * A mutable float64 matrix in native (off-heap) memory, column-major with leading dimension
 * {@code rows}: the workspace LAPACK and BLAS operate on without copying between calls.
 *
 * <p>Not thread-safe. Close it (try-with-resources) to free the memory at once; otherwise the
 * garbage collector frees it later. Element access goes through direct {@link DoubleBuffer}s (one per
 * GiB), which the JIT compiles to plain loads and stores.
 */
public final class NativeMatrix implements AutoCloseable {
    private final int rows;
    private final int cols;
    private DoublePointer pointer;
    /**
     * Element access in chunks of 2^27 doubles (1 GiB): a direct buffer holds fewer than 2^31
     * bytes, so one view of a matrix above 2^28 entries (n > 16384 square) would be truncated.
     */
    private DoubleBuffer[] chunks;
    /** chunks[0] when there is one chunk (the fast path), else null. */
    private DoubleBuffer buffer;
    static final int CHUNK_SHIFT = 27;
    private final int chunkShift; // CHUNK_SHIFT (tests use smaller chunks to exercise the boundaries)
    private final int chunkMask;

    private NativeMatrix(int rows, int cols, String what) { this(rows, cols, what, CHUNK_SHIFT); }

    private NativeMatrix(int rows, int cols, String what, int chunkShift) {
        if (rows < 0 || cols < 0) throw new IllegalArgumentException(what + ": negative shape " + rows + "x" + cols);
        long count = (long) rows * cols;
        if (count > Integer.MAX_VALUE - 8)
            throw new org.ntk4j.error.InsufficientMemoryException(what + " (" + rows + "x" + cols
                + " exceeds 2^31 entries, the largest native matrix ntk4j addresses)", MemoryGuard.float64Bytes(rows, cols), 0);
        MemoryGuard.requireOffHeap(what, MemoryGuard.float64Bytes(rows, cols));
        this.rows = rows;
        this.cols = cols;
        if (chunkShift < 1 || chunkShift > CHUNK_SHIFT) throw new IllegalArgumentException("chunk shift " + chunkShift);
        this.chunkShift = chunkShift;
        this.chunkMask = (1 << chunkShift) - 1;
        this.pointer = new DoublePointer(Math.max(1, count));
        long total = Math.max(1, count);
        int nChunks = (int) ((total + chunkMask) >>> chunkShift);
        this.chunks = new DoubleBuffer[nChunks];
        for (int c = 0; c < nChunks; c++) {
            long lo = (long) c << chunkShift, hi = Math.min(total, lo + (1L << chunkShift));
            // why: JavaCPP caps a buffer's byte offsets at 2^31 - 1, so offset the address (getPointer), not the position
            chunks[c] = pointer.getPointer(lo).capacity(hi - lo).limit(hi - lo).asBuffer();
        }
        this.buffer = nChunks == 1 ? chunks[0] : null;
    }

    /** An uninitialised rows×cols matrix (contents undefined until written). */
    public static NativeMatrix allocate(int rows, int cols, String what) { return new NativeMatrix(rows, cols, what); }

    /** As {@link #allocate}, with chunks of 2^chunkShift entries (tests: small chunks exercise the chunk boundaries). */
    static NativeMatrix allocate(int rows, int cols, String what, int chunkShift) { return new NativeMatrix(rows, cols, what, chunkShift); }

    /** A rows×cols matrix of zeros (its pages touched in order, by the calling thread). */
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
            for (int i = 0; i < r; i++) n.store(j + i * c, m.get(i, j));
        return n;
    }

    public int rows() { return rows; }
    public int cols() { return cols; }

    /** The native data (for BLAS/LAPACK calls), positioned at 0. */
    public DoublePointer pointer() { return live().position(0); }

    /** Entry (i, j). */
    public double get(int i, int j) { return load(i + j * rows); }

    /** Sets entry (i, j). */
    public void set(int i, int j, double v) { store(i + j * rows, v); }

    /** Entry at column-major index k. */
    public double at(int k) { return load(k); }

    /**
     * Sets the entry at column-major index k. Writes to distinct indices may come from several
     * threads at once (absolute stores into native memory; the kernel tiles are written this way).
     */
    public void setAt(int k, double v) { store(k, v); }

    /**
     * Writes {@code src[off, off + len)} to the column-major indices {@code [k, k + len)} (one bulk copy
     * per GiB chunk). Like {@link #setAt}, several threads may write distinct ranges at once.
     */
    public void putRun(int k, double[] src, int off, int len) {
        if (len < 0 || k < 0 || (long) k + len > (long) rows * cols)
            throw new IndexOutOfBoundsException("run [" + k + ", " + ((long) k + len) + ") of a " + rows + "x" + cols + " matrix");
        DoubleBuffer b = buffer;
        if (b != null) {
            b.put(k, src, off, len);
            return;
        }
        while (len > 0) {
            int c = k >>> chunkShift, at = k & chunkMask, n = Math.min(len, (1 << chunkShift) - at);
            chunks[c].put(at, src, off, n);
            k += n;
            off += n;
            len -= n;
        }
    }

    /** Reads the column-major indices {@code [k, k + len)} into {@code dst[off, off + len)} (bulk, per GiB chunk). */
    public void getRun(int k, double[] dst, int off, int len) {
        if (len < 0 || k < 0 || (long) k + len > (long) rows * cols)
            throw new IndexOutOfBoundsException("run [" + k + ", " + ((long) k + len) + ") of a " + rows + "x" + cols + " matrix");
        while (len > 0) {
            int c = k >>> chunkShift, at = k & chunkMask, n = Math.min(len, (1 << chunkShift) - at);
            chunks[c].get(at, dst, off, n);
            k += n;
            off += n;
            len -= n;
        }
    }

    /**
     * The raw bytes (native byte order) of the column-major entries {@code [k, k + len)} as a direct
     * buffer over this matrix's memory, for bulk I/O without a heap copy; valid while the matrix is open.
     */
    public java.nio.ByteBuffer byteView(long k, int len) {
        if (len < 0 || k < 0 || k + len > (long) rows * cols || len > (1 << CHUNK_SHIFT))
            throw new IndexOutOfBoundsException("byte view [" + k + ", " + (k + len) + ") of a " + rows + "x" + cols + " matrix");
        // getPointer offsets the address: JavaCPP caps a buffer's byte offsets at 2^31 - 1
        return live().getPointer(k).capacity(len).limit(len).asByteBuffer();
    }

    /** The diagonal (min(rows, cols) entries). */
    public double[] diagonal() {
        double[] d = new double[Math.min(rows, cols)];
        for (int i = 0; i < d.length; i++) d[i] = load(i + i * rows);
        return d;
    }

    /** Adds {@code v} to every diagonal entry. */
    public void addToDiagonal(double v) {
        int k = Math.min(rows, cols);
        for (int i = 0; i < k; i++) store(i + i * rows, load(i + i * rows) + v);
    }

    /** Copies the upper triangle onto the lower one (square matrices). */
    public void mirrorUpperToLower() {
        requireSquare();
        for (int j = 0; j < cols; j++)
            for (int i = j + 1; i < rows; i++) store(i + j * rows, load(j + i * rows));
    }

    /** Copies the lower triangle onto the upper one (square matrices). */
    public void mirrorLowerToUpper() {
        requireSquare();
        for (int j = 0; j < cols; j++)
            for (int i = j + 1; i < rows; i++) store(j + i * rows, load(i + j * rows));
    }

    /** Replaces the matrix by (A + Aᵀ)/2 (square matrices). */
    public void symmetrize() {
        requireSquare();
        for (int j = 0; j < cols; j++)
            for (int i = j + 1; i < rows; i++) {
                double v = 0.5 * (load(i + j * rows) + load(j + i * rows));
                store(i + j * rows, v);
                store(j + i * rows, v);
            }
    }

    /** Sets every entry strictly above the diagonal to 0 (square matrices). */
    public void zeroUpper() {
        requireSquare();
        for (int j = 1; j < cols; j++)
            for (int i = 0; i < j; i++) store(i + j * rows, 0.0);
    }

    /** Multiplies column j by {@code s[j]} for every column. */
    public void scaleColumns(double[] s) {
        if (s.length != cols) throw new IllegalArgumentException("scaleColumns: need " + cols + " factors, got " + s.length);
        for (int j = 0; j < cols; j++) {
            double f = s[j];
            int base = j * rows;
            for (int i = 0; i < rows; i++) store(base + i, load(base + i) * f);
        }
    }

    /** Multiplies row i by {@code s[i]} for every row. */
    public void scaleRows(double[] s) {
        if (s.length != rows) throw new IllegalArgumentException("scaleRows: need " + rows + " factors, got " + s.length);
        for (int j = 0; j < cols; j++) {
            int base = j * rows;
            for (int i = 0; i < rows; i++) store(base + i, load(base + i) * s[i]);
        }
    }

    /** An independent native copy. */
    public NativeMatrix copy(String what) {
        NativeMatrix n = new NativeMatrix(rows, cols, what);
        n.pointer.position(0).put(pointer());
        return n;
    }

    /** Copies all entries of the heap matrix {@code m} (same shape, converted to float64) into this matrix. */
    public void copyFrom(Matrix m) {
        if (m.rows() != rows || m.cols() != cols)
            throw new IllegalArgumentException("copyFrom: shape " + m.rows() + "x" + m.cols() + " into " + rows + "x" + cols);
        pointer().put(m.f64 != null ? m.f64 : m.toColumnMajor());
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
        for (int k = 0; k < n; k++) if (!Double.isFinite(load(k))) return false;
        return true;
    }

    private double load(int k) {
        DoubleBuffer b = buffer;
        return b != null ? b.get(k) : chunks[k >>> chunkShift].get(k & chunkMask);
    }

    private void store(int k, double v) {
        DoubleBuffer b = buffer;
        if (b != null) b.put(k, v);
        else chunks[k >>> chunkShift].put(k & chunkMask, v);
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
            chunks = null;
        }
    }

    @Override public String toString() { return "NativeMatrix[" + rows + "x" + cols + "]"; }
}
