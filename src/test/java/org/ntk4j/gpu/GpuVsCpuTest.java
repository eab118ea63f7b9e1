package org.ntk4j.gpu;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntk4j.arch.Activation;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.Dense;
import org.ntk4j.arch.Parameterization;
import org.ntk4j.cli.Main;
import org.ntk4j.device.Device;
import org.ntk4j.error.IllPosedProblemException;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.io.Npy;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.KernelKind;
import org.ntk4j.kernel.KernelOptions;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.kernel.NativeKernels;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.linalg.NativeMatrix;
import org.ntk4j.operator.DenseKernelOperator;
import org.ntk4j.predict.CovarianceMode;
import org.ntk4j.predict.Get;
import org.ntk4j.predict.Posterior;
import org.ntk4j.predict.PredictOptions;
import org.ntk4j.predict.Regularization;
import org.ntk4j.solve.ScalablePredict;
import org.ntk4j.solve.Solved;
import org.ntk4j.solve.SolverKind;
import org.ntk4j.solve.SolverOptions;

/**
 * GPU results equal the CPU path's: kernels, the train kernel as an operator, the posterior solved on
 * the GPU through {@link ScalablePredict} (and {@code predict --device gpu}), with the CPU's errors.
 * Runs only where a GPU is usable (skipped on CI).
 */
class GpuVsCpuTest {
    @BeforeAll
    static void needGpu() {
        assumeTrue(GpuRuntime.usable(), "no usable GPU: " + GpuRuntime.probe().reason());
    }

    static Matrix randn(Random r, int n, int d) {
        double[][] a = new double[n][d];
        for (double[] row : a) for (int j = 0; j < d; j++) row[j] = r.nextGaussian();
        return Matrix.of(a);
    }

    static double relErr(Matrix a, Matrix b) {
        return org.ntk4j.testing.Compare.relErr(a, b);
    }

    @Test
    void kernelsMatchTheCpuForEveryActivation() {
        Random r = new Random(11);
        Matrix x1 = randn(r, 70, 13), x2 = randn(r, 45, 13);
        for (Activation act : GpuProgramTest.ACTS)
            for (Parameterization p : Parameterization.values()) {
                Architecture a = new Architecture(
                        List.of(Dense.of(64, 1.4, 0.1), act, Dense.of(32, 1.1, 0.05), act, Dense.of(1, 1.2, 0.2)), p);
                for (Matrix y : new Matrix[] {x2, null}) {
                    Kernels cpu = KernelFunction.of(a).compute(x1, y);
                    Kernels gpu = GpuKernelEngine.compute(a, x1, y, KernelOptions.defaults());
                    String what = a.describe() + " " + p + (y == null ? " x2=null" : "");
                    assertTrue(
                            relErr(gpu.nngp(), cpu.nngp()) <= 1e-9, what + " nngp " + relErr(gpu.nngp(), cpu.nngp()));
                    assertTrue(relErr(gpu.ntk(), cpu.ntk()) <= 1e-9, what + " ntk " + relErr(gpu.ntk(), cpu.ntk()));
                    assertArrayEquals(cpu.cov1(), gpu.cov1(), 1e-12 * Math.abs(cpu.cov1()[0]) + 1e-300, what + " cov1");
                    Kernels g32 = GpuKernelEngine.compute(
                            a, x1, y, KernelOptions.defaults().withDtype(DType.FLOAT32));
                    assertTrue(
                            relErr(g32.nngp(), cpu.nngp()) <= 1e-4,
                            what + " float32 nngp " + relErr(g32.nngp(), cpu.nngp()));
                }
            }
    }

