package org.ntk4j.linalg;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.bytedeco.openblas.global.openblas;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The dense solver's BLAS/LAPACK steps on off-heap column-major float64 (OpenBLAS, all threads):
 * <ul>
 *   <li>{@code potrf}: LAPACKE_dpotrf alone (n³/3 flops);</li>
 *   <li>{@code choleskyFactor}: {@link Cholesky#factor} as GpInference calls it (dlansy + dpotrf +
 *       dpocon condition estimate, no jitter needed here);</li>
 *   <li>{@code trsm}: {@link Blas#solveLowerLeft}, L⁻¹·B with B n×rhs (n²·rhs flops), the variance step.</li>
 * </ul>
 * The input is restored before each call (untimed: {@code Level.Invocation}, each call takes ms).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class CholeskyBench {
    /** A well-conditioned SPD matrix (random symmetric, diagonally dominant) and a work copy of it. */
    @State(Scope.Benchmark)
    public static class Spd {
        @Param({"1000", "2000", "4000"})
        public int n;

        NativeMatrix pristine, work;

        @Setup(Level.Trial)
        public void build() {
            pristine = NativeMatrix.copyOf(spd(n, 7), "bench SPD");
            work = pristine.copy("bench work");
        }

        @Setup(Level.Invocation)
        public void restore() {
            work.copyFrom(pristine);
        }

        @TearDown(Level.Trial)
        public void free() {
            pristine.close();
            work.close();
        }
    }

    /** A Cholesky factor L (n×n) and right-hand sides B (n×rhs), restored before each solve. */
    @State(Scope.Benchmark)
    public static class Tri {
        @Param({"1000", "2000", "4000"})
        public int n;

        @Param({"1000"})
        public int rhs;

        NativeMatrix lower, b, work;

        @Setup(Level.Trial)
        public void build() {
            lower = NativeMatrix.copyOf(spd(n, 7), "bench L");
            int info = openblas.LAPACKE_dpotrf(openblas.LAPACK_COL_MAJOR, (byte) 'L', n, lower.pointer(), n);
            if (info != 0) throw new IllegalStateException("dpotrf info " + info);
            Random r = new Random(8);
            double[] v = new double[n * rhs];
            for (int i = 0; i < v.length; i++) v[i] = r.nextGaussian();
            b = NativeMatrix.copyOf(Matrix.wrapColumnMajor(n, rhs, v), "bench B");
            work = b.copy("bench B work");
        }

        @Setup(Level.Invocation)
        public void restore() {
            work.copyFrom(b);
        }

        @TearDown(Level.Trial)
        public void free() {
            lower.close();
            b.close();
            work.close();
        }
    }

    static Matrix spd(int n, long seed) {
        Random r = new Random(seed);
        double[] a = new double[n * n];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < j; i++) {
                double v = 2 * r.nextDouble() - 1;
                a[i + j * n] = v;
                a[j + i * n] = v;
            }
            a[j + j * n] = n;
        }
        return Matrix.wrapColumnMajor(n, n, a);
    }

    @Benchmark
    public int potrf(Spd s) {
        int info = openblas.LAPACKE_dpotrf(openblas.LAPACK_COL_MAJOR, (byte) 'L', s.n, s.work.pointer(), s.n);
        if (info != 0) throw new IllegalStateException("dpotrf info " + info);
        return info;
    }

    @Benchmark
    public double choleskyFactor(Spd s) {
        // The Cholesky takes ownership of s.work; it is not closed here because the state reuses it.
        return Cholesky.factor(s.work, JitterPolicy.defaults(), "bench SPD").rcond();
    }

    @Benchmark
    public double trsm(Tri t) {
        Blas.solveLowerLeft(t.lower, false, t.work);
        return t.work.get(0, 0);
    }
}
