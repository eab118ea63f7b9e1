package org.ntk4j.gpu;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Random;
import org.ntk4j.arch.Activation;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.Dense;
import org.ntk4j.arch.Parameterization;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.KernelOptions;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.Matrix;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GPU results equal the CPU path's; runs only where a GPU is usable (skipped on CI). */
class GpuVsCpuTest {
    @BeforeAll static void needGpu() { assumeTrue(GpuRuntime.usable(), "no usable GPU: " + GpuRuntime.probe().reason()); }

    static Matrix randn(Random r, int n, int d) {
        double[][] a = new double[n][d];
        for (double[] row : a) for (int j = 0; j < d; j++) row[j] = r.nextGaussian();
        return Matrix.of(a);
    }

    static double relErr(Matrix a, Matrix b) { return org.ntk4j.testing.Compare.relErr(a, b); }

    @Test void kernelsMatchTheCpuForEveryActivation() {
        Random r = new Random(11);
        Matrix x1 = randn(r, 70, 13), x2 = randn(r, 45, 13);
        for (Activation act : GpuProgramTest.ACTS)
            for (Parameterization p : Parameterization.values()) {
                Architecture a = new Architecture(List.of(Dense.of(64, 1.4, 0.1), act, Dense.of(32, 1.1, 0.05), act, Dense.of(1, 1.2, 0.2)), p);
                for (Matrix y : new Matrix[] {x2, null}) {
                    Kernels cpu = KernelFunction.of(a).compute(x1, y);
                    Kernels gpu = GpuKernelEngine.compute(a, x1, y, KernelOptions.defaults());
                    String what = a.describe() + " " + p + (y == null ? " x2=null" : "");
                    assertTrue(relErr(gpu.nngp(), cpu.nngp()) <= 1e-9, what + " nngp " + relErr(gpu.nngp(), cpu.nngp()));
                    assertTrue(relErr(gpu.ntk(), cpu.ntk()) <= 1e-9, what + " ntk " + relErr(gpu.ntk(), cpu.ntk()));
                    assertArrayEquals(cpu.cov1(), gpu.cov1(), 1e-12 * Math.abs(cpu.cov1()[0]) + 1e-300, what + " cov1");
                    Kernels g32 = GpuKernelEngine.compute(a, x1, y, KernelOptions.defaults().withDtype(DType.FLOAT32));
                    assertTrue(relErr(g32.nngp(), cpu.nngp()) <= 1e-4, what + " float32 nngp " + relErr(g32.nngp(), cpu.nngp()));
                }
            }
    }

    @Test void choleskyAndPosteriorMatchTheHostMath() {
        Random r = new Random(5);
        int n = 600, m = 40;
        Matrix x = randn(r, n, 9), xt = randn(r, m, 9);
        Architecture a = Architecture.of(Dense.of(64, 1.5, 0.05), new org.ntk4j.arch.activation.Relu(), Dense.of(1, 1.5, 0.05));
        Kernels kdd = KernelFunction.of(a).compute(x, null), ktd = KernelFunction.of(a).compute(xt, x), ktt = KernelFunction.of(a).compute(xt, null);
        double[] kd = kdd.nngp().toColumnMajor();
        double lambda = 1e-3 * trace(kd, n) / n;
        for (int i = 0; i < n; i++) kd[i + i * n] += lambda;
        Matrix kr = Matrix.wrapColumnMajor(n, n, kd);
        Matrix l = GpuLinalg.cholesky(kr);
        double err = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int p = 0; p <= j; p++) s += l.get(i, p) * l.get(j, p);
                err = Math.max(err, Math.abs(s - kr.get(i, j)));
            }
        assertTrue(err <= 1e-12 * kr.get(0, 0), "L L^T = A: " + err);
        double[] y = new double[n];
        for (int i = 0; i < n; i++) y[i] = Math.sin(x.get(i, 0));
        double[] diag = new double[m];
        for (int i = 0; i < m; i++) diag[i] = ktt.nngp().get(i, i);
        GpuPrediction host = GpuLinalg.solve(kdd.nngp(), Matrix.column(y), ktd.nngp(), diag, 1e-3, false);
        try (GpuGpModel model = GpuGpInference.fit(a, x, Matrix.column(y), GpuGpInference.Mode.NNGP, 1e-3, false, DType.FLOAT64)) {
            GpuPrediction dev = model.predict(xt, true);
            assertTrue(relErr(dev.mean(), host.mean()) <= 1e-9, "mean " + relErr(dev.mean(), host.mean()));
            assertTrue(relErr(Matrix.column(dev.variance()), Matrix.column(host.variance())) <= 1e-9, "variance");
        }
    }

    private static double trace(double[] a, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) s += a[i + i * n];
        return s;
    }
}
