package org.ntk4j.gpu;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.ntk4j.linalg.DType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks, once per device, the float64 GEMM engine for large products, and checks it first.
 *
 * <p>The tc engines (native/gemm.cuh, gemm_tc) are new and, on this project's machines, cannot be
 * run before they ship. So before first use each candidate must reproduce the 64×64 DMMA engine
 * (validated on an H200) on small products in every operand layout, with and without 16-byte
 * copies (relative difference ≤ 1e-12); a candidate that differs is never used and a warning says
 * so. The survivors and dmma64 are then timed on a rank-512 lower (SYRK-like) update of a
 * 4096×4096 matrix, the Cholesky trailing update's shape, and the fastest wins (a few ms, once):
 * the candidates differ in MMA shape (m16n8k8 on sm_90, m8n8k4) and tile (128×128 with one block
 * per multiprocessor, 128×64 with two), trade-offs that only the card can settle.
 * {@code -Dntk4j.gpu.tune=false} skips the timing (first candidate that passes its check).
 */
final class GemmTuner {
    private static final Logger LOG = LoggerFactory.getLogger(GemmTuner.class);

    /** The engine and how it was chosen (measured TFLOP/s of each candidate; failed checks). */
    record Choice(String engine, String summary) {}

    private GemmTuner() {}

    /** The device's choice, made on first call. The caller holds the device monitor. */
    static Choice choice(CudaDevice dev) {
        Choice c = dev.gemmChoice;
        if (c == null) {
            c = choose(dev);
            dev.gemmChoice = c;
            LOG.info("float64 GEMM engine for large products on {}: {}", dev.name(), c.summary());
        }
        return c;
    }

    private static Choice choose(CudaDevice dev) {
        List<String> candidates = new ArrayList<>();
        if (dev.ccMajor >= 9) candidates.addAll(List.of("tc8", "tc8x64")); // m16n8k8 DMMA exists from sm_90 on
        candidates.addAll(List.of("tc4", "tc4x64"));
        StringBuilder notes = new StringBuilder();
        List<String> passed = new ArrayList<>();
        for (String e : candidates) {
            String bad = selfCheck(dev, e);
            if (bad == null) passed.add(e);
            else {
                LOG.warn("GEMM engine {} disagrees with dmma64 ({}); not used", e, bad);
                notes.append(e).append(" rejected: ").append(bad).append("; ");
            }
        }
        passed.add("dmma64");
        if (!Boolean.parseBoolean(System.getProperty("ntk4j.gpu.tune", "true")))
            return new Choice(passed.get(0), passed.get(0) + " (untimed; " + notes + "candidates " + passed + ")");
        String best = null;
        double bestMs = Double.MAX_VALUE;
        for (String e : passed) {
            double ms;
            try {
                ms = time(dev, e);
            } catch (org.ntk4j.error.InsufficientMemoryException oom) { // the device is nearly full: do not time
                return new Choice(
                        passed.get(0),
                        passed.get(0) + " (untimed, no memory to time; " + notes + "candidates " + passed + ")");
            }
            notes.append(String.format(Locale.ROOT, "%s %.1f TFLOP/s; ", e, FLOPS / ms / 1e9));
            if (ms < bestMs) {
                bestMs = ms;
                best = e;
            }
        }
        return new Choice(best, best + " (" + notes.toString().trim() + " on a rank-512 lower update of 4096x4096)");
    }

    private static final int TN = 4096, TK = 512;
    /** Flops of the timed update's lower triangle (engines differ in how much above it they compute). */
    private static final double FLOPS = 1.0 * TK * TN * (TN + 1);

