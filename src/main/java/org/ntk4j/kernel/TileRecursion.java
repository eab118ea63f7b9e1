package org.ntk4j.kernel;

import java.nio.DoubleBuffer;
import org.ntk4j.arch.Activation;
import org.ntk4j.arch.activation.TileMap;
import org.ntk4j.error.NonFiniteResultException;
import org.ntk4j.linalg.NativeMatrix;

/**
 * The fused per-tile pass: loads a tile of the Gram panel (K⁰ = x·x'/d), runs every layer of the
 * recursion on it while it sits in cache (Dense affine update of K and Θ, then T and Ṫ of the
 * nonlinearity in one loop, see {@link TileMap}), and stores the final NNGP and NTK into the
 * outputs (mirrored when x2 = x1 and the maps are symmetric in (q1, q2)). One instance per worker thread (it owns the tile buffers).
 *
 * <p>Every entry gets exactly the same arithmetic whatever the tile shape, so tiled and untiled
 * results are bit-for-bit equal.
 */
final class TileRecursion {
    /** Inputs shared by all workers (read-only during the tile phase). */
    record Shared(
            LayerPlan plan,
            double d,
            double[] q0,
            double[][] pre1,
            double[][] pre2,
            boolean mirror,
            boolean sameInputs,
            int n1,
            Outputs out) {}

    /**
     * Where the final NNGP and NTK go: heap float64 or float32 arrays, or off-heap column-major
     * float64 matrices ({@code round32}: each entry rounded to float32 first, exactly as the float32
     * heap output holds it). Any of them may be null (not stored); {@code ntk} says whether Θ is
     * computed at all.
     */
    record Outputs(
            boolean ntk,
            double[] nngp64,
            double[] ntk64,
            float[] nngp32,
            float[] ntk32,
            NativeMatrix nngpNative,
            NativeMatrix ntkNative,
            boolean round32) {}

    private final Shared s;
    private final double[] k;
    private final double[] th;
    private final double[] mirror; // one mirrored tile row (native outputs)

    TileRecursion(Shared shared, int tileSize) {
        this.s = shared;
        k = new double[tileSize * tileSize];
        th = shared.out().ntk() ? new double[tileSize * tileSize] : null;
        mirror = shared.out().nngpNative() != null || shared.out().ntkNative() != null ? new double[tileSize] : null;
    }

    /**
     * Processes the tile of global rows [i0, i0+rows) and columns [j0, j0+cols) whose Gram entries
     * are in {@code panel} (panel row r = i − r0, column c = j − c0, leading dimension ld).
     */
    void run(DoubleBuffer panel, int r0, int c0, int ld, int i0, int rows, int j0, int cols) {
        load(panel, r0, c0, ld, i0, rows, j0, cols);
        boolean thetaZero = true;
        for (LayerPlan.Step step : s.plan().steps) {
            if (step instanceof LayerPlan.DenseStep d) {
                dense(d, rows * cols, thetaZero);
                thetaZero = false;
            } else {
                LayerPlan.ActStep a = (LayerPlan.ActStep) step;
                double[] q1 = s.pre1()[a.index()], q2 = s.pre2()[a.index()];
                activation(a.act(), rows, cols, q1, i0, q2, j0, thetaZero ? null : th);
            }
        }
        if (thetaZero && th != null) java.util.Arrays.fill(th, 0, rows * cols, 0.0); // no Dense layer: Θ = 0
        store(i0, rows, j0, cols);
    }

    private void load(DoubleBuffer panel, int r0, int c0, int ld, int i0, int rows, int j0, int cols) {
        final double d = s.d();
        for (int j = 0; j < cols; j++) panel.get((j0 + j - c0) * ld + (i0 - r0), k, j * rows, rows);
        for (int j = 0; j < cols; j++) {
            int gj = j0 + j;
            // K⁰ = (x·x')/d: product, then division, as neural-tangents computes it.
            for (int idx = j * rows, end = idx + rows; idx < end; idx++) k[idx] = k[idx] / d;
            if (s.mirror()) // only i ≤ j is valid in the panel: take the lower triangle from the mirror
            for (int gi = Math.max(i0, gj + 1); gi < i0 + rows; gi++)
                    k[gi - i0 + j * rows] = panel.get((gi - c0) * ld + (gj - r0)) / d;
            // K⁰(x, x) is exactly the variance |x|²/d (so that the correlation is exactly 1 there).
            if (s.sameInputs() && gj >= i0 && gj < i0 + rows) k[gj - i0 + j * rows] = s.q0()[gj];
        }
    }

    private void dense(LayerPlan.DenseStep d, int n, boolean thetaZero) {
        final double w2 = d.w2(), b2 = d.b2(), nIn = d.nIn(), bias = d.biasTerm();
        if (th == null) {
            for (int idx = 0; idx < n; idx++) k[idx] = w2 * k[idx] + b2;
        } else if (!d.standard()) {
            if (thetaZero)
                for (int idx = 0; idx < n; idx++) {
                    double nk = w2 * k[idx] + b2;
                    k[idx] = nk;
                    th[idx] = nk;
                }
            else
                for (int idx = 0; idx < n; idx++) {
                    double nk = w2 * k[idx] + b2;
                    k[idx] = nk;
                    th[idx] = nk + w2 * th[idx];
                }
        } else {
            if (thetaZero)
                for (int idx = 0; idx < n; idx++) {
                    double c = k[idx];
                    th[idx] = nIn * c + bias;
                    k[idx] = w2 * c + b2;
                }
            else
                for (int idx = 0; idx < n; idx++) {
                    double c = k[idx];
                    th[idx] = nIn * c + w2 * th[idx] + bias;
                    k[idx] = w2 * c + b2;
                }
        }
    }

