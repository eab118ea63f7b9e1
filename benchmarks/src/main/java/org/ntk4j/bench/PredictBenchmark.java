package org.ntk4j.bench;

import java.nio.file.Path;
import java.util.Locale;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.text.ArchParser;
import org.ntk4j.io.Npy;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.KernelOptions;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.linalg.Blas;
import org.ntk4j.linalg.Cholesky;
import org.ntk4j.linalg.JitterPolicy;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.linalg.NativeMatrix;
import org.ntk4j.predict.CovarianceMode;
import org.ntk4j.predict.Get;
import org.ntk4j.predict.GpInference;
import org.ntk4j.predict.Posterior;
import org.ntk4j.predict.Regularization;

/**
 * The Java side of benchmarks/predict_bench.sh (not a unit test): exact NNGP prediction, mean and
 * variances, on the data benchmarks/predict_numpy.py wrote (same steps, same network), compared with
 * numpy's results; then dpotrf alone at n = 4000.
 *
 * <p>Usage: {@code PredictBenchmark DATA_DIR [repeats] [diag_reg]}.
 */
public final class PredictBenchmark {
    private PredictBenchmark() {}

    static final String ARCH =
            "Dense(512,W_std=1.5,b_std=0.1)->Relu->Dense(512,W_std=1.5,b_std=0.1)->Relu->Dense(1,W_std=1.5,b_std=0.1)";

    public static void main(String[] args) {
        Path data = Path.of(args[0]);
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        double diagReg = args.length > 2 ? Double.parseDouble(args[2]) : 1e-4;
        Matrix x = Npy.read(data.resolve("x_train.npy")),
                y = Npy.read(data.resolve("y_train.npy")),
                xt = Npy.read(data.resolve("x_test.npy"));
        Architecture arch = ArchParser.parse(ARCH);
        KernelOptions ko = KernelOptions.defaults().withComputeNtk(false);
        warmUp(arch, ko, diagReg); // JIT-compile the kernel and prediction code on a small problem first
        double[] best = null;
        Posterior last = null;
        for (int r = 0; r < repeats; r++) {
            long t0 = System.nanoTime();
            KernelFunction kf = KernelFunction.of(arch);
            Kernels kdd = kf.compute(x, null, ko);
            Kernels ktd = kf.compute(xt, x, ko); // cov1 = the test variances diag(K_tt)
            double kernels = (System.nanoTime() - t0) / 1e9;
            try (GpInference gp = GpInference.fit(kdd, y, Regularization.relative(diagReg), JitterPolicy.defaults())) {
                last = gp.predict(Get.NNGP, ktd, null, CovarianceMode.DIAGONAL);
            }
            var tm = last.diagnostics().timings();
            double[] t = {kernels, tm.factorNanos() / 1e9, tm.meanNanos() / 1e9, tm.covarianceNanos() / 1e9, 0};
            t[4] = t[0] + t[1] + t[2] + t[3];
            System.out.printf(
                    Locale.ROOT,
                    "java  run %d: kernels %.3f s, factor %.3f s, mean %.3f s, variance %.3f s, total %.3f s%n",
                    r + 1,
                    t[0],
                    t[1],
                    t[2],
                    t[3],
                    t[4]);
            if (best == null) best = t.clone();
            else for (int i = 0; i < t.length; i++) best[i] = Math.min(best[i], t[i]);
        }
        System.out.printf(
                Locale.ROOT,
                "java  best:  kernels %.3f s, factor %.3f s, mean %.3f s, variance %.3f s, total %.3f s%n",
                best[0],
                best[1],
                best[2],
                best[3],
                best[4]);
        System.out.printf(
                Locale.ROOT,
                "java  condition estimate %.3g, jitter: %s, negative variances clamped: %d%n",
                last.diagnostics().conditionEstimate(),
                last.diagnostics().jitter(),
                last.diagnostics().negativeVariancesClamped());
        if (data.resolve("mean.npy").toFile().exists()) {
            double[] mean = Npy.read(data.resolve("mean.npy")).toColumnMajor();
            double[] var = Npy.readVector(data.resolve("var.npy"));
            System.out.printf(
                    Locale.ROOT,
                    "java vs numpy: mean rel. error %.2e, variance rel. error %.2e%n",
                    rel(last.mean().toColumnMajor(), mean),
                    rel(last.variances(), var));
        }
        potrf(4000, repeats);
    }

