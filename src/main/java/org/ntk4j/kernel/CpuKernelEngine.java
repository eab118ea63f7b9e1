package org.ntk4j.kernel;

import java.nio.DoubleBuffer;
import java.util.ArrayList;
import java.util.List;
import org.ntk4j.arch.Architecture;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.linalg.MemoryGuard;
import org.ntk4j.linalg.NativeMatrix;
import org.ntk4j.parallel.ParallelRegion;

/**
 * The CPU kernel engine, the default {@link KernelBackend}: OpenBLAS Gram panels, then the fused
 * layer recursion over cache-sized tiles on worker threads, as {@link KernelFunction} describes.
 * It handles every architecture.
 */
final class CpuKernelEngine implements KernelBackend {
    /** Default tile edge: 128×128 doubles × 2 (NNGP, NTK) = 256 KiB per worker, in L2. */
    static final int DEFAULT_TILE = 128;
    /** Largest tile edge (a larger tileSize means "untiled" for all practical sizes). */
    static final int MAX_TILE = 4096;

    // logged under KernelFunction, the class users call (and configure logging for)
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(KernelFunction.class);

    @Override
    public String unsupportedReason(Architecture architecture) {
        return null;
    }

    @Override
    public NativeKernels computeOffHeap(
            Architecture architecture, Matrix x1, Matrix x2, KernelOptions options, boolean keepNngp) {
        Setup st = setup(architecture, x1, x2, options, true, keepNngp);
        NativeMatrix nn = null, tn = null;
        try {
            // touched in order first, by one thread: scattered first-touch faults from the tiles cost
            // several times more without huge pages; with them, two threads touching at once made a
            // 4000² CLI run slower (median wall 1.24 s vs 1.02 s, 5 runs each; sys time 0.65 vs 0.44 s)
            nn = keepNngp ? NativeMatrix.zeros(st.n1, st.n2, "NNGP kernel") : null;
            tn = st.ntk ? NativeMatrix.zeros(st.n1, st.n2, "NTK kernel") : null;
            TileRecursion.Outputs out = new TileRecursion.Outputs(st.ntk, null, null, null, null, nn, tn, !st.f64);
            run(st, out, options);
            return new NativeKernels(nn, tn, st.cov1, st.cov2);
        } catch (RuntimeException | Error e) {
            if (nn != null) nn.close();
            if (tn != null) tn.close();
            throw e;
        }
    }

    @Override
    public Kernels compute(Architecture architecture, Matrix x1, Matrix x2, KernelOptions options) {
        Setup st = setup(architecture, x1, x2, options, false, true);
        int entries = st.n1 * st.n2;
        boolean f64 = st.f64, ntk = st.ntk;
        double[] nngp64 = f64 ? new double[entries] : null, ntk64 = f64 && ntk ? new double[entries] : null;
        float[] nngp32 = f64 ? null : new float[entries], ntk32 = !f64 && ntk ? new float[entries] : null;
        run(st, new TileRecursion.Outputs(ntk, nngp64, ntk64, nngp32, ntk32, null, null, false), options);
        int n1 = st.n1, n2 = st.n2;
        Matrix nngpM = f64 ? Matrix.wrapColumnMajor(n1, n2, nngp64) : Matrix.wrapColumnMajor(n1, n2, nngp32);
        Matrix ntkM = !ntk ? null : f64 ? Matrix.wrapColumnMajor(n1, n2, ntk64) : Matrix.wrapColumnMajor(n1, n2, ntk32);
        return new Kernels(nngpM, ntkM, st.cov1, st.cov2);
    }

    /** Everything before the outputs: shapes, checks, inputs in column-major order, per-layer variances. */
    private static final class Setup {
        long tStart;
        int n1, n2, d, threads, tile;
        boolean same, sym, ntk, f64;
        LayerPlan plan;
        Matrix x1, x2; // x2 = null: the Gram of x1 with itself is symmetric
        double[] q01, cov1, cov2;
        double[][] pre1, pre2;
    }

    private static Setup setup(
            Architecture architecture, Matrix x1, Matrix x2, KernelOptions options, boolean offHeap, boolean keepNngp) {
        Setup st = new Setup();
        st.tStart = System.nanoTime();
        KernelInputs.validate(x1, x2);
        st.same = x2 == null;
        st.n1 = x1.rows();
        st.n2 = st.same ? st.n1 : x2.rows();
        st.d = x1.cols();
        st.ntk = options.computeNtk();
        st.f64 = options.dtype() == DType.FLOAT64;
        st.threads = options.threads() == 0 ? Runtime.getRuntime().availableProcessors() : options.threads();
        st.tile = Math.max(
                1,
                Math.min(
                        Math.min(options.tileSize() == 0 ? DEFAULT_TILE : options.tileSize(), MAX_TILE),
                        Math.max(st.n1, st.n2)));
        st.plan = new LayerPlan(architecture, st.d);
        // Mirror the upper triangle when x2 = x1, unless a map is not symmetric in (q1, q2) in floating
        // point: the quadrature of Numerical is not (neural-tangents' K(x, x) is then not symmetric either).
        st.sym = st.same && st.plan.symmetricMaps;
        int stored = (keepNngp ? 1 : 0) + (st.ntk ? 1 : 0);
        checkMemory(
                st.n1,
                st.n2,
                st.d,
                st.sym,
                st.ntk,
                st.f64,
                st.threads,
                st.tile,
                st.plan.activations,
                offHeap ? stored : 0);
        st.x1 = x1;
        st.x2 = st.same ? (st.sym ? null : x1) : x2;
        st.q01 = x1.rowMeanSquares();
        double[] q02 = st.same ? st.q01 : x2.rowMeanSquares();
        st.pre1 = new double[st.plan.activations][];
        st.pre2 = st.same ? st.pre1 : new double[st.plan.activations][];
        st.cov1 = st.plan.variances(st.q01, st.pre1, null, "x1");
        st.cov2 = st.same ? null : st.plan.variances(q02, st.pre2, null, "x2");
        return st;
    }

