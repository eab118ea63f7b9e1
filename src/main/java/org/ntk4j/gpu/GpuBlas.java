package org.ntk4j.gpu;

import java.util.Locale;
import org.ntk4j.linalg.DType;

/**
 * Dispatch of ntk4j's GEMM kernels (native/gemm.cu): C = alpha·op(A)·op(B) + beta·C on device
 * matrices.
 * <ul>
 *   <li>float64 on compute capability 8.0+: large products (enough 128×128 tiles to fill the GPU)
 *       use the engine {@link GemmTuner} picked for this device ("tc8": 128×128 tiles, 4-stage
 *       pipeline, m16n8k8 DMMA on sm_90; "tc4": the same with m8n8k4; "tc8x64"/"tc4x64": 128×64
 *       tiles, two blocks per multiprocessor; or "dmma64" if none passed its self-check); smaller
 *       ones use "dmma64" (64×64 tiles, more blocks).</li>
 *   <li>float32 (and float64 below 8.0): the register-tiled SIMT kernel, 128×128 tiles when they
 *       fill the GPU, else 64×64.</li>
 * </ul>
 * {@code -Dntk4j.gpu.gemm=tc8|tc4|tc8x64|tc4x64|dmma64|dmma128|simt64|simt128} (or {@code simt}/{@code dmma})
 * forces an engine for float64.
 */
public final class GpuBlas {
    /** Tile rows of the tc engines (native/gemm.cuh, ntk::tc); tile columns are 128, or 64 for "x64". */
    static final int TC_TILE = 128;

    private GpuBlas() {}

    /** The forced float64 engine ({@code ntk4j.gpu.gemm}), or null. */
    static String forced64() {
        String p = System.getProperty("ntk4j.gpu.gemm");
        return p == null || p.isBlank() ? null : p.trim().toLowerCase(Locale.ROOT);
    }

    /**
     * C(m×n) = alpha·op(A)·op(B) + beta·C with op(A) m×k, op(B) k×n. {@code lower}: skip tiles wholly
     * above the diagonal (symmetric updates whose upper triangle is never read).
     */
    public static void gemm(
            CudaDevice dev,
            boolean ta,
            boolean tb,
            int m,
            int n,
            int k,
            double alpha,
            DeviceMatrix a,
            DeviceMatrix b,
            double beta,
            DeviceMatrix c,
            boolean lower) {
        if (m <= 0 || n <= 0) return;
        DType t = c.dtype();
        if (a.dtype() != t || b.dtype() != t) throw new IllegalArgumentException("gemm: mixed dtypes");
        if (c.rows() < m
                || c.cols() < n
                || (ta ? a.cols() : a.rows()) < m
                || (ta ? a.rows() : a.cols()) < k
                || (tb ? b.cols() : b.rows()) < k
                || (tb ? b.rows() : b.cols()) < n)
            throw new IllegalArgumentException(
                    String.format(Locale.ROOT, "gemm: shapes do not fit m=%d n=%d k=%d", m, n, k));
        if (ta && tb) throw new IllegalArgumentException("gemm: op(A)=A^T with op(B)=B^T is not provided");
        boolean f64 = t == DType.FLOAT64;
        String eng;
        if (f64 && dev.ccMajor >= 8) {
            String f = forced64();
            if (f == null || f.equals("dmma"))
                eng = isLarge(dev, m, n, lower) ? GemmTuner.choice(dev).engine() : "dmma64";
            else if (f.equals("simt")) eng = isLarge(dev, m, n, lower) ? "simt128" : "simt64";
            else eng = f;
        } else {
            eng = isLarge(dev, m, n, lower) ? "simt128" : "simt64";
        }
        launch(dev, eng, ta, tb, m, n, k, alpha, a, b, beta, c, lower);
    }

    /**
     * {@link #gemm} on a named engine (tc8, tc4, tc8x64, tc4x64, dmma64, dmma128, simt64, simt128), without
     * dispatch or checks of the engine's results: for benchmarks.
     */
    public static void gemmWith(
            CudaDevice dev,
            String engine,
            boolean ta,
            boolean tb,
            int m,
            int n,
            int k,
            double alpha,
            DeviceMatrix a,
            DeviceMatrix b,
            double beta,
            DeviceMatrix c,
            boolean lower) {
        if (m <= 0 || n <= 0) return;
        launch(dev, engine, ta, tb, m, n, k, alpha, a, b, beta, c, lower);
    }

