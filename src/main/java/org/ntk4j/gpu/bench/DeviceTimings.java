package org.ntk4j.gpu.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.ntk4j.arch.text.ArchParser;
import org.ntk4j.arch.Architecture;
import org.ntk4j.gpu.CudaDevice;
import org.ntk4j.gpu.DeviceBuffer;
import org.ntk4j.gpu.DeviceMatrix;
import org.ntk4j.gpu.GpuBlas;
import org.ntk4j.gpu.GpuGpInference;
import org.ntk4j.gpu.GpuGpModel;
import org.ntk4j.gpu.GpuKernelEngine;
import org.ntk4j.gpu.GpuPrediction;
import org.ntk4j.gpu.GpuRuntime;
import org.ntk4j.kernel.KernelOptions;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.Matrix;

/** The timed part of {@link DeviceCheck}: what benchmarks/gpu/reference_torch.py times with PyTorch. */
final class DeviceTimings {
    /** The benchmark network: 3 hidden ReLU layers (the target), NTK parameterization. */
    static final String ARCH = "Dense(1024,W_std=1.5,b_std=0.05)->Relu->Dense(1024,W_std=1.5,b_std=0.05)->Relu"
        + "->Dense(1024,W_std=1.5,b_std=0.05)->Relu->Dense(1,W_std=1.5,b_std=0.05)";
    static final double DIAG_REG = 1e-4;

    private DeviceTimings() { }

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
     * NNGP+NTK build of x with itself; fit (NNGP train kernel + regularize + Cholesky + α); the
     * solve part of fit alone; predict (test/train kernel, mean, variances).
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
        try (var w = GpuKernelEngine.computeOnDevice(a, xs, true, DType.FLOAT64);
             GpuGpModel wm = GpuGpInference.fit(a, xs, Matrix.column(Arrays.copyOf(yv, 512)), GpuGpInference.Mode.NNGP, DIAG_REG, false, DType.FLOAT64)) {
            wm.predict(DeviceCheck.randn(r, 64, d), true);
        }
        double[] total = new double[reps], build = new double[reps], fitK = new double[reps], fitS = new double[reps], fitA = new double[reps],
            predK = new double[reps], predS = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            try (var k = GpuKernelEngine.computeOnDevice(a, x, true, DType.FLOAT64)) {
                total[i] = (System.nanoTime() - t0) / 1e6;
                build[i] = k.computeMillis();
            }
            try (GpuGpModel gm = GpuGpInference.fit(a, x, y, GpuGpInference.Mode.NNGP, DIAG_REG, false, DType.FLOAT64)) {
                fitK[i] = gm.fitMillis()[0];
                fitS[i] = gm.fitMillis()[1];
                fitA[i] = gm.fitMillis()[2];
                GpuPrediction p = gm.predict(xt, true);
                predK[i] = gm.predictMillis()[0];
                predS[i] = gm.predictMillis()[1];
                if (p.mean().firstNonFinite() >= 0) throw new IllegalStateException("non-finite mean");
            }
        }
        print("gpu_kernel_build", n, median(build));
        print("gpu_kernel_build_total", n, median(total));
        print("gpu_train_kernel_nngp", n, median(fitK));
        print("gpu_cholesky_alpha", n, median(fitS));
        print("gpu_alpha_only", n, median(fitA));
        print("gpu_test_kernel", n, median(predK));
        print("gpu_mean_var", n, median(predS));
        print("gpu_solve_mean_var", n, median(fitS) + median(predS));
        // with the copy to the host, as KernelFunction-style callers get it (only where it is small enough)
        if (n <= 10000) {
            long t0 = System.nanoTime();
            GpuKernelEngine.compute(a, x, null, KernelOptions.defaults());
            print("gpu_kernel_build_to_host", n, (System.nanoTime() - t0) / 1e6);
        }
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
                try (DeviceBuffer a = dev.alloc((long) n * n * s, "A"); DeviceBuffer c = dev.alloc((long) n * n * s, "C")) {
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
                        System.out.printf(Locale.ROOT, "gemm %s %s n=%d %.2f ms %.1f TFLOP/s%n", t == DType.FLOAT64 ? "f64" : "f32", e, n, med,
                            2.0 * n * n * (double) n / med / 1e9);
                    }
                }
            }
        }
        System.out.println("gemm f64 engine for large products: " + GpuBlas.f64Choice(dev));
    }
}
