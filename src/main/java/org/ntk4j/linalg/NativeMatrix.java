package org.ntk4j.linalg;

import java.lang.ref.Reference;
import java.nio.DoubleBuffer;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.javacpp.DoublePointer;
import org.ntk4j.parallel.ParallelRegion;

/**
 * A mutable float64 matrix in native (off-heap) memory, column-major with leading dimension
 * {@code rows}: the workspace LAPACK and BLAS operate on without copying between calls.
 *
 * <p>Not thread-safe in general; several threads may write distinct entries at once
 * ({@link #setAt}, {@link #putRun}). Close it (try-with-resources) to free the memory at once;
 * otherwise the garbage collector frees it later. Element access goes through direct
 * {@link DoubleBuffer}s (one per GiB), which the JIT compiles to plain loads and stores; indices
 * are 64-bit ({@code long}) throughout.
 *
 * <p>Misuse is a Java exception, never a JVM crash: any access after {@link #close()} throws
 * {@link IllegalStateException}, and so does a second {@code close()}. Work that uses the matrix
 * from other threads holds a {@link #pin()} for its duration: closing a pinned matrix throws
 * instead of freeing memory a worker still writes to. (Why a pin and not a check per access: a
 * per-access lock or counter would cost more than the load or store itself in the kernel's inner
 * loops; the pin is taken once per parallel region.) {@link #takeOwnership()} moves the memory to a
 * new handle, explicitly, where one object takes over another's matrix.
 *
 * <p>A matrix normally owns its memory: it allocated it and {@link #close()} frees it. A matrix made by
 * {@link #borrow} uses memory another object owns (its {@link Lender}, e.g. an ND4J array): it holds a
 * reference to the lender, so the memory stays reachable while the matrix is; its {@code close()} ends
 * the use without freeing anything (the lender frees its memory, once, when it is done); and every
 * access first asks the lender whether the memory is still there, so that an owner that freed it early
 * makes the next access throw rather than read freed memory.
 */
public final class NativeMatrix implements AutoCloseable {
    /** {@link #state}: open with that many pins when ≥ 0; these when closed or handed over. */
    private static final int CLOSED = -1, RELEASED = -2;

    private final int rows;
    private final int cols;
    private final String what;
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
    private final long chunkMask;
    private final AtomicInteger state = new AtomicInteger();
    /** The owner of the memory of a borrowed matrix ({@link #borrow}); null when this matrix owns it. */
    private final Lender lender;

    /**
     * The owner of memory that a matrix borrows ({@link #borrow}). The matrix keeps a reference to it
     * (so the owner and its memory stay reachable while the matrix is) and asks it before each access.
     */
    public interface Lender {
        /**
         * Whether the owner has freed its memory or may free it at any moment: the borrowed matrix then
         * throws {@link IllegalStateException} on every access instead of touching the memory.
         */
        boolean released();
    }

    private NativeMatrix(int rows, int cols, String what) {
        this(rows, cols, what, CHUNK_SHIFT);
    }

    private NativeMatrix(int rows, int cols, String what, int chunkShift) {
        if (rows < 0 || cols < 0) throw new IllegalArgumentException(what + ": negative shape " + rows + "x" + cols);
        long count = (long) rows * cols;
        if (count > Integer.MAX_VALUE - 8)
            throw new org.ntk4j.error.InsufficientMemoryException(
                    what + " (" + rows + "x" + cols
                            + " exceeds 2^31 entries, the largest native matrix ntk4j addresses)",
                    MemoryGuard.float64Bytes(rows, cols),
                    0);
        if (chunkShift < 1 || chunkShift > CHUNK_SHIFT) throw new IllegalArgumentException("chunk shift " + chunkShift);
        MemoryGuard.requireOffHeap(what, MemoryGuard.float64Bytes(rows, cols));
        this.rows = rows;
        this.cols = cols;
        this.what = what;
        this.chunkShift = chunkShift;
        this.chunkMask = (1L << chunkShift) - 1;
        this.pointer = new DoublePointer(Math.max(1, count));
        this.chunks = chunksOf(pointer, Math.max(1, count), chunkShift);
        this.buffer = chunks.length == 1 ? chunks[0] : null;
        this.lender = null;
    }