    @Test
    void choleskyAndPosteriorFromHostKernelsMatchTheCpu() {
        Random r = new Random(5);
        int n = 600, m = 40;
        Matrix x = randn(r, n, 9), xt = randn(r, m, 9);
        Architecture a =
                Architecture.of(Dense.of(64, 1.5, 0.05), new org.ntk4j.arch.activation.Relu(), Dense.of(1, 1.5, 0.05));
        Kernels kdd = KernelFunction.of(a).compute(x, null),
                ktd = KernelFunction.of(a).compute(xt, x);
        Kernels ktt = KernelFunction.of(a).compute(xt, null);
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
        Regularization reg = Regularization.relative(1e-3);
        Posterior host = GpuLinalg.solve(Get.NNGP, kdd.nngp(), Matrix.column(y), ktd.nngp(), diag, reg);
        Posterior cpu = solve(a, x, Matrix.column(y), xt, Get.NNGP, CovarianceMode.DIAGONAL, reg, Device.CPU)
                .posterior();
        assertTrue(relErr(host.mean(), cpu.mean()) <= 1e-9, "mean " + relErr(host.mean(), cpu.mean()));
        assertTrue(relErr(Matrix.column(host.variances()), Matrix.column(cpu.variances())) <= 1e-9, "variances");
        assertEquals(
                cpu.diagnostics().lambda(),
                host.diagnostics().lambda(),
                1e-12 * cpu.diagnostics().lambda());
    }

    /** An Erf -> ReLU network with two outputs of different scales, as PredictCommandTest's. */
    static final Architecture ERF_RELU = Architecture.of(
            Dense.of(512, 1.5, 0.05),
            new org.ntk4j.arch.activation.Erf(),
            Dense.of(512, 1.5, 0.05),
            new org.ntk4j.arch.activation.Relu(),
            Dense.of(2, 1.5, 0.05));

    static Matrix targets(Matrix x) {
        double[][] y = new double[x.rows()][2];
        for (int i = 0; i < y.length; i++) {
            y[i][0] = Math.sin(x.get(i, 0));
            y[i][1] = 1e3 * Math.cos(x.get(i, 1));
        }
        return Matrix.of(y);
    }

    /**
     * The posterior on {@code device}. Unregularized requests turn jitter off, so that they are the
     * GPU's to solve (with jitter allowed, diagReg = 0 is left to the CPU's Cholesky).
     */
    static Solved solve(
            Architecture a,
            Matrix x,
            Matrix y,
            Matrix xt,
            Get get,
            CovarianceMode mode,
            Regularization reg,
            Device device) {
        PredictOptions o = PredictOptions.defaults()
                .withRegularization(reg)
                .withCovariance(mode)
                .withKernelOptions(KernelOptions.defaults().withDevice(device));
        if (reg.isZero()) o = o.withJitter(org.ntk4j.linalg.JitterPolicy.none());
        return ScalablePredict.gpInference(a, x, y, xt, get, o, SolverOptions.defaults());
    }

    @Test
    void posteriorsSolvedOnTheGpuMatchTheCpu() {
        Random r = new Random(7);
        Matrix x = randn(r, 300, 6), xt = randn(r, 70, 6), y = targets(x);
        Object[][] cases = {
            {Get.NNGP, CovarianceMode.DIAGONAL},
            {Get.NTKGP, CovarianceMode.DIAGONAL},
            {Get.NTK, CovarianceMode.NONE},
            {Get.NNGP, CovarianceMode.NONE}
        };
        for (Regularization reg : new Regularization[] {Regularization.relative(1e-3), Regularization.absolute(0.1)})
            for (Object[] c : cases) {
                Get get = (Get) c[0];
                CovarianceMode mode = (CovarianceMode) c[1];
                String what = get + " " + mode + " " + reg;
                Solved gpu = solve(ERF_RELU, x, y, xt, get, mode, reg, Device.GPU);
                Solved cpu = solve(ERF_RELU, x, y, xt, get, mode, reg, Device.CPU);
                assertEquals(Device.GPU, gpu.report().device(), what);
                assertEquals(SolverKind.EXACT, gpu.report().solver(), what);
                assertTrue(
                        gpu.report().reason().startsWith("gpu: exact Cholesky on the device (auto"),
                        gpu.report().reason());
                assertEquals(Device.CPU, cpu.report().device(), what);
                assertSamePosterior(gpu.posterior(), cpu.posterior(), 1e-9, what);
                double lg = gpu.posterior().diagnostics().lambda(),
                        lc = cpu.posterior().diagnostics().lambda();
                assertEquals(lc, lg, 1e-12 * lc, what + " lambda");
                assertTrue(gpu.posterior().diagnostics().timings().factorNanos() > 0, what + " timings");
            }
    }