    /** Median of 3 timed runs (after one warm-up) of C -= A·Aᵀ, lower tiles, in ms. */
    private static double time(CudaDevice dev, String eng) {
        try (DeviceBuffer a = dev.alloc((long) TN * TK * 8, "gemm tuning A");
                DeviceBuffer c = dev.alloc((long) TN * TN * 8, "gemm tuning C")) {
            dev.zero(a, (long) TN * TK * 8);
            dev.zero(c, (long) TN * TN * 8);
            DeviceMatrix am = DeviceMatrix.of(a, TN, TK, DType.FLOAT64), cm = DeviceMatrix.of(c, TN, TN, DType.FLOAT64);
            double[] ms = new double[4];
            for (int i = 0; i < ms.length; i++) {
                dev.sync();
                long t0 = System.nanoTime();
                GpuBlas.launch(dev, eng, false, true, TN, TN, TK, -1.0, am, am, 1.0, cm, true);
                dev.sync();
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            double[] s = {ms[1], ms[2], ms[3]};
            java.util.Arrays.sort(s);
            return s[1];
        }
    }

    /** Null if {@code eng} reproduces dmma64 on small products in every layout, else what differed. */
    static String selfCheck(CudaDevice dev, String eng) {
        final int m = 200, n = 136, k = 70;
        // Leading dimensions: even (16-byte copies) and odd (8-byte copies).
        for (int pad : new int[] {0, 1}) {
            int lda = 260 + pad, ldc = 202 + pad;
            Random r = new Random(17 + pad);
            double[] av = new double[lda * 260], bv = new double[lda * 260], cv = new double[ldc * n];
            for (int i = 0; i < av.length; i++) av[i] = r.nextGaussian();
            for (int i = 0; i < bv.length; i++) bv[i] = r.nextGaussian();
            for (int i = 0; i < cv.length; i++) cv[i] = r.nextGaussian();
            try (DeviceBuffer a = dev.alloc(av.length * 8L, "gemm check A");
                    DeviceBuffer b = dev.alloc(bv.length * 8L, "gemm check B");
                    DeviceBuffer c1 = dev.alloc(cv.length * 8L, "gemm check C1");
                    DeviceBuffer c2 = dev.alloc(cv.length * 8L, "gemm check C2")) {
                dev.transfers().upload(av, false, a, 0);
                dev.transfers().upload(bv, false, b, 0);
                DeviceMatrix am = new DeviceMatrix(a, 0, 260, 260, lda, DType.FLOAT64),
                        bm = new DeviceMatrix(b, 0, 260, 260, lda, DType.FLOAT64);
                DeviceMatrix cm1 = new DeviceMatrix(c1, 0, m, n, ldc, DType.FLOAT64),
                        cm2 = new DeviceMatrix(c2, 0, m, n, ldc, DType.FLOAT64);
                for (int mode = 0; mode < 3; mode++) {
                    boolean ta = mode == 2, tb = mode == 1;
                    for (boolean lower : new boolean[] {false, true}) {
                        dev.transfers().upload(cv, false, c1, 0);
                        dev.transfers().upload(cv, false, c2, 0);
                        double beta = lower ? 1.0 : 0.5;
                        GpuBlas.launch(dev, "dmma64", ta, tb, m, n, k, -0.75, am, bm, beta, cm1, lower);
                        GpuBlas.launch(dev, eng, ta, tb, m, n, k, -0.75, am, bm, beta, cm2, lower);
                        double[] want = dev.transfers().downloadAsDouble(c1, 0, cv.length, false);
                        double[] got = dev.transfers().downloadAsDouble(c2, 0, cv.length, false);
                        double err = 0, ref = 0;
                        for (int j = 0; j < n; j++)
                            for (int i = 0; i < m; i++) {
                                // lower: the engines' tile sizes differ, so compare only what both must compute
                                if (lower && j > i) continue;
                                double w = want[i + j * ldc], g = got[i + j * ldc];
                                err = Math.max(err, Double.isNaN(g) ? Double.POSITIVE_INFINITY : Math.abs(g - w));
                                ref = Math.max(ref, Math.abs(w));
                            }
                        if (!(err <= 1e-12 * ref))
                            return String.format(
                                    Locale.ROOT,
                                    "op %s%s%s, ld %s: max|diff| %.2e vs max|C| %.2e",
                                    ta ? "T" : "N",
                                    tb ? "T" : "N",
                                    lower ? " lower" : "",
                                    pad == 0 ? "even" : "odd",
                                    err,
                                    ref);
                    }
                }
            }
        }
        return null;
    }
}