    /** How this device's float64 engine for large products was chosen (choosing it now if needed). */
    public static String f64Choice(CudaDevice dev) {
        synchronized (dev) {
            dev.bind();
            return GemmTuner.choice(dev).summary();
        }
    }

    /** Runs one named engine (no dispatch; the tuner and benchmarks use this). */
    static void launch(
            CudaDevice dev,
            String eng,
            boolean ta,
            boolean tb,
            int m,
            int n,
            int k,
            double alpha,
            DeviceMatrix a,
            DeviceMatrix b,
            double beta,
            DeviceMatrix c,
            boolean lower) {
        boolean f64 = c.dtype() == DType.FLOAT64;
        String tt = (ta ? "t" : "n") + (tb ? "t" : "n");
        Object al = f64 ? (Object) alpha : (Object) (float) alpha, be = f64 ? (Object) beta : (Object) (float) beta;
        int low = lower ? 1 : 0;
        switch (eng) {
            case "tc8", "tc4", "tc8x64", "tc4x64" -> {
                if (!f64) throw new IllegalArgumentException("gemm engine " + eng + " is float64 only");
                // ntk::tc::threads/stages/smem_bytes: 128x128 tiles: 256 threads, 4 stages; 128x64: 128, 3.
                int bn = eng.endsWith("x64") ? 64 : 128,
                        threads = 2 * bn,
                        smem = (bn == 128 ? 4 : 3) * (TC_TILE + bn) * 16 * 8;
                long blocks = (long) ((m + TC_TILE - 1) / TC_TILE) * ((n + bn - 1) / bn);
                if (blocks > Integer.MAX_VALUE)
                    throw new IllegalArgumentException("gemm: " + m + "x" + n + " is too large");
                // 16-byte copies need 16-byte aligned operands and even leading dimensions.
                boolean vec = aligned16(a) && aligned16(b) && aligned16(c);
                dev.launchDyn(
                        "ntk_gemm_f64_" + eng + "_" + tt + (vec ? "_v" : "_s"),
                        (int) blocks,
                        1,
                        threads,
                        1,
                        smem,
                        m,
                        n,
                        k,
                        al,
                        a.arg(),
                        a.ld(),
                        b.arg(),
                        b.ld(),
                        be,
                        c.arg(),
                        c.ld(),
                        low);
            }
            case "dmma64", "dmma128", "simt64", "simt128" -> {
                if (eng.startsWith("dmma") && !f64)
                    throw new IllegalArgumentException("gemm engine " + eng + " is float64 only");
                int bm = eng.endsWith("128") ? 128 : 64;
                int threads = eng.equals("dmma64") ? 128 : 256;
                String fn = "ntk_gemm_" + (f64 ? "f64_" : "f32_") + eng + "_" + tt;
                dev.launch(
                        fn,
                        (m + bm - 1) / bm,
                        (n + bm - 1) / bm,
                        threads,
                        1,
                        m,
                        n,
                        k,
                        al,
                        a.arg(),
                        a.ld(),
                        b.arg(),
                        b.ld(),
                        be,
                        c.arg(),
                        c.ld(),
                        low);
            }
            default ->
                throw new IllegalArgumentException("unknown gemm engine '" + eng
                        + "' (ntk4j.gpu.gemm): use tc8, tc4, tc8x64, tc4x64, dmma64, dmma128, simt64 or simt128");
        }
    }

    private static boolean aligned16(DeviceMatrix x) {
        return x.address(0, 0) % 16 == 0 && x.ld() % 2 == 0;
    }

    /**
     * Whether a product has enough 128×128 tiles (only those on or below the diagonal when
     * {@code lower}) to give every multiprocessor work; smaller ones run faster on 64×64 tiles.
     */
    static boolean isLarge(CudaDevice dev, int m, int n, boolean lower) {
        if (m < TC_TILE || n < TC_TILE) return false;
        long tm = (m + TC_TILE - 1) / TC_TILE, tn = (n + TC_TILE - 1) / TC_TILE, tiles = 0;
        if (!lower) tiles = tm * tn;
        else for (long r = 0; r < tm; r++) tiles += Math.min(r + 1, tn);
        return tiles >= dev.multiprocessors;
    }
}