    static void assertSamePosterior(Posterior a, Posterior b, double tol, String what) {
        assertEquals(b.get(), a.get(), what);
        assertTrue(relErr(a.mean(), b.mean()) <= tol, what + " mean " + relErr(a.mean(), b.mean()));
        assertEquals(b.covarianceMode(), a.covarianceMode(), what);
        if (b.variances() != null) {
            double e = relErr(Matrix.column(a.variances()), Matrix.column(b.variances()));
            assertTrue(e <= tol, what + " variances " + e);
        }
    }

    @Test
    void aRequestTheGpuPosteriorDoesNotTakeIsSolvedOnTheCpu() {
        Random r = new Random(8);
        Matrix x = randn(r, 120, 5), xt = randn(r, 30, 5), y = targets(x);
        Regularization reg = Regularization.relative(1e-3);
        Solved gpu = solve(ERF_RELU, x, y, xt, Get.NTK, CovarianceMode.DIAGONAL, reg, Device.GPU);
        Solved cpu = solve(ERF_RELU, x, y, xt, Get.NTK, CovarianceMode.DIAGONAL, reg, Device.CPU);
        assertEquals(Device.CPU, gpu.report().device(), "the NTK ensemble's variances are solved on the CPU");
        assertSamePosterior(gpu.posterior(), cpu.posterior(), 1e-9, "ntk diag (kernels on the GPU)");
    }

    @Test
    void theCpusErrorsForDuplicatesAndAnOverflowingLambda() {
        Random r = new Random(9);
        Matrix x = randn(r, 40, 4), xt = randn(r, 5, 4);
        double[][] dup = new double[40][];
        for (int i = 0; i < 40; i++) dup[i] = x.row(i == 17 ? 3 : i);
        Matrix xd = Matrix.of(dup), y = targets(x);
        for (Get get : new Get[] {Get.NNGP, Get.NTKGP}) {
            String gpu = assertThrows(
                            IllPosedProblemException.class,
                            () -> solve(
                                    ERF_RELU, xd, y, xt, get, CovarianceMode.DIAGONAL, Regularization.NONE, Device.GPU))
                    .getMessage();
            String cpu = assertThrows(
                            IllPosedProblemException.class,
                            () -> solve(
                                    ERF_RELU, xd, y, xt, get, CovarianceMode.DIAGONAL, Regularization.NONE, Device.CPU))
                    .getMessage();
            assertEquals(cpu, gpu, get + ": the same message");
        }
        // inputs of scale 10: the mean diagonal is far above 1, so the largest diagReg overflows lambda
        Matrix big = x.scalb(4);
        Regularization huge = Regularization.relative(Double.MAX_VALUE);
        for (Device device : new Device[] {Device.GPU, Device.CPU}) {
            InvalidInputException e = assertThrows(
                    InvalidInputException.class,
                    () -> solve(ERF_RELU, big, y, xt.scalb(4), Get.NNGP, CovarianceMode.DIAGONAL, huge, device),
                    device.toString());
            assertEquals("diagReg", e.argument(), device + ": " + e.getMessage());
        }
    }

