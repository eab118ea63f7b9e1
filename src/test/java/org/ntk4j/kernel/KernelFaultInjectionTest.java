package org.ntk4j.kernel;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.text.ArchParser;
import org.ntk4j.device.Device;
import org.ntk4j.error.ComputationInterruptedException;
import org.ntk4j.error.Ntk4jException;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.predict.Get;
import org.ntk4j.predict.Predict;
import org.ntk4j.predict.PredictOptions;
import org.ntk4j.predict.Regularization;

/**
 * Faults injected into kernel computations at random points, 200 times each: a progress listener
 * that throws at a random tile, and an interrupt of the calling thread at a random moment. Each
 * run goes through one of three paths in turn — the kernel into heap arrays, the kernel into
 * off-heap matrices, and a posterior (off-heap train and test kernels) — on three workers, and
 * must end with the right exception, no worker thread left alive, the interrupt status kept, and
 * no off-heap memory left allocated. (Before the workers were joined, the listener fault crashed
 * the JVM with a use-after-free in a still-running worker.)
 */
class KernelFaultInjectionTest {
    private static final int REPETITIONS = 200;
    private static final Architecture ARCH = ArchParser.parse(
            "Dense(64,W_std=1.5,b_std=0.05)->Relu->Dense(64,W_std=1.5,b_std=0.05)->Relu->Dense(64,W_std=1.5,b_std=0.05)->Relu->Dense(1,W_std=1.5,b_std=0.05)");
    private static final int N = 160, M = 80, D = 12, TILE = 16, THREADS = 3;
    private static final Matrix X = random(N, D, 1), XT = random(M, D, 2), Y = random(N, 1, 3);
    /** Tiles of K(x, x) (upper triangle of 10×10) and of K(xt, x) (5×10). */
    private static final int TRAIN_TILES = 55, TEST_TILES = 50;