    static void warmUp(Architecture arch, KernelOptions ko, double diagReg) {
        java.util.Random r = new java.util.Random(7);
        int n = 400, m = 100, d = 64;
        double[] x = new double[n * d], xt = new double[m * d], y = new double[n];
        for (int i = 0; i < x.length; i++) x[i] = r.nextGaussian();
        for (int i = 0; i < xt.length; i++) xt[i] = r.nextGaussian();
        for (int i = 0; i < y.length; i++) y[i] = r.nextGaussian();
        Matrix xm = Matrix.wrapColumnMajor(n, d, x),
                xtm = Matrix.wrapColumnMajor(m, d, xt),
                ym = Matrix.wrapColumnMajor(n, 1, y);
        for (int rep = 0; rep < 3; rep++) {
            KernelFunction kf = KernelFunction.of(arch);
            try (GpInference gp = GpInference.fit(
                    kf.compute(xm, null, ko), ym, Regularization.relative(diagReg), JitterPolicy.defaults())) {
                gp.predict(Get.NNGP, kf.compute(xtm, xm, ko), null, CovarianceMode.DIAGONAL);
            }
        }
    }

    /**
     * dpotrf at n = 4000 on G·Gᵀ/n + I, best of {@code repeats}: alone on a pre-touched native copy
     * (as scipy's in-place cholesky), and as {@link Cholesky#factor} (+ dlansy, dpocon, checks), and
     * with the heap-to-native copy a prediction makes.
     */
    static void potrf(int n, int repeats) {
        java.util.Random rnd = new java.util.Random(1);
        double[] g = new double[n * n];
        for (int i = 0; i < g.length; i++) g[i] = rnd.nextGaussian();
        double alone = Double.MAX_VALUE, factor = Double.MAX_VALUE, copying = Double.MAX_VALUE;
        try (NativeMatrix gm = NativeMatrix.copyOf(Matrix.wrapColumnMajor(n, n, g), "G");
                NativeMatrix spd = NativeMatrix.zeros(n, n, "A")) {
            Blas.syrk(false, 1.0 / n, gm, 0.0, spd, true);
            spd.addToDiagonal(1.0);
            Matrix heap = spd.toMatrix();
            for (int r = 0; r < repeats; r++) {
                try (NativeMatrix a = spd.copy("A copy")) {
                    long t0 = System.nanoTime();
                    int info = org.bytedeco.openblas.global.openblas.LAPACKE_dpotrf(
                            org.bytedeco.openblas.global.openblas.LAPACK_COL_MAJOR, (byte) 'L', n, a.pointer(), n);
                    alone = Math.min(alone, (System.nanoTime() - t0) / 1e9);
                    if (info != 0) throw new IllegalStateException("dpotrf info " + info);
                }
                NativeMatrix b = spd.copy("A copy");
                long t0 = System.nanoTime();
                try (Cholesky c = Cholesky.factor(b, JitterPolicy.none(), "A")) {
                    factor = Math.min(factor, (System.nanoTime() - t0) / 1e9);
                }
                long t1 = System.nanoTime();
                try (Cholesky c = Cholesky.factor(NativeMatrix.copyOf(heap, "A"), JitterPolicy.none(), "A")) {
                    copying = Math.min(copying, (System.nanoTime() - t1) / 1e9);
                }
            }
        }
        System.out.printf(
                Locale.ROOT,
                "java  potrf n=%d: LAPACKE_dpotrf in place best %.3f s; Cholesky.factor (+dlansy, dpocon) %.3f s; "
                        + "with the heap-to-native copy %.3f s%n",
                n,
                alone,
                factor,
                copying);
    }

    private static double rel(double[] a, double[] e) {
        double num = 0, den = 0;
        for (int i = 0; i < e.length; i++) {
            num = Math.max(num, Math.abs(a[i] - e[i]));
            den = Math.max(den, Math.abs(e[i]));
        }
        return num / den;
    }
}