    private void activation(
            Activation act, int rows, int cols, double[] q1, int off1, double[] q2, int off2, double[] theta) {
        if (act instanceof TileMap tm) {
            tm.mapTile(rows, cols, q1, off1, q2, off2, k, theta);
            return;
        }
        for (int j = 0; j < cols; j++) {
            double q2j = q2[off2 + j];
            for (int i = 0; i < rows; i++) {
                int idx = i + j * rows;
                double c = k[idx], q1i = q1[off1 + i];
                if (theta != null) theta[idx] *= act.ntkFactor(c, q1i, q2j);
                k[idx] = act.nngp(c, q1i, q2j);
            }
        }
    }

    private void store(int i0, int rows, int j0, int cols) {
        if (s.out().nngpNative() != null || s.out().ntkNative() != null) {
            storeNative(i0, rows, j0, cols);
            return;
        }
        // Heap outputs only from here: the off-heap path (CpuKernelEngine.computeOffHeap, reached only
        // through KernelFunction.computeOffHeap, which requires the NNGP or the NTK to be kept) always
        // has a native output and returned above, and round32 is set only with native outputs.
        final int n1 = s.n1();
        final boolean sym = s.mirror();
        final Outputs o = s.out();
        final double[] n64 = o.nngp64(), t64 = o.ntk64();
        final float[] n32 = o.nngp32(), t32 = o.ntk32();
        final boolean float32 = n32 != null || t32 != null;
        for (int j = 0; j < cols; j++) {
            int gj = j0 + j;
            for (int i = 0; i < rows; i++) {
                int gi = i0 + i;
                if (sym && gi > gj) continue;
                int idx = i + j * rows;
                double kv = k[idx], tv = th == null ? 0.0 : th[idx];
                check(gi, gj, kv, tv, float32);
                int a = (int) (gi + (long) gj * n1), b = (int) (gj + (long) gi * n1);
                if (n64 != null) {
                    n64[a] = kv;
                    if (sym) n64[b] = kv;
                }
                if (t64 != null) {
                    t64[a] = tv;
                    if (sym) t64[b] = tv;
                }
                if (n32 != null) {
                    n32[a] = (float) kv;
                    if (sym) n32[b] = (float) kv;
                }
                if (t32 != null) {
                    t32[a] = (float) tv;
                    if (sym) t32[b] = (float) tv;
                }
            }
        }
    }

    /**
     * The native outputs, in contiguous runs: each tile column's rows (i ≤ j when mirrored) land in
     * one output column, and the mirror of tile row i lands in output column i0 + i. Same values and
     * checks as the heap path (bulk copies instead of one indexed store per entry, ~4x faster).
     */
    private void storeNative(int i0, int rows, int j0, int cols) {
        final int n1 = s.n1();
        final boolean sym = s.mirror(), r32 = s.out().round32();
        final NativeMatrix nN = s.out().nngpNative(), tN = s.out().ntkNative();
        for (int j = 0; j < cols; j++) {
            int gj = j0 + j, end = sym ? Math.min(rows, gj - i0 + 1) : rows;
            for (int i = 0, idx = j * rows; i < end; i++, idx++) {
                double kv = k[idx], tv = th == null ? 0.0 : th[idx];
                check(i0 + i, gj, kv, tv, r32);
                if (r32) {
                    k[idx] = (float) kv;
                    if (th != null) th[idx] = (float) tv;
                }
            }
        }
        for (int j = 0; j < cols; j++) {
            int gj = j0 + j, end = sym ? Math.min(rows, gj - i0 + 1) : rows;
            if (end <= 0) continue;
            long at = i0 + (long) gj * n1;
            if (nN != null) nN.putRun(at, k, j * rows, end);
            if (tN != null) tN.putRun(at, th, j * rows, end);
        }
        if (!sym) return;
        for (int i = 0; i < rows; i++) {
            int gi = i0 + i, first = Math.max(0, gi - j0 + 1); // tile columns with gj > gi
            if (first >= cols) continue;
            long at = j0 + first + (long) gi * n1;
            int len = cols - first;
            if (nN != null) {
                for (int j = first; j < cols; j++) mirror[j - first] = k[i + j * rows];
                nN.putRun(at, mirror, 0, len);
            }
            if (tN != null) {
                for (int j = first; j < cols; j++) mirror[j - first] = th[i + j * rows];
                tN.putRun(at, mirror, 0, len);
            }
        }
    }

    /**
     * Every stored entry is finite, in the precision it is stored in: a float64 value above
     * Float.MAX_VALUE (~3.4e38) becomes ±Infinity when rounded to float32, so with a float32 output
     * the check is on the rounded value.
     */
    private static void check(int i, int j, double kv, double tv, boolean float32) {
        boolean ok = float32
                ? Float.isFinite((float) kv) && Float.isFinite((float) tv)
                : Double.isFinite(kv) && Double.isFinite(tv);
        if (ok) return;
        String where =
                "entry (row " + i + ", column " + j + ") (0-based) is not finite (nngp=" + kv + ", ntk=" + tv + ")";
        if (float32 && Double.isFinite(kv) && Double.isFinite(tv))
            throw new NonFiniteResultException(
                    "kernel (float32)",
                    where + " in float32, whose largest value is ~3.4e38; "
                            + "use float64 (DType.FLOAT64) or scale the inputs down");
        throw new NonFiniteResultException(
                "kernel",
                where + ": the recursion overflowed; use smaller W_std/b_std, fewer layers or smaller inputs");
    }
}