    @Test
    void theTrainKernelOperatorMatchesTheCpusDenseOne() {
        Random r = new Random(10);
        int n = 150;
        Matrix x = randn(r, n, 7), xt = randn(r, 20, 7);
        KernelOptions cpuOptions = KernelOptions.defaults().withDevice(Device.CPU);
        for (KernelKind kind : KernelKind.values()) {
            boolean ntk = kind == KernelKind.NTK;
            try (GpuTrainKernel gpu = GpuTrainKernel.compute(ERF_RELU, x, kind);
                    DenseKernelOperator cpu = DenseKernelOperator.compute(ERF_RELU, x, cpuOptions, ntk, true);
                    NativeMatrix v = NativeMatrix.copyOf(randn(r, n, 3), "V")) {
                assertEquals(n, gpu.size());
                assertTrue(gpu.has(kind) && !gpu.has(ntk ? KernelKind.NNGP : KernelKind.NTK), kind + " held alone");
                assertTrue(
                        relErr(Matrix.column(gpu.diagonal(kind)), Matrix.column(cpu.diagonal(kind))) <= 1e-9,
                        kind + " diagonal");
                int[] idx = {0, 17, n - 1};
                try (NativeMatrix gc = gpu.columns(kind, idx);
                        NativeMatrix cc = cpu.columns(kind, idx);
                        NativeMatrix gt = gpu.times(kind, v);
                        NativeMatrix ct = cpu.times(kind, v)) {
                    assertTrue(
                            relErr(gc.toMatrix(), cc.toMatrix()) <= 1e-9,
                            kind + " columns (the upper triangle mirrored)");
                    assertTrue(relErr(gt.toMatrix(), ct.toMatrix()) <= 1e-9, kind + " times");
                }
                Kernels gb = gpu.block(10, 40, idx), cb = cpu.block(10, 40, idx);
                assertTrue(relErr(ntk ? gb.ntk() : gb.nngp(), ntk ? cb.ntk() : cb.nngp()) <= 1e-9, kind + " block");
                try (NativeKernels ga = gpu.against(xt);
                        NativeKernels ca = cpu.against(xt)) {
                    NativeMatrix g = ntk ? ga.ntk() : ga.nngp(), c = ntk ? ca.ntk() : ca.nngp();
                    assertTrue(relErr(g.toMatrix(), c.toMatrix()) <= 1e-9, kind + " against");
                }
                assertTrue(
                        relErr(Matrix.column(gpu.priorVariances(xt, kind)), Matrix.column(cpu.priorVariances(xt, kind)))
                                <= 1e-9,
                        kind + " prior variances");
            }
        }
    }

    @Test
    void predictOnTheGpuWritesWhatTheCpuWrites(@TempDir Path dir) {
        Random r = new Random(12);
        Matrix x = randn(r, 200, 6), xt = randn(r, 50, 6);
        Npy.write(dir.resolve("x.npy"), x);
        Npy.write(dir.resolve("y.npy"), targets(x));
        Npy.write(dir.resolve("xt.npy"), xt);
        String arch =
                "Dense(512,W_std=1.5,b_std=0.05)->Erf->Dense(512,W_std=1.5,b_std=0.05)->Relu->Dense(2,W_std=1.5,b_std=0.05)";
        for (String get : new String[] {"nngp", "ntkgp"}) {
            Map<String, Path> out = new LinkedHashMap<>();
            for (String device : new String[] {"gpu", "cpu"}) {
                Path o = dir.resolve(get + "-" + device);
                ByteArrayOutputStream so = new ByteArrayOutputStream(), se = new ByteArrayOutputStream();
                int code = Main.run(
                        new String[] {
                            "predict",
                            "--verbose",
                            "--arch",
                            arch,
                            "--x-train",
                            dir.resolve("x.npy").toString(),
                            "--y-train",
                            dir.resolve("y.npy").toString(),
                            "--x-test",
                            dir.resolve("xt.npy").toString(),
                            "--get",
                            get,
                            "--diag-reg",
                            "1e-3",
                            "--device",
                            device,
                            "--out",
                            o.toString()
                        },
                        new PrintStream(so, true, StandardCharsets.UTF_8),
                        new PrintStream(se, true, StandardCharsets.UTF_8));
                String text = so.toString(StandardCharsets.UTF_8) + se.toString(StandardCharsets.UTF_8);
                assertEquals(0, code, device + ": " + text);
                assertEquals(
                        device.equals("gpu"), text.contains("EXACT on the GPU"), device + " solve reported: " + text);
                out.put(device, o);
            }
            for (String f : new String[] {"mean.npy", "var.npy"}) {
                Matrix g = Npy.read(out.get("gpu").resolve(f)),
                        c = Npy.read(out.get("cpu").resolve(f));
                assertTrue(relErr(g, c) <= 1e-9, get + " " + f + " " + relErr(g, c));
            }
        }
    }

    private static double trace(double[] a, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) s += a[i + i * n];
        return s;
    }
}
