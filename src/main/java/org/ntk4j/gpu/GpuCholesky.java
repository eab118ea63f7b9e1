package org.ntk4j.gpu;

import org.ntk4j.linalg.DType;

/**
 * Blocked Cholesky factorization and triangular solves on the device (lower factor, in place,
 * column-major), built from native/linalg.cu and the GEMM:
 * <ul>
 *   <li>{@link #factor}: right-looking over panels of {@value #NB} columns; inside a panel,
 *       left-looking over blocks of {@value #NBI}: GEMM update of the block column, unblocked
 *       factorization of its diagonal block in shared memory, triangular solve of the rows below;
 *       then one rank-{@value #NB} GEMM (lower tiles only) updates the trailing matrix.</li>
 *   <li>{@link #solveLower} (B ← L⁻¹B) and {@link #solveLowerTransposed} (B ← L⁻ᵀB) for many
 *       right-hand sides, blocked the same way.</li>
 * </ul>
 * Only the lower triangle of A is read or meaningful; the upper triangle may hold anything.
 */
public final class GpuCholesky {
    /** Outer panel width (rank of the big trailing updates). */
    static final int NB = 256;
    /** Inner block (the kernels' maximum, native/linalg.cu MAXB). */
    static final int NBI = 64;

    private GpuCholesky() { }

    private static String sfx(DeviceMatrix m) { return m.dtype() == DType.FLOAT64 ? "_f64" : "_f32"; }

    /**
     * Factors the n×n matrix A = L·Lᵀ in place (lower). {@code info} is a device int that must be 0
     * on entry; afterwards it holds 0, or the 1-based column of the first non-positive pivot.
     */
    public static void factor(CudaDevice dev, DeviceMatrix a, DeviceBuffer info) {
        int n = a.rows();
        if (a.cols() != n) throw new IllegalArgumentException("cholesky: matrix is " + a.rows() + "x" + a.cols());
        String s = sfx(a);
        for (int k = 0; k < n; k += NB) {
            int kb = Math.min(NB, n - k);
            for (int j = 0; j < kb; j += NBI) {
                int c0 = k + j, jb = Math.min(NBI, kb - j);
                if (j > 0)  // A[c0:n, c0:c0+jb] -= A[c0:n, k:c0] · A[c0:c0+jb, k:c0]^T
                    GpuBlas.gemm(dev, false, true, n - c0, jb, j, -1.0, a.sub(c0, k, n - c0, j), a.sub(c0, k, jb, j), 1.0,
                        a.sub(c0, c0, n - c0, jb), false);
                dev.launch("ntk_potrf_diag" + s, 1, 1, 256, 1, a.sub(c0, c0, jb, jb).arg(), a.ld(), jb, info, c0);
                int m = n - c0 - jb;
                if (m > 0)
                    dev.launch("ntk_trsm_rlt" + s, (m + 127) / 128, 1, 128, 1, a.sub(c0 + jb, c0, m, jb).arg(), a.ld(), m,
                        a.sub(c0, c0, jb, jb).arg(), a.ld(), jb);
            }
            int r = k + kb, m = n - r;
            if (m > 0)  // trailing update, lower tiles only
                GpuBlas.gemm(dev, false, true, m, m, kb, -1.0, a.sub(r, k, m, kb), a.sub(r, k, m, kb), 1.0, a.sub(r, r, m, m), true);
        }
    }

    /** B ← L⁻¹·B for the n×n lower factor L and n×c right-hand sides B. */
    public static void solveLower(CudaDevice dev, DeviceMatrix l, DeviceMatrix b) {
        int n = l.rows(), nc = b.cols();
        if (b.rows() != n) throw new IllegalArgumentException("solve: B has " + b.rows() + " rows, L has " + n);
        String s = sfx(l);
        for (int k = 0; k < n; k += NB) {
            int kb = Math.min(NB, n - k);
            for (int j = 0; j < kb; j += NBI) {
                int c0 = k + j, jb = Math.min(NBI, kb - j);
                dev.launch("ntk_trsm_llnn" + s, (nc + 127) / 128, 1, 128, 1, l.sub(c0, c0, jb, jb).arg(), l.ld(),
                    b.sub(c0, 0, jb, nc).arg(), b.ld(), jb, nc);
                int rest = kb - j - jb;
                if (rest > 0)
                    GpuBlas.gemm(dev, false, false, rest, nc, jb, -1.0, l.sub(c0 + jb, c0, rest, jb), b.sub(c0, 0, jb, nc), 1.0,
                        b.sub(c0 + jb, 0, rest, nc), false);
            }
            int r = k + kb;
            if (r < n)
                GpuBlas.gemm(dev, false, false, n - r, nc, kb, -1.0, l.sub(r, k, n - r, kb), b.sub(k, 0, kb, nc), 1.0,
                    b.sub(r, 0, n - r, nc), false);
        }
    }

    /** B ← L⁻ᵀ·B for the n×n lower factor L and n×c right-hand sides B. */
    public static void solveLowerTransposed(CudaDevice dev, DeviceMatrix l, DeviceMatrix b) {
        int n = l.rows(), nc = b.cols();
        if (b.rows() != n) throw new IllegalArgumentException("solve: B has " + b.rows() + " rows, L has " + n);
        if (n == 0) return;
        String s = sfx(l);
        for (int k = ((n - 1) / NB) * NB; k >= 0; k -= NB) {
            int kb = Math.min(NB, n - k);
            for (int j = ((kb - 1) / NBI) * NBI; j >= 0; j -= NBI) {
                int c0 = k + j, jb = Math.min(NBI, kb - j);
                dev.launch("ntk_trsm_lltn" + s, (nc + 127) / 128, 1, 128, 1, l.sub(c0, c0, jb, jb).arg(), l.ld(),
                    b.sub(c0, 0, jb, nc).arg(), b.ld(), jb, nc);
                if (j > 0)  // B[k:c0] -= L[c0:c0+jb, k:c0]^T · B[c0:c0+jb]
                    GpuBlas.gemm(dev, true, false, j, nc, jb, -1.0, l.sub(c0, k, jb, j), b.sub(c0, 0, jb, nc), 1.0,
                        b.sub(k, 0, j, nc), false);
            }
            if (k > 0)
                GpuBlas.gemm(dev, true, false, k, nc, kb, -1.0, l.sub(k, 0, kb, k), b.sub(k, 0, kb, nc), 1.0, b.sub(0, 0, k, nc), false);
        }
    }
}