    private enum Path {
        HEAP,
        OFF_HEAP,
        PREDICT
    }

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    @Test
    void aListenerThatThrowsAtARandomTileAbortsCleanly() {
        Random rnd = new Random(13);
        for (int rep = 0; rep < REPETITIONS; rep++) {
            Path path = Path.values()[rep % 3];
            long failAt = 1 + rnd.nextInt(path == Path.PREDICT ? TRAIN_TILES + TEST_TILES : TRAIN_TILES);
            RuntimeException boom = new RuntimeException("listener fault " + rep);
            AtomicLong calls = new AtomicLong();
            ProgressListener listener = (done, total) -> {
                if (calls.incrementAndGet() == failAt) throw boom;
            };
            long bytesBefore = Pointer.totalBytes();
            String where = path + " run " + rep + ", fault at tile " + failAt;
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> run(path, listener), where);
            assertSame(boom, e.getCause(), where);
            assertEquals(List.of(), liveWorkers(), where);
            assertFalse(Thread.currentThread().isInterrupted(), where);
            assertTrue(
                    Pointer.totalBytes() <= bytesBefore,
                    where + ": off-heap bytes " + bytesBefore + " -> " + Pointer.totalBytes());
        }
    }

    @Test
    void anInterruptAtARandomMomentStopsTheWorkersAndKeepsTheStatus() throws Exception {
        long[] nanos = new long[3];
        for (Path p : Path.values()) { // warm-up, then how long each path takes (the fastest of 5)
            nanos[p.ordinal()] = Long.MAX_VALUE;
            for (int i = 0; i < 8; i++) {
                long t0 = System.nanoTime();
                run(p, ProgressListener.NONE);
                if (i >= 3) nanos[p.ordinal()] = Math.min(nanos[p.ordinal()], System.nanoTime() - t0);
            }
        }
        Random rnd = new Random(17);
        Thread caller = Thread.currentThread();
        int interrupted = 0;
        for (int rep = 0; rep < REPETITIONS; rep++) {
            Path path = Path.values()[rep % 3];
            long delay = (long) (rnd.nextDouble() * 1.2 * nanos[path.ordinal()]);
            long bytesBefore = Pointer.totalBytes();
            Thread interrupter = Thread.ofPlatform().start(() -> {
                LockSupport.parkNanos(delay);
                caller.interrupt();
            });
            String where = path + " run " + rep + ", interrupt after " + delay / 1000 + " us";
            try {
                run(path, ProgressListener.NONE);
            } catch (ComputationInterruptedException e) {
                interrupted++;
                assertTrue(Thread.currentThread().isInterrupted(), where + ": interrupt status lost");
            }
            assertEquals(List.of(), liveWorkers(), where);
            while (interrupter.isAlive()) {
                try {
                    interrupter.join();
                } catch (InterruptedException late) { // it fired after the call returned
                }
            }
            Thread.interrupted();
            assertTrue(
                    Pointer.totalBytes() <= bytesBefore,
                    where + ": off-heap bytes " + bytesBefore + " -> " + Pointer.totalBytes());
        }
        // the delays span the whole run (and a little beyond): most interrupts land inside it
        assertTrue(interrupted > REPETITIONS / 2, interrupted + " of " + REPETITIONS + " runs were interrupted");
    }

    @Test
    void anInterruptBeforeTheCallIsReportedAtOnce() {
        Thread.currentThread().interrupt();
        assertThrows(ComputationInterruptedException.class, () -> run(Path.OFF_HEAP, ProgressListener.NONE));
        assertTrue(Thread.interrupted());
        assertEquals(List.of(), liveWorkers());
    }

    /**
     * A tile whose recursion overflows (exp(18.788·q) on unit-RMS rows, with one point repeated)
     * fails in a worker while the others still write: the error is typed, and no worker outlives it.
     */
    @Test
    void anOverflowingTileFailsCleanly() {
        KernelFunction kf = KernelFunction.of(ArchParser.parse("Dense(8)->Exp(a=1,b=18.788)->Dense(1)"));
        double[] x = new double[N * D];
        Random rnd = new Random(5);
        for (int i = 0; i < x.length; i++) x[i] = rnd.nextGaussian();
        for (int i = 0; i < N; i++) { // unit RMS rows
            double s = 0;
            for (int j = 0; j < D; j++) s += x[i * D + j] * x[i * D + j];
            for (int j = 0; j < D; j++) x[i * D + j] /= Math.sqrt(s / D);
        }
        System.arraycopy(x, 0, x, (N - 1) * D, D); // the last point repeats the first
        Matrix m = Matrix.fromRowMajor(N, D, x);
        for (int rep = 0; rep < 20; rep++) {
            assertThrows(
                    Ntk4jException.class,
                    () -> kf.computeOffHeap(m, null, options(ProgressListener.NONE), true)
                            .close());
            assertEquals(List.of(), liveWorkers());
        }
    }

    private static void run(Path path, ProgressListener listener) throws Exception {
        KernelFunction kf = KernelFunction.of(ARCH);
        KernelOptions o = options(listener);
        Callable<?> c = switch (path) {
            case HEAP -> () -> kf.compute(X, null, o);
            case OFF_HEAP ->
                () -> {
                    kf.computeOffHeap(X, null, o, true).close();
                    return null;
                };
            case PREDICT ->
                () -> Predict.gpInference(
                        ARCH,
                        X,
                        Y,
                        XT,
                        Get.NTK,
                        PredictOptions.defaults()
                                .withRegularization(Regularization.relative(1e-4))
                                .withKernelOptions(o));
        };
        c.call();
    }

    private static KernelOptions options(ProgressListener listener) {
        return KernelOptions.defaults()
                .withDevice(Device.CPU)
                .withThreads(THREADS)
                .withTileSize(TILE)
                .withProgress(listener);
    }

    /** Live threads of ntk4j's parallel regions. */
    static List<String> liveWorkers() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(n -> n.startsWith("ntk4j-") && !n.equals("ntk4j-progress"))
                .toList();
    }

    private static Matrix random(int rows, int cols, long seed) {
        Random r = new Random(seed);
        double[] v = new double[rows * cols];
        for (int i = 0; i < v.length; i++) v[i] = r.nextGaussian();
        return Matrix.wrapColumnMajor(rows, cols, v);
    }
}
