package org.ntk4j.kernel;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.openblas.global.openblas;
import org.ntk4j.linalg.Matrix;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * The input Gram matrix x·xᵀ (n×d inputs, column-major float64, OpenBLAS with all its threads) and,
 * in the same run, the DGEMM peak it is compared with:
 * <ul>
 *   <li>{@code gramPanels}: exactly what {@link KernelFunction} does for x2 = x1 with heap outputs
 *       ({@link GramPanels}: 32 MiB row panels, dsyrk on the diagonal blocks, dgemm right of them);</li>
 *   <li>{@code gramPanelsInPlace}: the same panels written into the n×n output, as for off-heap outputs
 *       (the CLI's float64 kernel and predict);</li>
 *   <li>{@code gramSyrk}: one cblas_dsyrk of the whole n×n upper triangle;</li>
 *   <li>{@code dgemm}: cblas_dgemm size³ (2·size³ flops), the machine's BLAS peak.</li>
 * </ul>
 * Useful Gram flops: n(n+1)·d (the upper triangle, 2d per entry). report.py turns times into GFLOP/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class GramBench {
    @Param({"4000"})
    public int n;

    @Param({"784"})
    public int d;

    private double[] xcm;
    private DoublePointer x, c, target;
    private GramPanels panels, inPlace;

    static double[] gaussian(int len, long seed) {
        Random r = new Random(seed);
        double[] a = new double[len];
        for (int i = 0; i < len; i++) a[i] = r.nextGaussian();
        return a;
    }

    @Setup
    public void setup() {
        xcm = gaussian(n * d, 1);
        x = new DoublePointer(xcm);
        c = new DoublePointer((long) n * n);
        target = new DoublePointer((long) n * n);
        Matrix xm = Matrix.wrapColumnMajor(n, d, xcm);
        panels = new GramPanels(xm, null);
        inPlace = new GramPanels(xm, null, target);
        gramSyrk(); // touch the output pages before timing
        gramPanels();
        gramPanelsInPlace();
    }

    @TearDown
    public void tearDown() {
        panels.close();
        inPlace.close();
        target.close();
        x.close();
        c.close();
    }

    @Benchmark
    public double gramSyrk() {
        openblas.cblas_dsyrk(
                openblas.CblasColMajor, openblas.CblasUpper, openblas.CblasNoTrans, n, d, 1.0, x, n, 0.0, c, n);
        return c.get(0);
    }

    @Benchmark
    public double gramPanels() {
        double s = 0;
        for (int r0 = 0; r0 < n; r0 += panels.panelRows)
            s += panels.compute(r0, Math.min(n, r0 + panels.panelRows)).get(0);
        return s;
    }

    /** The same panels computed into an n×n target, as KernelFunction does for off-heap outputs. */
    @Benchmark
    public double gramPanelsInPlace() {
        for (int r0 = 0; r0 < n; r0 += inPlace.panelRows) inPlace.compute(r0, Math.min(n, r0 + inPlace.panelRows));
        return target.get(0);
    }

    /** Square DGEMM operands, allocated only for the {@code dgemm} benchmark. */
    @State(Scope.Benchmark)
    public static class Square {
        @Param({"4000"})
        public int size;

        DoublePointer a, b, c;

        @Setup
        public void setup() {
            a = new DoublePointer(gaussian(size * size, 2));
            b = new DoublePointer(gaussian(size * size, 3));
            c = new DoublePointer(new double[size * size]);
        }

        @TearDown
        public void tearDown() {
            a.close();
            b.close();
            c.close();
        }
    }

    @Benchmark
    public double dgemm(Square s) {
        openblas.cblas_dgemm(
                openblas.CblasColMajor,
                openblas.CblasNoTrans,
                openblas.CblasNoTrans,
                s.size,
                s.size,
                s.size,
                1.0,
                s.a,
                s.size,
                s.b,
                s.size,
                0.0,
                s.c,
                s.size);
        return s.c.get(0);
    }
}