    /** A borrowed view of {@code rows * cols} doubles at {@code memory} ({@link #borrow}). */
    private NativeMatrix(DoublePointer memory, int rows, int cols, Lender lender, String what) {
        if (rows < 1 || cols < 1) throw new IllegalArgumentException(what + ": borrowed shape " + rows + "x" + cols);
        if (memory == null || memory.isNull()) throw new IllegalArgumentException(what + ": null memory");
        if (memory.position() != 0)
            throw new IllegalArgumentException(what + ": memory at position " + memory.position() + ", need 0");
        if (lender == null) throw new IllegalArgumentException(what + ": a borrowed matrix needs its lender");
        long count = (long) rows * cols;
        if (count > Integer.MAX_VALUE - 8)
            throw new IllegalArgumentException(what + ": " + rows + "x" + cols
                    + " exceeds 2^31 entries, the largest native matrix ntk4j addresses");
        this.rows = rows;
        this.cols = cols;
        this.what = what;
        this.chunkShift = CHUNK_SHIFT;
        this.chunkMask = (1L << CHUNK_SHIFT) - 1;
        this.pointer = new DoublePointer(memory).capacity(count).limit(count);
        this.chunks = chunksOf(pointer, count, CHUNK_SHIFT);
        // why: no single-buffer fast path, so every element access goes through chunk(), which asks the lender
        this.buffer = null;
        this.lender = lender;
    }

    /** Direct buffers over {@code total} doubles from {@code base}, 2^chunkShift entries each. */
    private static DoubleBuffer[] chunksOf(DoublePointer base, long total, int chunkShift) {
        int nChunks = (int) ((total + (1L << chunkShift) - 1) >>> chunkShift);
        DoubleBuffer[] cs = new DoubleBuffer[nChunks];
        for (int c = 0; c < nChunks; c++) {
            long lo = (long) c << chunkShift, hi = Math.min(total, lo + (1L << chunkShift));
            // why: JavaCPP caps a buffer's byte offsets at 2^31 - 1, so offset the address (getPointer), not the
            // position
            cs[c] = base.getPointer(lo).capacity(hi - lo).limit(hi - lo).asBuffer();
        }
        return cs;
    }

    /** A new handle on {@code from}'s memory ({@link #takeOwnership()}). */
    private NativeMatrix(NativeMatrix from) {
        this.rows = from.rows;
        this.cols = from.cols;
        this.what = from.what;
        this.chunkShift = from.chunkShift;
        this.chunkMask = from.chunkMask;
        this.pointer = from.pointer;
        this.chunks = from.chunks;
        this.buffer = from.buffer;
        this.lender = from.lender;
    }

    /** An uninitialised rows×cols matrix (contents undefined until written). */
    public static NativeMatrix allocate(int rows, int cols, String what) {
        return new NativeMatrix(rows, cols, what);
    }

    /** As {@link #allocate}, with chunks of 2^chunkShift entries (tests: small chunks exercise the chunk boundaries). */
    static NativeMatrix allocate(int rows, int cols, String what, int chunkShift) {
        return new NativeMatrix(rows, cols, what, chunkShift);
    }

    /**
     * A matrix over {@code rows * cols} column-major doubles at {@code memory} that {@code lender} owns:
     * no copy, and no allocation. The matrix keeps {@code lender} reachable (hold the memory through an
     * object that keeps it alive, e.g. the ND4J array it belongs to), never frees the memory (its
     * {@link #close()} only ends this handle's use), and throws {@link IllegalStateException} on any
     * access once {@link Lender#released()} says the memory is gone. Writes through the matrix are
     * writes to the lender's memory, and the reverse. The caller guarantees that the memory holds at
     * least {@code rows * cols} doubles; {@code org.ntk4j.nd4j.Nd4jArrays.toNative} is the checked way
     * to borrow an ND4J array.
     */
    public static NativeMatrix borrow(DoublePointer memory, int rows, int cols, Lender lender, String what) {
        return new NativeMatrix(memory, rows, cols, lender, what);
    }

