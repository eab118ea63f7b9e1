package org.ntk4j.solve;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.openblas.global.openblas;
import org.ntk4j.arch.Architecture;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.KernelOptions;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.linalg.NativeMatrix;
import org.ntk4j.linalg.Rows;
import org.ntk4j.parallel.ParallelRegion;

/**
 * The train-train kernels of an architecture as matrix-free operators: Θ·V and K·V for a block of
 * vectors, computed one row block [r0, r1) × all n training rows at a time with
 * {@link KernelFunction} (so every entry is bit-for-bit the entry of the dense kernel), never holding
 * the n×n matrix unless the caller's cache budget allows. When {@code cacheBytes} covers all row
 * blocks of the kinds in use they are kept (off-heap) after the first pass, so later passes cost a
 * gemm instead of a kernel evaluation.
 *
 * <p>Also provides kernel columns M[:, idx], the diagonal of either kernel, and the n×m kernels of the
 * training rows against other points (streamed the same way). Not thread-safe; close to free the cache.
 */
public final class StreamedKernel implements AutoCloseable {
    /** Target entries of one row block (b·n ≈ 4 M doubles = 32 MiB per kernel kind). */
    private static final long BLOCK_ENTRIES = 4L << 20;

    private final KernelFunction kf;
    private final KernelOptions options;
    private final double[] xcm; // column-major n×d copy of the training inputs
    private final int n, d, blockRows;
    private final boolean ntk, cacheAll;
    private final List<NativeMatrix[]> cache = new ArrayList<>(); // per block {nngp, ntk}
    private long passes;

    private StreamedKernel(KernelFunction kf, Matrix x, KernelOptions options, boolean ntk, long cacheBytes) {
        this.kf = kf;
        this.options = options.withComputeNtk(ntk);
        this.xcm = x.toColumnMajor();
        this.n = x.rows();
        this.d = x.cols();
        this.ntk = ntk;
        this.blockRows = (int) Math.max(1, Math.min(n, BLOCK_ENTRIES / Math.max(1, n)));
        long bytes = 8L * n * n * (ntk ? 2 : 1);
        this.cacheAll = bytes <= cacheBytes;
    }

    /**
     * A streamed kernel over the rows of {@code x}.
     *
     * @param ntk        whether the NTK is needed (the NNGP always comes with it)
     * @param cacheBytes how many bytes of computed tiles may be kept (0: none, recompute every pass)
     */
    public static StreamedKernel of(Architecture arch, Matrix x, KernelOptions options, boolean ntk, long cacheBytes) {
        if (arch == null) throw new InvalidInputException("arch", "is required");
        if (x == null || x.rows() == 0 || x.cols() == 0) throw new InvalidInputException("xTrain", "is empty or missing");
        return new StreamedKernel(KernelFunction.of(arch), x, options == null ? KernelOptions.defaults() : options, ntk, cacheBytes);
    }

    /** Number of training rows n. */
    public int size() { return n; }

    /** Whether all tiles are kept after the first pass. */
    public boolean cachesTiles() { return cacheAll; }

    /** Full passes of kernel evaluation over the n×n kernel so far. */
    public long passes() { return passes; }

    /** Rows [r0, r1) of the training inputs. */
    Matrix rows(int r0, int r1) { return Rows.select(xcm, n, d, r0, r1); }

    /** The training rows at {@code idx}. */
    Matrix rows(int[] idx) { return Rows.select(xcm, n, d, idx); }

    /**
     * Θ·vNtk and K·vNngp (n×k each; either input may be null, giving a null output), in one pass over
     * the row blocks.
     */
    public NativeMatrix[] multiply(NativeMatrix vNtk, NativeMatrix vNngp) {
        if (vNtk != null && !ntk) throw new IllegalStateException("this streamed kernel was built without the NTK");
        NativeMatrix outNtk = vNtk == null ? null : NativeMatrix.allocate(n, vNtk.cols(), "Theta V");
        NativeMatrix outNngp = vNngp == null ? null : NativeMatrix.allocate(n, vNngp.cols(), "K V");
        try {
            boolean fromCache = cacheAll && cache.size() * (long) blockRows >= n;
            if (!fromCache) passes++;
            for (int r0 = 0, blk = 0; r0 < n; r0 += blockRows, blk++) {
                ParallelRegion.checkInterrupted("the streamed kernel product"); // cached blocks compute no kernel, which would check
                int r1 = Math.min(n, r0 + blockRows);
                NativeMatrix[] tiles = fromCache ? cache.get(blk) : compute(r0, r1);
                try {
                    if (vNtk != null) gemmRows(tiles[1], vNtk, outNtk, r0);
                    if (vNngp != null) gemmRows(tiles[0], vNngp, outNngp, r0);
                } finally {
                    if (!fromCache) {
                        if (cacheAll) cache.add(tiles);
                        else closeAll(tiles);
                    }
                }
            }
            return new NativeMatrix[] {outNtk, outNngp};
        } catch (RuntimeException e) {
            if (outNtk != null) outNtk.close();
            if (outNngp != null) outNngp.close();
            throw e;
        }
    }

