package org.ntk4j.parallel;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.ntk4j.arch.text.ArchParser;
import org.ntk4j.device.Device;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.KernelOptions;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.kernel.NativeKernels;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.predict.CovarianceMode;
import org.ntk4j.predict.Get;
import org.ntk4j.predict.Posterior;
import org.ntk4j.predict.Predict;
import org.ntk4j.predict.PredictOptions;
import org.ntk4j.predict.Regularization;

/**
 * Four threads compute different kernels and posteriors through the Java API at the same time,
 * each with its own parallel workers, 20 times: every result equals, bit for bit, the one the same
 * call gives alone. (Shared state between concurrent calls — a pool, a buffer, a progress counter —
 * would show as a difference or a failure here.)
 */
@Tag("slow")
class ConcurrentComputationsTest {
    private static final int REPETITIONS = 20;

    @Test
    void concurrentCallsEqualSequentialOnesBitForBit() throws Exception {
        Matrix x = random(300, 20, 1), xt = random(120, 20, 2), y = random(300, 2, 3);
        KernelOptions cpu = KernelOptions.defaults().withDevice(Device.CPU).withThreads(2);
        String relu =
                "Dense(256,W_std=1.5,b_std=0.05)->Relu->Dense(256,W_std=1.5,b_std=0.05)->Relu->Dense(1,W_std=1.5,b_std=0.05)";
        List<Supplier<double[]>> tasks = List.of(
                () -> flatten(KernelFunction.of(ArchParser.parse(relu)).compute(x, null, cpu.withTileSize(32))),
                () -> {
                    try (NativeKernels k = KernelFunction.of(
                                    ArchParser.parse("Dense(64,W_std=1.2,b_std=0.1)->Erf->Dense(1)"))
                            .computeOffHeap(xt, x, cpu.withThreads(3), true)) {
                        return concat(k.nngp().toColumnMajorArray(), k.ntk().toColumnMajorArray());
                    }
                },
                () -> flatten(Predict.gpInference(
                        ArchParser.parse(relu),
                        x,
                        y,
                        xt,
                        Get.NTK,
                        PredictOptions.defaults()
                                .withRegularization(Regularization.relative(1e-4))
                                .withKernelOptions(cpu))),
                () -> flatten(Predict.gpInference(
                        ArchParser.parse("Dense(128)->Gelu->Dense(1)"),
                        x,
                        y,
                        xt,
                        Get.NNGP,
                        PredictOptions.defaults()
                                .withRegularization(Regularization.relative(1e-3))
                                .withCovariance(CovarianceMode.FULL)
                                .withKernelOptions(cpu.withTileSize(48)))));
        List<double[]> expected = new ArrayList<>();
        for (Supplier<double[]> t : tasks) expected.add(t.get());

        for (int rep = 0; rep < REPETITIONS; rep++) {
            CyclicBarrier start = new CyclicBarrier(tasks.size());
            List<AtomicReference<Object>> results = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (Supplier<double[]> t : tasks) {
                AtomicReference<Object> r = new AtomicReference<>();
                results.add(r);
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                        r.set(t.get());
                    } catch (Throwable e) {
                        r.set(e);
                    }
                }));
            }
            for (Thread t : threads) t.join();
            for (int i = 0; i < tasks.size(); i++) {
                Object r = results.get(i).get();
                if (r instanceof Throwable e) throw new AssertionError("task " + i + " failed in repetition " + rep, e);
                assertArrayEquals(expected.get(i), (double[]) r, "task " + i + ", repetition " + rep);
            }
        }
        assertEquals(List.of(), ParallelRegionTest.liveWorkers());
    }

    private static double[] flatten(Kernels k) {
        return concat(
                k.nngp().toColumnMajor(),
                k.ntk() == null ? new double[0] : k.ntk().toColumnMajor(),
                k.cov1());
    }

    private static double[] flatten(Posterior p) {
        return concat(
                p.mean().toColumnMajor(),
                p.variances() == null ? new double[0] : p.variances(),
                p.covariance() == null ? new double[0] : p.covariance().toColumnMajor());
    }

    private static double[] concat(double[]... parts) {
        int n = 0;
        for (double[] p : parts) n += p.length;
        double[] out = new double[n];
        int at = 0;
        for (double[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private static Matrix random(int rows, int cols, long seed) {
        Random r = new Random(seed);
        double[] v = new double[rows * cols];
        for (int i = 0; i < v.length; i++) v[i] = r.nextGaussian();
        return Matrix.wrapColumnMajor(rows, cols, v);
    }
}