    /** The owner of this matrix's memory when it is borrowed ({@link #borrow}), else null (it owns its memory). */
    public Lender lender() {
        return lender;
    }

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
            try {
                ParallelRegion.forEach(
                        "copying " + what + " off-heap", "ntk4j-copy", threads, threads, () -> null, (none, t) -> {
                            int lo = (int) ((long) src.length * t / threads),
                                    hi = (int) ((long) src.length * (t + 1) / threads);
                            new DoublePointer(base).position(lo).put(src, lo, hi - lo);
                        });
            } catch (RuntimeException | Error e) {
                n.close(); // every copying thread has stopped
                throw e;
            }
        }
        return n;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /**
     * The native data (for BLAS/LAPACK calls), positioned at 0. It does not keep this matrix
     * reachable: keep the matrix in a variable used after the native call (or fence it).
     */
    public DoublePointer pointer() {
        return live().position(0);
    }

    /** Entry (i, j). */
    public double get(int i, int j) {
        try {
            return load(index(i, j));
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** Sets entry (i, j). */
    public void set(int i, int j, double v) {
        try {
            store(index(i, j), v);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** Entry at column-major index k. */
    public double at(long k) {
        try {
            return load(Objects.checkIndex(k, (long) rows * cols));
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * Sets the entry at column-major index k. Writes to distinct indices may come from several
     * threads at once (absolute stores into native memory; the kernel tiles are written this way).
     */
    public void setAt(long k, double v) {
        try {
            store(Objects.checkIndex(k, (long) rows * cols), v);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * Writes {@code src[off, off + len)} to the column-major indices {@code [k, k + len)} (one bulk copy
     * per GiB chunk). Like {@link #setAt}, several threads may write distinct ranges at once.
     */
    public void putRun(long k, double[] src, int off, int len) {
        checkRun(k, len);
        try {
            DoubleBuffer b = buffer;
            if (b != null) b.put((int) k, src, off, len); // the kernel tiles' path: one buffer, no lambda
            else forEachChunk(k, off, len, (c, at, o, n) -> c.put(at, src, o, n));
        } finally {
            Reference.reachabilityFence(this); // the buffers do not keep the native memory alive
        }
    }

    /** Reads the column-major indices {@code [k, k + len)} into {@code dst[off, off + len)} (bulk, per GiB chunk). */
    public void getRun(long k, double[] dst, int off, int len) {
        checkRun(k, len);
        try {
            forEachChunk(k, off, len, (c, at, o, n) -> c.get(at, dst, o, n));
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** A bulk copy between part of one chunk (from {@code at}) and an array (from {@code off}), n entries. */
    private interface ChunkCopy {
        void copy(DoubleBuffer chunk, int at, int off, int n);
    }

    /** Splits the run [k, k + len) at chunk boundaries and copies each piece. */
    private void forEachChunk(long k, int off, int len, ChunkCopy copy) {
        while (len > 0) {
            int at = (int) (k & chunkMask), n = (int) Math.min(len, (1L << chunkShift) - at);
            copy.copy(chunk(k), at, off, n);
            k += n;
            off += n;
            len -= n;
        }
    }

    private void checkRun(long k, int len) {
        if (len < 0 || k < 0 || k + len > (long) rows * cols)
            throw new IndexOutOfBoundsException(
                    "run [" + k + ", " + (k + len) + ") of a " + rows + "x" + cols + " matrix");
    }

    /**
     * The raw bytes (native byte order) of the column-major entries {@code [k, k + len)} as a direct
     * buffer over this matrix's memory, for bulk I/O without a heap copy; valid while the matrix is
     * open and reachable (the view does not keep it alive: hold a {@link #pin()} while using it).
     */
    public java.nio.ByteBuffer byteView(long k, int len) {
        if (len < 0 || k < 0 || k + len > (long) rows * cols || len > (1 << CHUNK_SHIFT))
            throw new IndexOutOfBoundsException(
                    "byte view [" + k + ", " + (k + len) + ") of a " + rows + "x" + cols + " matrix");
        // getPointer offsets the address: JavaCPP caps a buffer's byte offsets at 2^31 - 1
        return live().getPointer(k).capacity(len).limit(len).asByteBuffer();
    }

    /** The diagonal (min(rows, cols) entries). */
    public double[] diagonal() {
        double[] d = new double[Math.min(rows, cols)];
        for (int i = 0; i < d.length; i++) d[i] = load(index(i, i));
        Reference.reachabilityFence(this);
        return d;
    }

    /** Adds {@code v} to every diagonal entry. */
    public void addToDiagonal(double v) {
        int k = Math.min(rows, cols);
        for (int i = 0; i < k; i++) store(index(i, i), load(index(i, i)) + v);
        Reference.reachabilityFence(this);
    }

    /** Copies the upper triangle onto the lower one (square matrices). */
    public void mirrorUpperToLower() {
        requireSquare();
        for (int j = 0; j < cols; j++) for (int i = j + 1; i < rows; i++) store(index(i, j), load(index(j, i)));
        Reference.reachabilityFence(this);
    }

    /** Copies the lower triangle onto the upper one (square matrices). */
    public void mirrorLowerToUpper() {
        requireSquare();
        for (int j = 0; j < cols; j++) for (int i = j + 1; i < rows; i++) store(index(j, i), load(index(i, j)));
        Reference.reachabilityFence(this);
    }

    /** Replaces the matrix by (A + Aᵀ)/2 (square matrices). */
    public void symmetrize() {
        requireSquare();
        for (int j = 0; j < cols; j++)
            for (int i = j + 1; i < rows; i++) {
                double v = 0.5 * (load(index(i, j)) + load(index(j, i)));
                store(index(i, j), v);
                store(index(j, i), v);
            }
        Reference.reachabilityFence(this);
    }

    /** Sets every entry strictly above the diagonal to 0 (square matrices). */
    public void zeroUpper() {
        requireSquare();
        for (int j = 1; j < cols; j++) for (int i = 0; i < j; i++) store(index(i, j), 0.0);
        Reference.reachabilityFence(this);
    }

    /** Multiplies column j by {@code s[j]} for every column. */
    public void scaleColumns(double[] s) {
        if (s.length != cols)
            throw new IllegalArgumentException("scaleColumns: need " + cols + " factors, got " + s.length);
        for (int j = 0; j < cols; j++) {
            double f = s[j];
            long base = (long) j * rows;
            for (int i = 0; i < rows; i++) store(base + i, load(base + i) * f);
        }
        Reference.reachabilityFence(this);
    }

    /** Multiplies row i by {@code s[i]} for every row. */
    public void scaleRows(double[] s) {
        if (s.length != rows)
            throw new IllegalArgumentException("scaleRows: need " + rows + " factors, got " + s.length);
        for (int j = 0; j < cols; j++) {
            long base = (long) j * rows;
            for (int i = 0; i < rows; i++) store(base + i, load(base + i) * s[i]);
        }
        Reference.reachabilityFence(this);
    }

    /** An independent native copy. */
    public NativeMatrix copy(String what) {
        DoublePointer src = pointer();
        NativeMatrix n = new NativeMatrix(rows, cols, what);
        n.pointer.position(0).put(src);
        Reference.reachabilityFence(this);
        return n;
    }

    /** Copies all entries of the heap matrix {@code m} (same shape, converted to float64) into this matrix. */
    public void copyFrom(Matrix m) {
        if (m.rows() != rows || m.cols() != cols)
            throw new IllegalArgumentException(
                    "copyFrom: shape " + m.rows() + "x" + m.cols() + " into " + rows + "x" + cols);
        pointer().put(m.f64 != null ? m.f64 : m.toColumnMajor());
        Reference.reachabilityFence(this);
    }

    /** Copies all entries of {@code other} (same shape) into this matrix. */
    public void copyFrom(NativeMatrix other) {
        if (other.rows != rows || other.cols != cols)
            throw new IllegalArgumentException(
                    "copyFrom: shape " + other.rows + "x" + other.cols + " into " + rows + "x" + cols);
        pointer().put(other.pointer());
        Reference.reachabilityFence(this);
        Reference.reachabilityFence(other);
    }

    /** The data as a column-major heap array. */
    public double[] toColumnMajorArray() {
        MemoryGuard.requireHeap(
                "copying a " + rows + "x" + cols + " result to the heap", MemoryGuard.float64Bytes(rows, cols));
        double[] d = new double[Math.toIntExact((long) rows * cols)];
        pointer().get(d);
        Reference.reachabilityFence(this);
        return d;
    }

    /** An immutable heap copy. */
    public Matrix toMatrix() {
        return Matrix.wrapColumnMajor(rows, cols, toColumnMajorArray());
    }

    /** Whether every entry is finite. */
    public boolean allFinite() {
        long n = (long) rows * cols;
        try {
            for (long k = 0; k < n; k++) if (!Double.isFinite(load(k))) return false;
            return true;
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** The column-major index of (i, j), checked: a wrong (i, j) must not land silently on another entry. */
    private long index(int i, int j) {
        return Objects.checkIndex(i, rows) + (long) Objects.checkIndex(j, cols) * rows;
    }

    private double load(long k) {
        DoubleBuffer b = buffer;
        return b != null ? b.get((int) k) : chunk(k).get((int) (k & chunkMask));
    }

    private void store(long k, double v) {
        DoubleBuffer b = buffer;
        if (b != null) b.put((int) k, v);
        else chunk(k).put((int) (k & chunkMask), v);
    }

    /** The chunk holding index k; the slow path, which is also where use after close is caught. */
    private DoubleBuffer chunk(long k) {
        DoubleBuffer[] cs = chunks;
        if (cs == null || (lender != null && lender.released())) throw notOpen();
        return cs[(int) (k >>> chunkShift)];
    }

    private void requireSquare() {
        if (rows != cols)
            throw new IllegalStateException("operation needs a square matrix, this is " + rows + "x" + cols);
    }

    private DoublePointer live() {
        DoublePointer p = pointer;
        if (p == null || (lender != null && lender.released())) throw notOpen();
        return p;
    }

    private IllegalStateException notOpen() {
        int s = state.get();
        return new IllegalStateException(
                s == RELEASED
                        ? "native matrix '" + what + "' was handed over (takeOwnership): use the new handle"
                        : s != CLOSED && lender != null && lender.released()
                                ? "native matrix '" + what + "' borrows memory that its owner (" + lender
                                        + ") has freed: keep the owner open while the matrix is in use"
                                : "native matrix '" + what + "' is closed: it cannot be used after close()");
    }

    /**
     * A pin on an open matrix: while any pin is held, {@link #close()} and {@link #takeOwnership()}
     * throw instead of freeing or moving the memory. Release it by closing it (once).
     */
    public final class Pin implements AutoCloseable {
        private boolean released;

        private Pin() {}

        @Override
        public void close() {
            if (released) return;
            released = true;
            state.decrementAndGet();
        }
    }

    /** Pins this open matrix (see {@link Pin}); throws when it is closed or handed over. */
    public Pin pin() {
        for (int s; ; ) {
            if ((s = state.get()) < 0 || (lender != null && lender.released())) throw notOpen();
            if (state.compareAndSet(s, s + 1)) return new Pin();
        }
    }

    /** A pin on {@code m}, or null (nothing to pin: try-with-resources skips a null resource). */
    public static Pin pinIfPresent(NativeMatrix m) {
        return m == null ? null : m.pin();
    }

    /**
     * Moves this matrix's memory to a new handle, which the caller then owns and closes: the explicit
     * form of one object taking over another's matrix. This handle is left empty: any access throws
     * {@link IllegalStateException}, and its {@link #close()} does nothing (it owns nothing), so an
     * earlier owner's try-with-resources stays correct.
     */
    public NativeMatrix takeOwnership() {
        if (lender != null && lender.released()) throw notOpen();
        if (!state.compareAndSet(0, RELEASED)) throw inUseOr("hand over");
        NativeMatrix n = new NativeMatrix(this);
        pointer = null;
        buffer = null;
        chunks = null;
        return n;
    }

    /**
     * Frees the native memory now (a borrowed matrix frees nothing: it only stops using its lender's
     * memory). Throws {@link IllegalStateException} when already closed (a double close is a bug of
     * ownership) or pinned by work in progress; does nothing after {@link #takeOwnership()}.
     */
    @Override
    public void close() {
        if (state.get() == RELEASED) return;
        if (!state.compareAndSet(0, CLOSED)) throw inUseOr("close");
        DoublePointer p = pointer;
        pointer = null;
        buffer = null;
        chunks = null;
        if (lender == null) p.close();
    }

    private IllegalStateException inUseOr(String action) {
        int s = state.get();
        return s > 0
                ? new IllegalStateException("cannot " + action + " native matrix '" + what + "': it is in use by " + s
                        + " computation" + (s == 1 ? "" : "s") + " (pinned)")
                : notOpen();
    }

    @Override
    public String toString() {
        return "NativeMatrix[" + rows + "x" + cols + (lender == null ? "]" : ", borrowed]");
    }
}
