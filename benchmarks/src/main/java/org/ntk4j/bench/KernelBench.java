package org.ntk4j.bench;

import java.util.Random;
import org.ntk4j.arch.text.ArchParser;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.KernelOptions;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.linalg.Matrix;

/**
 * Kernel benchmark in one JVM (benchmarks/kernel_bench.sh measures the CLI end to end instead):
 *   benchmarks/bench.sh org.ntk4j.bench.KernelBench [n] [d] [depth] [reps] [activation,...]
 * Prints the best wall time of NNGP+NTK for [Dense(512,1.5,0.1) -> act] * depth -> Dense(1,1.5,0.1),
 * x2 = null, float64, and the per-layer recursion cost in ns per matrix entry (from depth 1 vs depth
 * `depth`, so the Gram matrix cancels; entries = n² as numpy computes them, and n(n+1)/2 computed).
 */
public final class KernelBench {
    private KernelBench() {}

    static double best(KernelFunction f, Matrix x, int reps, KernelOptions o) {
        double best = Double.MAX_VALUE;
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            Kernels k = f.compute(x, null, o);
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
            if (!Double.isFinite(k.ntk().get(0, 1))) throw new AssertionError();
        }
        return best;
    }

    static String arch(String act, int depth) {
        StringBuilder s = new StringBuilder();
        for (int l = 0; l < depth; l++)
            s.append("Dense(512,W_std=1.5,b_std=0.1)->").append(act).append("->");
        return s.append("Dense(1,W_std=1.5,b_std=0.1)").toString();
    }

    /** Best CPU time of the calling thread (tiles run inline with threads = 1), in seconds. */
    static double bestCpu(KernelFunction f, Matrix x, int reps) {
        var mx = java.lang.management.ManagementFactory.getThreadMXBean();
        KernelOptions o = KernelOptions.defaults().withThreads(1);
        double best = Double.MAX_VALUE;
        for (int r = 0; r < reps; r++) {
            long t0 = mx.getCurrentThreadCpuTime();
            f.compute(x, null, o);
            best = Math.min(best, (mx.getCurrentThreadCpuTime() - t0) / 1e9);
        }
        return best;
    }

    public static void main(String[] a) {
        int n = a.length > 0 ? Integer.parseInt(a[0]) : 4000, d = a.length > 1 ? Integer.parseInt(a[1]) : 784;
        int depth = a.length > 2 ? Integer.parseInt(a[2]) : 3, reps = a.length > 3 ? Integer.parseInt(a[3]) : 3;
        String[] acts = a.length > 4 ? a[4].split(",") : new String[] {"Relu", "Erf"};
        Random r = new Random(0);
        double[] x = new double[n * d];
        for (int i = 0; i < x.length; i++) x[i] = r.nextGaussian();
        Matrix m = Matrix.wrapColumnMajor(n, d, x);
        KernelOptions o = KernelOptions.defaults();
        for (String act : acts) {
            KernelFunction f1 = KernelFunction.of(ArchParser.parse(arch(act, 1)));
            KernelFunction fd = KernelFunction.of(ArchParser.parse(arch(act, depth)));
            best(f1, m, 1, o); // warm-up (JIT, OpenBLAS threads)
            double t1 = best(f1, m, reps, o), td = best(fd, m, reps, o);
            // Per layer, single thread, CPU time (robust on a shared machine): n = 1000, d = 16 (cheap Gram).
            Matrix small = Matrix.wrapColumnMajor(1000, 16, java.util.Arrays.copyOf(x, 16000));
            KernelFunction g1 = KernelFunction.of(ArchParser.parse(arch(act, 1))),
                    g5 = KernelFunction.of(ArchParser.parse(arch(act, 5)));
            bestCpu(g5, small, 2);
            double c1 = bestCpu(g1, small, 5), c5 = bestCpu(g5, small, 5);
            double perEntry = (c5 - c1) / 4 / (1000 * 1001 / 2.0) * 1e9;
            System.out.printf(
                    "%s n=%d d=%d depth=%d NNGP+NTK float64: %.3f s wall (depth 1: %.3f s); "
                            + "per layer (Dense + %s + NTK update, 1 thread, CPU time): %.2f ns per computed entry%n",
                    act, n, d, depth, td, t1, act, perEntry);
        }
    }
}
