package org.ntk4j.gpu;

import org.ntk4j.linalg.DType;

/**
 * Blocked Cholesky factorization and triangular solves on the device (lower factor, in place,
 * column-major), built from native/linalg.cu and the GEMM. Nothing here waits for the device: the
 * launches queue in stream order and the caller synchronizes once at the end.
 * <ul>
 *   <li>{@link #factor}: right-looking over panels of {@link #panelWidth} columns (512 for large n).
 *       The flops are in the trailing update, a rank-512 GEMM on the tiles on or below the diagonal
 *       only (SYRK-like: half of a full GEMM); wider panels halve how often the trailing matrix is
 *       read and written. A panel is factored by recursive halving: factor the left half, update
 *       the right half with one GEMM, factor the right half; leaves of 64 columns are one launch
 *       each ({@code ntk_potrf_leaf}: diagonal block and the rows below it).</li>
 *   <li>{@link #solveLower} (B ← L⁻¹B) and {@link #solveLowerTransposed} (B ← L⁻ᵀB): with at most
 *       {@link #FEW_RHS} right-hand sides (the GP weights) one sync-free launch per group of 4
 *       columns ({@code ntk_trsv_*}); with many (the variances' L⁻¹K_dt) blocked like the
 *       factorization: recursive halving inside panels, then one big GEMM for the rows below.</li>
 * </ul>
 * Only the lower triangle of A is read or meaningful; the upper triangle may hold anything.
 */
public final class GpuCholesky {
    /** Leaf width: the native kernels' block size (native/linalg.cu MAXB). */
    static final int LEAF = 64;
    /** Rows below the diagonal block solved per block of the leaf kernel (LEAF_ROWS). */
    static final int LEAF_ROWS = 256;
    /** Right-hand sides per sync-free solve launch (TRSV_NC), and the most solved that way. */
    static final int TRSV_NC = 4, FEW_RHS = 16;

    private GpuCholesky() {}

    /**
     * Largest n the GPU factorization is trusted for. Measured on an H200 (2026-11-26): correct at
     * n = 20000 and 30000 (mean 4e-13, variance 2e-14 relative to PyTorch float64), but the factor
     * fails at column 33857 for n = 36000 and 40000 with either GEMM engine, so the fault is in the
     * panel/leaf code and starts past column 33792 (= 66 panels of 512). Until it is found, larger
     * problems go to the CPU.
     */
    static final int MAX_N = 33792;

    /** Outer panel width: the rank of the trailing updates. */
    static int panelWidth(int n) {
        return n >= 8192 ? 512 : 256;
    }

    private static String sfx(DeviceMatrix m) {
        return m.dtype() == DType.FLOAT64 ? "_f64" : "_f32";
    }

    /** Split point of a block of width w > LEAF: about half, a multiple of LEAF. */
    private static int half(int w) {
        return ((w / 2 + LEAF - 1) / LEAF) * LEAF;
    }

    /**
     * Factors the n×n matrix A = L·Lᵀ in place (lower). {@code info} is a device int that must be 0
     * on entry; afterwards it holds 0, or the 1-based column of the first non-positive pivot.
     */
    public static void factor(CudaDevice dev, DeviceMatrix a, DeviceBuffer info) {
        int n = a.rows();
        if (a.cols() != n) throw new IllegalArgumentException("cholesky: matrix is " + a.rows() + "x" + a.cols());
        if (n > MAX_N)
            throw new GpuException(
                    "the GPU Cholesky is limited to n <= " + MAX_N + " in this version: on an H200 it failed "
                            + "at column 33857 for n = 36000 and 40000 (positive definite input that PyTorch factors), a bug not yet "
                            + "found; use the CPU (Device.AUTO falls back to it)",
                    0);
        int nb = panelWidth(n);
        for (int k = 0; k < n; k += nb) {
            int kb = Math.min(nb, n - k);
            panel(dev, a, k, kb, info);
            int r = k + kb, m = n - r;
            if (m > 0) // trailing update, lower tiles only
            GpuBlas.gemm(
                        dev,
                        false,
                        true,
                        m,
                        m,
                        kb,
                        -1.0,
                        a.sub(r, k, m, kb),
                        a.sub(r, k, m, kb),
                        1.0,
                        a.sub(r, r, m, m),
                        true);
        }
    }

    /** Factors columns [c0, c0+w) of A, rows c0..n-1, whose earlier columns are already applied. */
    private static void panel(CudaDevice dev, DeviceMatrix a, int c0, int w, DeviceBuffer info) {
        int n = a.rows();
        if (w <= LEAF) {
            int m = n - c0 - w;
            dev.launch(
                    "ntk_potrf_leaf" + sfx(a),
                    Math.max(1, (m + LEAF_ROWS - 1) / LEAF_ROWS),
                    1,
                    LEAF_ROWS,
                    1,
                    a.sub(c0, c0, w, w).arg(),
                    a.ld(),
                    w,
                    m,
                    info,
                    c0);
            return;
        }
        int h = half(w), rows = n - c0 - h;
        panel(dev, a, c0, h, info);
        // A[c0+h:n, c0+h:c0+w] -= A[c0+h:n, c0:c0+h] · A[c0+h:c0+w, c0:c0+h]^T (lower tiles)
        GpuBlas.gemm(
                dev,
                false,
                true,
                rows,
                w - h,
                h,
                -1.0,
                a.sub(c0 + h, c0, rows, h),
                a.sub(c0 + h, c0, w - h, h),
                1.0,
                a.sub(c0 + h, c0 + h, rows, w - h),
                true);
        panel(dev, a, c0 + h, w - h, info);
    }