    /**
     * The Gram panels and the fused recursion over all tiles, into {@code out}: where the Gram goes,
     * how many tiles there are (for progress), then either all of BLAS and then all tiles, or panel
     * by panel.
     */
    private static void run(Setup st, TileRecursion.Outputs out, KernelOptions options) {
        TileRecursion.Shared shared =
                new TileRecursion.Shared(st.plan, st.d, st.q01, st.pre1, st.pre2, st.sym, st.same, st.n1, out);
        Times times = new Times(System.nanoTime());
        int panelRows = GramPanels.panelRows(st.n1, st.n2);
        NativeMatrix inPlace = inPlaceGram(out, st.n1, st.n2);
        List<int[]> allTiles = inPlace == null ? null : tiles(0, st.n1, 0, st.n2, st.tile, st.sym);
        long totalTiles = inPlace != null ? allTiles.size() : panelTileCount(st, panelRows);
        KernelProgress progress = new KernelProgress(options.progress(), st.n1, st.n2, totalTiles);
        // the outputs are pinned while the workers write them: closing one meanwhile throws instead of freeing it
        try (NativeMatrix.Pin nngpPin = NativeMatrix.pinIfPresent(out.nngpNative());
                NativeMatrix.Pin ntkPin = NativeMatrix.pinIfPresent(out.ntkNative());
                GramPanels gram = new GramPanels(st.x1, st.x2, inPlace == null ? null : inPlace.pointer())) {
            times.gram = System.nanoTime();
            if (inPlace != null) gramThenTiles(st, shared, gram, panelRows, allTiles, progress, times);
            else panelByPanel(st, shared, gram, panelRows, progress, times);
        }
        logTimings(st, out, times, totalTiles);
    }

    /** When each phase of {@link #run} started, and the nanoseconds spent in BLAS and in the tiles. */
    private static final class Times {
        final long prepared;
        long gram, blasNs, tileNs;

        Times(long prepared) {
            this.prepared = prepared;
        }
    }

    /**
     * The native output the Gram panels go straight into, or null for a panel buffer. When one buffer
     * can view it, each tile's recursion then overwrites its own Gram entries (it reads them first, and
     * a mirrored store lands below the diagonal, where no Gram entry is): all of BLAS first, then all
     * tiles, without a panel buffer (fresh memory) and without OpenBLAS's threads waking for each panel.
     */
    private static NativeMatrix inPlaceGram(TileRecursion.Outputs out, int n1, int n2) {
        NativeMatrix target = out.nngpNative() != null ? out.nngpNative() : out.ntkNative();
        return target != null && GramPanels.fitsOneView(n1, n2) ? target : null;
    }

    /** The number of tiles over all panels of {@code panelRows} rows (upper part only when symmetric). */
    private static long panelTileCount(Setup st, int panelRows) {
        long total = 0;
        for (int r0 = 0; r0 < st.n1; r0 += panelRows)
            total += tiles(r0, Math.min(st.n1, r0 + panelRows), st.sym ? r0 : 0, st.n2, st.tile, st.sym)
                    .size();
        return total;
    }

    /** The whole Gram into the output by BLAS, panel by panel, then every tile in one parallel region. */
    private static void gramThenTiles(
            Setup st,
            TileRecursion.Shared shared,
            GramPanels gram,
            int panelRows,
            List<int[]> allTiles,
            KernelProgress progress,
            Times times) {
        for (int r0 = 0; r0 < st.n1; r0 += panelRows) {
            ParallelRegion.checkInterrupted(WHAT);
            gram.compute(r0, Math.min(st.n1, r0 + panelRows));
        }
        long t1 = System.nanoTime();
        runTiles(st.threads, allTiles, shared, st.tile, gram.whole(), 0, 0, st.n1, progress);
        times.blasNs = t1 - times.gram;
        times.tileNs = System.nanoTime() - t1;
    }

