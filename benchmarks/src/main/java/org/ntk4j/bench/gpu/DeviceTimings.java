package org.ntk4j.bench.gpu;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.text.ArchParser;
import org.ntk4j.device.Device;
import org.ntk4j.gpu.CudaDevice;
import org.ntk4j.gpu.DeviceBuffer;
import org.ntk4j.gpu.DeviceMatrix;
import org.ntk4j.gpu.GpuBlas;
import org.ntk4j.gpu.GpuKernelEngine;
import org.ntk4j.gpu.GpuRuntime;
import org.ntk4j.gpu.GpuTrainKernel;
import org.ntk4j.kernel.KernelKind;
import org.ntk4j.kernel.KernelOptions;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.predict.CovarianceMode;
import org.ntk4j.predict.Get;
import org.ntk4j.predict.Posterior;
import org.ntk4j.predict.PredictOptions;
import org.ntk4j.predict.Regularization;
import org.ntk4j.predict.Timings;
import org.ntk4j.solve.ScalablePredict;
import org.ntk4j.solve.Solved;
import org.ntk4j.solve.SolverKind;
import org.ntk4j.solve.SolverOptions;

/** The timed part of {@link DeviceCheck}: what benchmarks/gpu/reference_torch.py times with PyTorch. */
final class DeviceTimings {
    /** The benchmark network: 3 hidden ReLU layers (the target), NTK parameterization. */
    static final String ARCH = "Dense(1024,W_std=1.5,b_std=0.05)->Relu->Dense(1024,W_std=1.5,b_std=0.05)->Relu"
            + "->Dense(1024,W_std=1.5,b_std=0.05)->Relu->Dense(1,W_std=1.5,b_std=0.05)";

    static final double DIAG_REG = 1e-4;

    private DeviceTimings() {}

    private static void print(String key, int n, double ms) {
        System.out.printf(Locale.ROOT, "time %s %d %.3f%n", key, n, ms);
        System.out.flush();
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    /**
     * Times at size n (d inputs, m test points, reps repetitions, median): the device-resident
     * NNGP+NTK build of x with itself; the NNGP train kernel alone ({@link GpuTrainKernel}); the exact
     * NNGP posterior with variances on the GPU ({@link ScalablePredict} with {@link Device#GPU}) and
     * its stages as its timings report them: kernels (train and test), factorization (trace, λI,
     * Cholesky), mean (α and the products), variances.
     */
    static void bench(int n, int d, int m, int reps) {
        Architecture a = ArchParser.parse(ARCH);
        Random r = new Random(1234 + n);
        Matrix x = DeviceCheck.randn(r, n, d), xt = DeviceCheck.randn(r, m, d);
        double[] yv = new double[n];
        for (int i = 0; i < n; i++) yv[i] = Math.sin(x.get(i, 0)) + 0.1 * r.nextGaussian();
        Matrix y = Matrix.column(yv);
        // warm-up (module load, first-launch costs, the one-time check and timing of the float64
        // GEMM engines) on a small problem
        GpuBlas.f64Choice(GpuRuntime.device());
        Matrix xs = DeviceCheck.randn(r, 512, d);
        try (var w = GpuKernelEngine.computeOnDevice(a, xs, true, DType.FLOAT64)) {
            posterior(a, xs, Matrix.column(Arrays.copyOf(yv, 512)), DeviceCheck.randn(r, 64, d));
        }
        double[] total = new double[reps],
                build = new double[reps],
                train = new double[reps],
                kernels = new double[reps],
                factor = new double[reps],
                mean = new double[reps],
                var = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            try (var k = GpuKernelEngine.computeOnDevice(a, x, true, DType.FLOAT64)) {
                total[i] = (System.nanoTime() - t0) / 1e6;
                build[i] = k.computeMillis();
            }
            try (GpuTrainKernel k = GpuTrainKernel.compute(a, x, KernelKind.NNGP)) {
                train[i] = k.buildNanos() / 1e6;
            }
            Timings t = posterior(a, x, y, xt).diagnostics().timings();
            kernels[i] = t.kernelNanos() / 1e6;
            factor[i] = t.factorNanos() / 1e6;
            mean[i] = t.meanNanos() / 1e6;
            var[i] = t.covarianceNanos() / 1e6;
        }
        print("gpu_kernel_build", n, median(build));
        print("gpu_kernel_build_total", n, median(total));
        print("gpu_train_kernel_nngp", n, median(train));
        print("gpu_kernels_train_test", n, median(kernels));
        print(
                "gpu_test_kernel",
                n,
                median(kernels) - median(train)); // the posterior's kernels less a train kernel timed alone
        print("gpu_factor", n, median(factor));
        print("gpu_alpha_mean", n, median(mean));
        print("gpu_var", n, median(var));
        double[] solve = new double[reps];
        for (int i = 0; i < reps; i++) solve[i] = factor[i] + mean[i] + var[i];
        print("gpu_solve_mean_var", n, median(solve));
        // with the copy to the host, as KernelFunction-style callers get it (only where it is small enough)
        if (n <= 10000) {
            long t0 = System.nanoTime();
            GpuKernelEngine.compute(a, x, null, KernelOptions.defaults());
            print("gpu_kernel_build_to_host", n, (System.nanoTime() - t0) / 1e6);
        }
    }

