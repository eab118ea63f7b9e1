package org.ntk4j.operator;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.openblas.global.openblas;
import org.ntk4j.arch.Architecture;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.KernelKind;
import org.ntk4j.kernel.KernelOptions;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.kernel.NativeKernels;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.linalg.NativeMatrix;
import org.ntk4j.linalg.Rows;
import org.ntk4j.parallel.ParallelRegion;

/**
 * A {@link KernelOperator} that never holds the n×n kernels unless allowed to: Θ·V and K·V for a
 * block of vectors, computed one row block [r0, r1) × all n training rows at a time with
 * {@link KernelFunction} (so every entry off the diagonal is bit for bit the dense kernel's; a diagonal
 * entry, computed as x_i against a copy of itself, may differ from the symmetric computation's exact
 * one by ~1e-8 relative where an arc-cosine map's √(1 − ρ²) meets a Gram dot product not exactly
 * |x_i|²), never holding
 * the n×n matrix unless the caller's cache budget allows. When {@code cacheBytes} covers all row
 * blocks of the kinds in use they are kept (off-heap) after the first pass, so later passes cost a
 * gemm instead of a kernel evaluation.
 *
 * <p>Also provides kernel columns M[:, idx], the diagonal of either kernel, and the n×m kernels of the
 * training rows against other points (streamed the same way). Not thread-safe; close to free the cache.
 */
public final class StreamedKernelOperator implements KernelOperator {
    /** Target entries of one row block (b·n ≈ 4 M doubles = 32 MiB per kernel kind). */
    private static final long BLOCK_ENTRIES = 4L << 20;

    private final KernelFunction kf;
    private final KernelOptions options;
    private final double[] xcm; // column-major n×d copy of the training inputs
    private final int n, d, blockRows;
    private final boolean ntk, cacheAll;
    private final List<NativeMatrix[]> cache = new ArrayList<>(); // per block {nngp, ntk}
    private long passes;