    /** Per panel of rows: its Gram block into the panel buffer by BLAS, then its tiles in a parallel region. */
    private static void panelByPanel(
            Setup st,
            TileRecursion.Shared shared,
            GramPanels gram,
            int panelRows,
            KernelProgress progress,
            Times times) {
        for (int r0 = 0; r0 < st.n1; r0 += panelRows) {
            ParallelRegion.checkInterrupted(WHAT);
            int r1 = Math.min(st.n1, r0 + panelRows), c0 = gram.firstColumn(r0);
            long t0 = System.nanoTime();
            DoubleBuffer panel = gram.compute(r0, r1);
            long t1 = System.nanoTime();
            List<int[]> tiles = tiles(r0, r1, c0, st.n2, st.tile, st.sym);
            runTiles(st.threads, tiles, shared, st.tile, panel, r0, c0, r1 - r0, progress);
            times.blasNs += t1 - t0;
            times.tileNs += System.nanoTime() - t1;
        }
    }

    /** One debug line with where the time went. */
    private static void logTimings(Setup st, TileRecursion.Outputs out, Times times, long totalTiles) {
        if (LOG.isDebugEnabled())
            LOG.debug(
                    "kernel {}x{} d={}{}: checks+variances+allocation {} s, BLAS set-up {} s, Gram (BLAS) {} s, "
                            + "fused recursion {} s ({} tiles, {} threads), total {} s",
                    st.n1,
                    st.n2,
                    st.d,
                    out.nngpNative() != null || out.ntkNative() != null ? " (off-heap)" : "",
                    (times.prepared - st.tStart) / 1e9,
                    (times.gram - times.prepared) / 1e9,
                    times.blasNs / 1e9,
                    times.tileNs / 1e9,
                    totalTiles,
                    st.threads,
                    (System.nanoTime() - st.tStart) / 1e9);
    }

    /** Names the computation in the exception of an interrupt. */
    private static final String WHAT = "the kernel computation";

    /** Tiles {row0, rows, col0, cols} of the panel rows [r0, r1) × columns [c0, n2); upper part only when symmetric. */
    private static List<int[]> tiles(int r0, int r1, int c0, int n2, int tile, boolean sym) {
        List<int[]> out = new ArrayList<>();
        for (int b = c0; b < n2; b += tile)
            for (int a = r0; a < r1; a += tile) {
                int rows = Math.min(tile, r1 - a), cols = Math.min(tile, n2 - b);
                if (sym && a > b + cols - 1) continue; // entirely below the diagonal
                out.add(new int[] {a, rows, b, cols});
            }
        return out;
    }

    /** One worker's state: its recursion buffers and its own view of the Gram panel (absolute gets only). */
    private record TileWorker(TileRecursion recursion, DoubleBuffer view) {}

    /** The tiles of one panel on {@code threads} workers of a {@link ParallelRegion} (all stopped when it returns). */
    private static void runTiles(
            int threads,
            List<int[]> tiles,
            TileRecursion.Shared shared,
            int tile,
            DoubleBuffer panel,
            int r0,
            int c0,
            int ld,
            KernelProgress progress) {
        ParallelRegion.forEach(
                WHAT,
                "ntk4j-kernel",
                threads,
                tiles.size(),
                () -> new TileWorker(new TileRecursion(shared, tile), panel.duplicate()),
                (w, t) -> {
                    int[] tl = tiles.get(t);
                    w.recursion().run(w.view(), r0, c0, ld, tl[0], tl[1], tl[2], tl[3]);
                    progress.unitDone();
                });
    }

    /**
     * Estimates the memory of the call and fails before allocating when it does not fit. Heap and
     * off-heap share the physical memory, so each is checked against it (MemoryGuard).
     *
     * @param offHeapOutputs number of n1×n2 float64 outputs stored off-heap (0: the outputs are heap arrays)
     */
    private static void checkMemory(
            int n1,
            int n2,
            int d,
            boolean sym,
            boolean ntk,
            boolean f64,
            int threads,
            int tile,
            int acts,
            int offHeapOutputs) {
        long entries = (long) n1 * n2;
        long heap = (offHeapOutputs > 0 ? 0 : entries * (f64 ? 8 : 4) * (ntk ? 2 : 1)) // outputs on the heap
                + 8L * d * (n1 + (sym ? 0 : n2)) // column-major copies of the inputs
                + 8L * (acts + 3) * (n1 + (sym ? 0 : n2)) // variances per layer
                + (long) threads * tile * tile * 8 * (ntk ? 2 : 1); // tile buffers
        long offHeap = GramPanels.offHeapBytes(n1, n2, d, sym) + 8L * entries * offHeapOutputs;
        String what = String.format(
                java.util.Locale.ROOT,
                "the %dx%d kernel (%s, %s",
                n1,
                n2,
                ntk ? "NNGP+NTK" : "NNGP",
                f64 ? "float64" : "float32");
        MemoryGuard.requireHeap(what + ")", heap);
        MemoryGuard.requireOffHeap(
                what + (offHeapOutputs > 0 ? ": off-heap outputs and Gram panel)" : ": off-heap Gram panel)"), offHeap);
    }
}