    /** B ← L⁻¹·B for the n×n lower factor L and n×c right-hand sides B. */
    public static void solveLower(CudaDevice dev, DeviceMatrix l, DeviceMatrix b) {
        int n = l.rows(), nc = b.cols();
        if (b.rows() != n) throw new IllegalArgumentException("solve: B has " + b.rows() + " rows, L has " + n);
        if (n == 0 || nc == 0) return;
        if (nc <= FEW_RHS) {
            fewRhs(dev, "ntk_trsv_ln", l, b);
            return;
        }
        int nb = panelWidth(n);
        for (int k = 0; k < n; k += nb) {
            int kb = Math.min(nb, n - k);
            lowerBlock(dev, l, b, k, kb);
            int r = k + kb;
            if (r < n)
                GpuBlas.gemm(
                        dev,
                        false,
                        false,
                        n - r,
                        nc,
                        kb,
                        -1.0,
                        l.sub(r, k, n - r, kb),
                        b.sub(k, 0, kb, nc),
                        1.0,
                        b.sub(r, 0, n - r, nc),
                        false);
        }
    }

    /** Rows [c0, c0+w) of B ← L[c0:c0+w, c0:c0+w]⁻¹ · (those rows), by recursive halving. */
    private static void lowerBlock(CudaDevice dev, DeviceMatrix l, DeviceMatrix b, int c0, int w) {
        int nc = b.cols();
        if (w <= LEAF) {
            dev.launch(
                    "ntk_trsm_llnn" + sfx(l),
                    (nc + 63) / 64,
                    1,
                    64,
                    1,
                    l.sub(c0, c0, w, w).arg(),
                    l.ld(),
                    b.sub(c0, 0, w, nc).arg(),
                    b.ld(),
                    w,
                    nc);
            return;
        }
        int h = half(w);
        lowerBlock(dev, l, b, c0, h);
        GpuBlas.gemm(
                dev,
                false,
                false,
                w - h,
                nc,
                h,
                -1.0,
                l.sub(c0 + h, c0, w - h, h),
                b.sub(c0, 0, h, nc),
                1.0,
                b.sub(c0 + h, 0, w - h, nc),
                false);
        lowerBlock(dev, l, b, c0 + h, w - h);
    }

    /** B ← L⁻ᵀ·B for the n×n lower factor L and n×c right-hand sides B. */
    public static void solveLowerTransposed(CudaDevice dev, DeviceMatrix l, DeviceMatrix b) {
        int n = l.rows(), nc = b.cols();
        if (b.rows() != n) throw new IllegalArgumentException("solve: B has " + b.rows() + " rows, L has " + n);
        if (n == 0 || nc == 0) return;
        if (nc <= FEW_RHS) {
            fewRhs(dev, "ntk_trsv_lt", l, b);
            return;
        }
        int nb = panelWidth(n);
        for (int k = ((n - 1) / nb) * nb; k >= 0; k -= nb) {
            int kb = Math.min(nb, n - k);
            upperBlock(dev, l, b, k, kb);
            if (k > 0) // B[0:k] -= L[k:k+kb, 0:k]^T · B[k:k+kb]
            GpuBlas.gemm(
                        dev,
                        true,
                        false,
                        k,
                        nc,
                        kb,
                        -1.0,
                        l.sub(k, 0, kb, k),
                        b.sub(k, 0, kb, nc),
                        1.0,
                        b.sub(0, 0, k, nc),
                        false);
        }
    }

    /** Rows [c0, c0+w) of B ← L[c0:c0+w, c0:c0+w]⁻ᵀ · (those rows), by recursive halving. */
    private static void upperBlock(CudaDevice dev, DeviceMatrix l, DeviceMatrix b, int c0, int w) {
        int nc = b.cols();
        if (w <= LEAF) {
            dev.launch(
                    "ntk_trsm_lltn" + sfx(l),
                    (nc + 63) / 64,
                    1,
                    64,
                    1,
                    l.sub(c0, c0, w, w).arg(),
                    l.ld(),
                    b.sub(c0, 0, w, nc).arg(),
                    b.ld(),
                    w,
                    nc);
            return;
        }
        int h = half(w);
        upperBlock(dev, l, b, c0 + h, w - h);
        // B[c0:c0+h] -= L[c0+h:c0+w, c0:c0+h]^T · B[c0+h:c0+w]
        GpuBlas.gemm(
                dev,
                true,
                false,
                h,
                nc,
                w - h,
                -1.0,
                l.sub(c0 + h, c0, w - h, h),
                b.sub(c0 + h, 0, w - h, nc),
                1.0,
                b.sub(c0, 0, h, nc),
                false);
        upperBlock(dev, l, b, c0, h);
    }

    /**
     * The sync-free solves (native/linalg.cu ntk_trsv_*): one launch per group of {@link #TRSV_NC}
     * columns, each with a zeroed control array (ticket counter + one flag per 64-row block).
     */
    private static void fewRhs(CudaDevice dev, String fn, DeviceMatrix l, DeviceMatrix b) {
        int n = l.rows(), nc = b.cols(), blocks = (n + LEAF - 1) / LEAF;
        DeviceBuffer ctl = dev.scratch("triangular solve flags", 4L * (1 + blocks));
        for (int c0 = 0; c0 < nc; c0 += TRSV_NC) {
            int cc = Math.min(TRSV_NC, nc - c0);
            dev.zeroInts(ctl, 1 + blocks);
            dev.launch(
                    fn + sfx(l),
                    blocks,
                    1,
                    256,
                    1,
                    l.arg(),
                    l.ld(),
                    n,
                    b.sub(0, c0, n, cc).arg(),
                    b.ld(),
                    cc,
                    ctl);
        }
    }
}