    private StreamedKernelOperator(KernelFunction kf, Matrix x, KernelOptions options, boolean ntk, long cacheBytes) {
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
    public static StreamedKernelOperator of(
            Architecture arch, Matrix x, KernelOptions options, boolean ntk, long cacheBytes) {
        if (arch == null) throw new InvalidInputException("arch", "is required");
        if (x == null || x.rows() == 0 || x.cols() == 0)
            throw new InvalidInputException("xTrain", "is empty or missing");
        return new StreamedKernelOperator(
                KernelFunction.of(arch), x, options == null ? KernelOptions.defaults() : options, ntk, cacheBytes);
    }

    @Override
    public int size() {
        return n;
    }

    @Override
    public boolean has(KernelKind kind) {
        return kind == KernelKind.NNGP || ntk;
    }

    /** Whether all tiles are kept after the first pass. */
    @Override
    public boolean cachesTiles() {
        return cacheAll;
    }

    /** Full passes of kernel evaluation over the n×n kernel so far. */
    @Override
    public long passes() {
        return passes;
    }

    /** Rows [r0, r1) of the training inputs. */
    Matrix rows(int r0, int r1) {
        return Rows.select(xcm, n, d, r0, r1);
    }

    /** The training rows at {@code idx}. */
    Matrix rows(int[] idx) {
        return Rows.select(xcm, n, d, idx);
    }

    @Override
    public NativeMatrix times(KernelKind kind, NativeMatrix v) {
        return kind == KernelKind.NTK ? multiply(v, null)[0] : multiply(null, v)[1];
    }

    /**
     * Θ·vNtk and K·vNngp (n×k each; either input may be null, giving a null output), in one pass over
     * the row blocks.
     */
    private NativeMatrix[] multiply(NativeMatrix vNtk, NativeMatrix vNngp) {
        if (vNtk != null && !ntk) throw new IllegalStateException("this streamed kernel was built without the NTK");
        NativeMatrix outNtk = vNtk == null ? null : NativeMatrix.allocate(n, vNtk.cols(), "Theta V");
        NativeMatrix outNngp = vNngp == null ? null : NativeMatrix.allocate(n, vNngp.cols(), "K V");
        try {
            boolean fromCache = cacheAll && cache.size() * (long) blockRows >= n;
            if (!fromCache) passes++;
            for (int r0 = 0, blk = 0; r0 < n; r0 += blockRows, blk++) {
                ParallelRegion.checkInterrupted(
                        "the streamed kernel product"); // cached blocks compute no kernel, which would check
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
        openblas.cblas_dgemm(
                openblas.CblasColMajor,
                openblas.CblasNoTrans,
                openblas.CblasNoTrans,
                b,
                k,
                n,
                1.0,
                tile.pointer(),
                b,
                v.pointer(),
                n,
                0.0,
                o,
                n);
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

    /** Streamed over row blocks of the training set (b·m ≈ 4 M entries per block). */
    @Override
    public NativeKernels against(Matrix z) {
        int m = z.rows();
        NativeMatrix a = NativeMatrix.allocate(n, m, "NNGP train-test");
        NativeMatrix t = null;
        try {
            t = ntk ? NativeMatrix.allocate(n, m, "NTK train-test") : null;
            double[] trainVar = new double[n], zVar = null;
            int rows = (int) Math.max(1, Math.min(n, BLOCK_ENTRIES / Math.max(1, m)));
            for (int r0 = 0; r0 < n; r0 += rows) {
                int r1 = Math.min(n, r0 + rows);
                Kernels k = kf.compute(rows(r0, r1), z, options);
                put(a, k.nngp().toColumnMajor(), r0, r1 - r0, m);
                if (t != null) put(t, k.ntk().toColumnMajor(), r0, r1 - r0, m);
                System.arraycopy(k.cov1(), 0, trainVar, r0, r1 - r0);
                if (r0 == 0) zVar = k.cov2();
            }
            return new NativeKernels(a, t, trainVar, zVar);
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

    /** From the cache when it is filled, else streamed as {@link #against} the columns' points. */
    @Override
    public NativeMatrix columns(KernelKind kind, int[] idx) {
        boolean ofNtk = kind == KernelKind.NTK;
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
        NativeKernels both = against(rows(idx));
        NativeMatrix wanted = (ofNtk ? both.ntk() : both.nngp()).takeOwnership();
        both.close();
        return wanted;
    }

    /** Small diagonal blocks, O(n·64) entries. */
    @Override
    public double[] diagonal(KernelKind kind) {
        if (kind == KernelKind.NTK && !ntk)
            throw new IllegalStateException("this streamed kernel was built without the NTK");
        return diagonalOf(kf, options, Matrix.wrapColumnMajor(n, d, xcm), kind);
    }

    /** The diagonal of {@code kind} on the rows of {@code x}, from diagonal blocks of 64 rows. */
    static double[] diagonalOf(KernelFunction kf, KernelOptions options, Matrix x, KernelKind kind) {
        boolean ofNtk = kind == KernelKind.NTK;
        int rowsN = x.rows(), cols = x.cols();
        double[] cm = x.toColumnMajor(), out = new double[rowsN];
        final int b = 64;
        for (int r0 = 0; r0 < rowsN; r0 += b) {
            int r1 = Math.min(rowsN, r0 + b);
            Kernels k = kf.compute(Rows.select(cm, rowsN, cols, r0, r1), null, options.withComputeNtk(ofNtk));
            Matrix mm = ofNtk ? k.ntk() : k.nngp();
            for (int i = r0; i < r1; i++) out[i] = mm.get(i - r0, i - r0);
        }
        return out;
    }

    @Override
    public Kernels block(int r0, int r1, int[] cols) {
        return kf.compute(rows(r0, r1), rows(cols), options);
    }

    @Override
    public Kernels block(int r0, int r1, Matrix points) {
        return kf.compute(rows(r0, r1), points, options);
    }

    @Override
    public Kernels at(Matrix points, int[] cols) {
        return kf.compute(points, rows(cols), options);
    }

    @Override
    public Kernels at(Matrix points, Matrix others) {
        return kf.compute(points, others, options);
    }

    @Override
    public Kernels among(Matrix points, boolean withNtk) {
        return kf.compute(points, null, options.withComputeNtk(withNtk));
    }

    @Override
    public double[] priorVariances(Matrix points, KernelKind kind) {
        return priorVariancesOf(kf, options, points, kind);
    }

    /**
     * The NNGP variances the recursion computes for each point (as {@code cov1}), or the NTK's
     * diagonal from diagonal blocks; what every operator gives as its test points' prior.
     */
    static double[] priorVariancesOf(KernelFunction kf, KernelOptions options, Matrix points, KernelKind kind) {
        if (kind == KernelKind.NTK) return diagonalOf(kf, options, points, kind);
        return kf.compute(
                        points,
                        Rows.select(points.toColumnMajor(), points.rows(), points.cols(), 0, 1),
                        options.withComputeNtk(false))
                .cov1();
    }

    private static void closeAll(NativeMatrix[] t) {
        for (NativeMatrix m : t) if (m != null) m.close();
    }

    @Override
    public void close() {
        cache.forEach(StreamedKernelOperator::closeAll);
        cache.clear();
    }
}
