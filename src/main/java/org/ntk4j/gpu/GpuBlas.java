package org.ntk4j.gpu;

import java.util.Locale;
import org.ntk4j.linalg.DType;

/**
 * Dispatch of ntk4j's GEMM kernels (native/gemm.cu): C = alpha·op(A)·op(B) + beta·C on device
 * matrices. float64 uses the fp64 tensor cores (DMMA, mma.sync m8n8k4) on compute capability
 * 8.0+, else the register-tiled SIMT kernel; {@code -Dntk4j.gpu.gemm=simt|dmma|simt128|...}
 * forces one. Tiles are 128×128 when the problem fills the GPU with them, else 64×64.
 */
public final class GpuBlas {
    private GpuBlas() { }

    /** The engine a float64 GEMM uses: "dmma" or "simt" (property ntk4j.gpu.gemm, default dmma). */
    static String engine64() {
        String p = System.getProperty("ntk4j.gpu.gemm", "dmma").toLowerCase(Locale.ROOT);
        return p.startsWith("simt") ? "simt" : "dmma";
    }

    private static String forcedTile() {
        String p = System.getProperty("ntk4j.gpu.gemm", "");
        return p.endsWith("128") ? "128" : p.endsWith("64") ? "64" : null;
    }

    /**
     * C(m×n) = alpha·op(A)·op(B) + beta·C with op(A) m×k, op(B) k×n. {@code lower}: skip tiles wholly
     * above the diagonal (symmetric updates whose upper triangle is never read).
     */
    public static void gemm(CudaDevice dev, boolean ta, boolean tb, int m, int n, int k, double alpha, DeviceMatrix a,
                            DeviceMatrix b, double beta, DeviceMatrix c, boolean lower) {
        if (m <= 0 || n <= 0) return;
        DType t = c.dtype();
        if (a.dtype() != t || b.dtype() != t) throw new IllegalArgumentException("gemm: mixed dtypes");
        if (c.rows() < m || c.cols() < n || (ta ? a.cols() : a.rows()) < m || (ta ? a.rows() : a.cols()) < k
            || (tb ? b.cols() : b.rows()) < k || (tb ? b.rows() : b.cols()) < n)
            throw new IllegalArgumentException(String.format(Locale.ROOT, "gemm: shapes do not fit m=%d n=%d k=%d", m, n, k));
        boolean f64 = t == DType.FLOAT64;
        String eng = f64 ? engine64() : "simt";
        String tile = forcedTile();
        if (tile == null) {
            // Measured on an H200 at 4096^3: float64 DMMA 64x64 23 TFLOP/s vs 128x128 17; float32
            // SIMT 128x128 25 vs 64x64 18 (benchmarks/gpu, DeviceCheck gemm).
            long big = (long) ((m + 127) / 128) * ((n + 127) / 128);
            tile = f64 && eng.equals("dmma") ? "64" : big >= 2L * dev.multiprocessors ? "128" : "64";
        }
        int bm = "128".equals(tile) ? 128 : 64;
        int threads = eng.equals("dmma") && bm == 64 ? 128 : 256;
        String fn = "ntk_gemm_" + (f64 ? "f64_" : "f32_") + eng + tile + "_" + (ta ? "t" : "n") + (tb ? "t" : "n");
        if (ta && tb) throw new IllegalArgumentException("gemm: op(A)=A^T with op(B)=B^T is not provided");
        Object al = f64 ? (Object) alpha : (Object) (float) alpha, be = f64 ? (Object) beta : (Object) (float) beta;
        dev.launch(fn, (m + bm - 1) / bm, (n + bm - 1) / bm, threads, 1, m, n, k, al, a.arg(), a.ld(), b.arg(), b.ld(), be, c.arg(),
            c.ld(), lower ? 1 : 0);
    }
}