    /** out[r0 : r0+b, :] = tile (b×n) · v (n×k). */
    private void gemmRows(NativeMatrix tile, NativeMatrix v, NativeMatrix out, int r0) {
        int b = tile.rows(), k = v.cols();
        if (k == 0) return;
        DoublePointer o = new DoublePointer(out.pointer()).position(r0);
        openblas.cblas_dgemm(openblas.CblasColMajor, openblas.CblasNoTrans, openblas.CblasNoTrans, b, k, n, 1.0,
            tile.pointer(), b, v.pointer(), n, 0.0, o, n);
    }

    /** The kernel tiles of rows [r0, r1) against all rows: {nngp, ntk or null}, native b×n. */
    private NativeMatrix[] compute(int r0, int r1) {
        Kernels k = kf.compute(rows(r0, r1), Matrix.wrapColumnMajor(n, d, xcm), options);
        NativeMatrix a = NativeMatrix.copyOf(k.nngp(), "NNGP tile");
        try {
            return new NativeMatrix[] {a, ntk ? NativeMatrix.copyOf(k.ntk(), "NTK tile") : null};
        } catch (RuntimeException e) {
            a.close();
            throw e;
        }
    }

    /**
     * The kernels of all training rows against the points {@code z} (m×d): {NNGP n×m, NTK n×m or null},
     * streamed over row blocks of the training set; the prior NNGP variances of z are in {@code zVar}
     * when it is non-null (length m).
     */
    public NativeMatrix[] against(Matrix z, double[] zVar) {
        int m = z.rows();
        NativeMatrix a = NativeMatrix.allocate(n, m, "NNGP train-test");
        NativeMatrix t = ntk ? NativeMatrix.allocate(n, m, "NTK train-test") : null;
        try {
            int rows = (int) Math.max(1, Math.min(n, BLOCK_ENTRIES / Math.max(1, m)));
            for (int r0 = 0; r0 < n; r0 += rows) {
                int r1 = Math.min(n, r0 + rows);
                Kernels k = kf.compute(rows(r0, r1), z, options);
                put(a, k.nngp().toColumnMajor(), r0, r1 - r0, m);
                if (t != null) put(t, k.ntk().toColumnMajor(), r0, r1 - r0, m);
                if (r0 == 0 && zVar != null) System.arraycopy(k.cov2(), 0, zVar, 0, m);
            }
            return new NativeMatrix[] {a, t};
        } catch (RuntimeException e) {
            a.close();
            if (t != null) t.close();
            throw e;
        }
    }

    /** Writes a b×m column-major block into rows [r0, r0+b) of an n×m native matrix. */
    static void put(NativeMatrix dst, double[] block, int r0, int b, int m) {
        DoublePointer p = new DoublePointer(dst.pointer());
        for (int j = 0; j < m; j++) p.position((long) j * dst.rows() + r0).put(block, j * b, b);
    }

    /** The kernel columns M[:, idx] (n×|idx|); from the cache when it is filled. */
    public NativeMatrix columns(int[] idx, boolean ofNtk) {
        if (ofNtk && !ntk) throw new IllegalStateException("this streamed kernel was built without the NTK");
        if (cacheAll && cache.size() * (long) blockRows >= n) {
            NativeMatrix c = NativeMatrix.allocate(n, idx.length, "kernel columns");
            for (int q = 0; q < idx.length; q++) {
                // by symmetry column j = row j: read it from the row block that holds j
                int j = idx[q], blk = j / blockRows, i = j - blk * blockRows;
                NativeMatrix tile = cache.get(blk)[ofNtk ? 1 : 0];
                for (int c2 = 0; c2 < n; c2++) c.set(c2, q, tile.get(i, c2));
            }
            return c;
        }
        NativeMatrix[] both = against(rows(idx), null);
        if (ofNtk) { both[0].close(); return both[1]; }
        if (both[1] != null) both[1].close();
        return both[0];
    }

    /** The diagonal of the NNGP ({@code ofNtk} false) or the NTK: small diagonal blocks, O(n·64) entries. */
    public double[] diagonal(boolean ofNtk) {
        if (ofNtk && !ntk) throw new IllegalStateException("this streamed kernel was built without the NTK");
        double[] out = new double[n];
        final int b = 64;
        for (int r0 = 0; r0 < n; r0 += b) {
            int r1 = Math.min(n, r0 + b);
            Kernels k = kf.compute(rows(r0, r1), null, options.withComputeNtk(ofNtk));
            Matrix mm = ofNtk ? k.ntk() : k.nngp();
            for (int i = r0; i < r1; i++) out[i] = mm.get(i - r0, i - r0);
        }
        return out;
    }

    private static void closeAll(NativeMatrix[] t) {
        for (NativeMatrix m : t) if (m != null) m.close();
    }

    @Override public void close() {
        cache.forEach(StreamedKernel::closeAll);
        cache.clear();
    }
}