    /** The exact NNGP posterior with variances, solved on the GPU (an error if it would run on the CPU). */
    private static Posterior posterior(Architecture a, Matrix x, Matrix y, Matrix xt) {
        PredictOptions o = PredictOptions.defaults()
                .withRegularization(Regularization.relative(DIAG_REG))
                .withCovariance(CovarianceMode.DIAGONAL)
                .withKernelOptions(KernelOptions.defaults().withDevice(Device.GPU));
        Solved s = ScalablePredict.gpInference(
                a, x, y, xt, Get.NNGP, o, SolverOptions.defaults().withSolver(SolverKind.EXACT));
        if (s.report().device() != Device.GPU)
            throw new IllegalStateException("solved on the CPU: " + s.report().summary());
        return s.posterior();
    }

    /**
     * GEMM throughput of each engine: C = A·Bᵀ at n×n×n, TFLOP/s; then the float64 engine chosen for
     * large products on this device (self-checked and timed by the library on first use).
     */
    static void gemm(int n) {
        CudaDevice dev = GpuRuntime.device();
        for (DType t : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
            int s = DeviceMatrix.size(t);
            List<String> engines = new ArrayList<>();
            if (t == DType.FLOAT64) {
                if (dev.computeCapabilityMajor() >= 9) engines.add("tc8");
                engines.addAll(List.of("tc4", "dmma64", "dmma128"));
            }
            engines.addAll(List.of("simt128", "simt64"));
            synchronized (dev) {
                try (DeviceBuffer a = dev.alloc((long) n * n * s, "A");
                        DeviceBuffer c = dev.alloc((long) n * n * s, "C")) {
                    Random r = new Random(5);
                    double[] v = new double[n * n];
                    for (int i = 0; i < v.length; i++) v[i] = r.nextGaussian();
                    dev.transfers().upload(v, t == DType.FLOAT32, a, 0);
                    DeviceMatrix am = DeviceMatrix.of(a, n, n, t), cm = DeviceMatrix.of(c, n, n, t);
                    for (String e : engines) {
                        GpuBlas.gemmWith(dev, e, false, true, n, n, n, 1.0, am, am, 0.0, cm, false);
                        dev.sync();
                        double[] ms = new double[3];
                        for (int i = 0; i < 3; i++) {
                            long t0 = System.nanoTime();
                            GpuBlas.gemmWith(dev, e, false, true, n, n, n, 1.0, am, am, 0.0, cm, false);
                            dev.sync();
                            ms[i] = (System.nanoTime() - t0) / 1e6;
                        }
                        double med = median(ms);
                        System.out.printf(
                                Locale.ROOT,
                                "gemm %s %s n=%d %.2f ms %.1f TFLOP/s%n",
                                t == DType.FLOAT64 ? "f64" : "f32",
                                e,
                                n,
                                med,
                                2.0 * n * n * (double) n / med / 1e9);
                    }
                }
            }
        }
        System.out.println("gemm f64 engine for large products: " + GpuBlas.f64Choice(dev));
    }
}
