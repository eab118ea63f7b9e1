package org.ntk4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.ntk4j.arch.Architecture;
import org.ntk4j.device.Device;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.KernelOptions;
import org.ntk4j.kernel.NativeKernels;
import org.ntk4j.linalg.Matrix;

/**
 * Warms the CPU kernel path on a second core while the main thread reads the inputs. why: in a fresh
 * JVM the first large kernel pays one-off costs that have nothing to do with its size — JavaCPP
 * loading OpenBLAS (~0.2 s), OpenBLAS starting its threads, and the JIT compiling the recursion's
 * loops while the first tiles run in slower tiers (a 4000² ReLU kernel: 1.8 s cold, 0.4 s warm on the
 * 2-core reference VM). Running a few small kernels of the same architecture (same code path:
 * off-heap outputs, one thread) overlaps those costs with reading the .npy input.
 *
 * <p>Only started where it can pay: more than one core and an input file of at least
 * {@link #MIN_INPUT_BYTES}. The warm-up's results are discarded; a failure in it is ignored (the
 * real computation reports its own errors).
 */
final class Warmup {
    /** Inputs below this size make kernels so quick that waiting for a warm-up would cost more. */
    static final long MIN_INPUT_BYTES = 4L << 20;
    private static final int ROWS = 384, DIM = 8, MAX_ROUNDS = 50;

    /** No warm-up. */
    static final Warmup NONE = new Warmup(true);

    private final Thread thread;
    private final java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(1);
    private volatile Architecture arch;
    private volatile boolean stop;

    private Warmup() {
        thread = new Thread(this::run, "ntk4j-warmup");
        thread.setDaemon(true);
    }

    private Warmup(boolean none) { thread = null; }

    /**
     * Starts loading OpenBLAS (and starting its threads) on a second core, at once: call it first thing
     * in a command that will compute kernels. A no-op on one core or with {@code -Dntk4j.warmup=false}.
     */
    static Warmup start() {
        if (Runtime.getRuntime().availableProcessors() < 2 || !Boolean.parseBoolean(System.getProperty("ntk4j.warmup", "true")))
            return NONE;
        Warmup w = new Warmup();
        w.thread.start();
        return w;
    }

    /**
     * Adds the JIT part for {@code arch} when the input file is large enough for it to pay: small
     * kernels of the same architecture, round after round until {@link #finish()}.
     */
    void warmKernels(Architecture arch, Path input) {
        if (this == NONE) return;
        long bytes;
        try {
            bytes = Files.size(input);
        } catch (Exception e) {
            bytes = 0; // the real read reports the problem
        }
        if (bytes >= MIN_INPUT_BYTES) this.arch = arch;
        ready.countDown();
    }

    private void run() {
        try {
            // OpenBLAS through the same entry point as the kernels: JavaCPP's loader, then a first
            // call that starts OpenBLAS's threads and buffers.
            double[] x = new double[ROWS * DIM];
            for (int i = 0; i < x.length; i++) x[i] = Math.sin(0.37 * i + 0.11 * (i % 7));
            try (org.bytedeco.javacpp.DoublePointer a = new org.bytedeco.javacpp.DoublePointer(x);
                 org.bytedeco.javacpp.DoublePointer c = new org.bytedeco.javacpp.DoublePointer((long) ROWS * ROWS)) {
                org.bytedeco.openblas.global.openblas.cblas_dsyrk(org.bytedeco.openblas.global.openblas.CblasColMajor,
                    org.bytedeco.openblas.global.openblas.CblasUpper, org.bytedeco.openblas.global.openblas.CblasNoTrans,
                    ROWS, DIM, 1.0, a, ROWS, 0.0, c, ROWS);
            }
            ready.await();
            Architecture a = arch;
            if (a == null) return;
            Matrix m = Matrix.wrapColumnMajor(ROWS, DIM, x);
            KernelFunction kf = KernelFunction.of(a);
            KernelOptions o = KernelOptions.defaults().withDevice(Device.CPU).withThreads(1);
            for (int r = 0; r < MAX_ROUNDS && !stop; r++)
                try (NativeKernels k = kf.computeOffHeap(m, null, o, true)) { k.cov1(); }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            org.slf4j.LoggerFactory.getLogger(Warmup.class).debug("warm-up skipped: {}", e.toString());
        }
    }

    /**
     * Called when the real computation starts: waits for OpenBLAS to be loaded (the real call would
     * wait for the same lock) and stops further warm-up rounds; a round in progress finishes on its own.
     */
    void finish() {
        if (this == NONE) return;
        stop = true;
        ready.countDown();
    }

    /** Waits until the warm-up thread has ended (tests). */
    void join() throws InterruptedException {
        if (thread != null) thread.join();
    }
}
