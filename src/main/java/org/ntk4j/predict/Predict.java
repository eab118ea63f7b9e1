package org.ntk4j.predict;

import java.util.ArrayList;
import java.util.List;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.text.ArchParser;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.KernelOptions;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.kernel.NativeKernels;
import org.ntk4j.linalg.Matrix;

/**
 * Predictions straight from an architecture and data: computes the kernels with
 * {@link KernelFunction} (only those the request needs) and runs {@link GpInference},
 * {@link GradientDescentEnsemble} or {@link GradientDescentMse}.
 *
 * <pre>{@code
 * Architecture arch = ArchParser.parse("Dense(512,W_std=1.5,b_std=0.05)->Relu->Dense(1,W_std=1.5,b_std=0.05)");
 * Posterior p = Predict.gpInference(arch, xTrain, yTrain, xTest, Get.NTK,
 *     PredictOptions.defaults().withRegularization(Regularization.relative(1e-4)));
 * double[] mean = p.meanOf(0), sd = p.sd();
 * }</pre>
 */
public final class Predict {
    private Predict() { }

    /**
     * The t = ∞ posterior ({@code gp_inference}) at {@code xTest} (null: the training set itself,
     * mean y and covariance 0).
     */
    public static Posterior gpInference(Architecture arch, Matrix xTrain, Matrix yTrain, Matrix xTest, Get get,
                                        PredictOptions options) {
        PredictOptions o = options == null ? PredictOptions.defaults() : options;
        checkData(xTrain, yTrain, xTest);
        if (o.regularization().isZero() && xTest != null) PredictorChecks.noDuplicateRows(xTrain, "xTrain");
        int m = xTest == null ? 0 : xTest.rows();
        Workspace.require("gp inference workspace (" + xTrain.rows() + " training, " + m + " test points)",
            Workspace.gp(xTrain.rows(), m, yTrain.cols(), get, o.covariance()));
        if (!o.returnKernels()) return gpInferenceOffHeap(arch, xTrain, yTrain, xTest, get, o);
        KernelBundle kb = KernelBundle.compute(arch, xTrain, xTest, get != Get.NNGP, needsTestTest(get, o.covariance()), o.kernelOptions());
        try (GpInference gp = GpInference.fit(kb.trainTrain, yTrain, o.regularization(), o.jitter())) {
            Posterior p = xTest == null ? gp.predictTrain(get, o.covariance()) : gp.predict(get, kb.testTrain, kb.testTest, o.covariance());
            return kb.attach(p, o.returnKernels());
        }
    }

    /**
     * gp inference with the train-train kernels computed straight into off-heap storage and factored
     * there in place: each n×n kernel exists once (no heap array, no copy). Only the kernels the
     * request needs are stored: the NNGP (NNGP posterior; NTK covariance) and the NTK (NTK, NTKGP).
     * Same numbers, bit for bit, as computing {@link Kernels} and calling {@link GpInference#fit}.
     */
    private static Posterior gpInferenceOffHeap(Architecture arch, Matrix xTrain, Matrix yTrain, Matrix xTest, Get get,
                                                PredictOptions o) {
        if (arch == null) throw new InvalidInputException("arch", "is required");
        long t0 = System.nanoTime();
        KernelFunction kf = KernelFunction.of(arch);
        KernelOptions opt = o.kernelOptions().withComputeNtk(get != Get.NNGP);
        boolean keepNngp = get == Get.NNGP || (get == Get.NTK && o.covariance() != CovarianceMode.NONE);
        NativeKernels dd = kf.computeOffHeap(xTrain, null, stage(opt, TRAIN), keepNngp);
        long ddNanos = System.nanoTime() - t0;
        try (GpInference gp = GpInference.fitOwned(dd, yTrain, o.regularization(), o.jitter())) {
            long t1 = System.nanoTime();
            if (xTest == null) {
                opt.progress().onStage(SOLVE, 0);
                return withKernelNanos(gp.predictTrain(get, o.covariance()), ddNanos);
            }
            // the test-train kernels off-heap too (same kinds as the train kernels): at m ~ n they are as large
            try (NativeKernels td = kf.computeOffHeap(xTest, xTrain, stage(opt, TEST), keepNngp)) {
                Kernels tt = needsTestTest(get, o.covariance()) ? kf.compute(xTest, null, stage(opt, TEST_TEST)) : null;
                opt.progress().onStage(SOLVE, 0);
                long kernelNanos = ddNanos + System.nanoTime() - t1;
                return withKernelNanos(gp.predictOwned(get, td, tt, o.covariance()), kernelNanos);
            }
        }
    }

    /** Stage labels for a progress listener (a progress bar shows them). */
    private static final String TRAIN = "train kernel", TEST = "test kernel", TEST_TEST = "test-test kernel",
        SOLVE = "factorization and solves";

    /** {@code opt} reporting its kernel as {@code stage}. */
    private static KernelOptions stage(KernelOptions opt, String stage) { return opt.withProgress(opt.progress().renamed(stage)); }

    private static Posterior withKernelNanos(Posterior p, long kernelNanos) {
        Diagnostics d = p.diagnostics().withTimings(p.diagnostics().timings().withKernelNanos(kernelNanos));
        return new Posterior(p.get(), p.time(), p.mean(), p.covariance(), p.variances(), d, null);
    }

    /**
     * The trained infinite ensemble ({@code gradient_descent_mse_ensemble}) at each time (≥ 0, or
     * +∞ for the converged posterior), at {@code xTest} (null: the training set).
     */
    public static List<Posterior> ensemble(Architecture arch, Matrix xTrain, Matrix yTrain, Matrix xTest, Get get,
                                           double[] times, PredictOptions options) {
        PredictOptions o = options == null ? PredictOptions.defaults() : options;
        if (get == Get.NTKGP)
            throw new InvalidInputException("get", "the ensemble at a training time supports nngp and ntk only (NTKGP is a t = inf posterior)");
        double[] ts = PredictorChecks.times(times);
        checkData(xTrain, yTrain, xTest);
        boolean anyInf = false;
        for (double t : ts) anyInf |= t == Double.POSITIVE_INFINITY;
        if (anyInf && o.regularization().isZero() && xTest != null) PredictorChecks.noDuplicateRows(xTrain, "xTrain");
        int m = xTest == null ? 0 : xTest.rows();
        Workspace.require("ensemble workspace (" + xTrain.rows() + " training, " + m + " test points)",
            Math.max(Workspace.ensemble(xTrain.rows(), m, yTrain.cols(), get, o.covariance(), xTest == null),
                     Workspace.gp(xTrain.rows(), m, yTrain.cols(), get, o.covariance())));
        KernelBundle kb = KernelBundle.compute(arch, xTrain, xTest, get == Get.NTK, needsTestTest(get, o.covariance()), o.kernelOptions());
        try (GradientDescentEnsemble e = GradientDescentEnsemble.fit(kb.trainTrain, yTrain, o.learningRate(), o.regularization(), o.jitter())) {
            List<Posterior> ps = e.predict(get, ts, kb.testTrain, kb.testTest, o.covariance());
            List<Posterior> out = new ArrayList<>(ps.size());
            for (Posterior p : ps) out.add(kb.attach(p, o.returnKernels()));
            return List.copyOf(out);
        }
    }

    /**
     * One linearized network with initial outputs {@code fxTrain0} (n×k) and {@code fxTest0} (m×k)
     * trained for time t ({@code gradient_descent_mse}); the kernel is the architecture's NTK, or its
     * NNGP with {@code kernel = NNGP} (readout-only training).
     */
    public static LinearizedPrediction linearized(Architecture arch, Matrix xTrain, Matrix yTrain, Matrix xTest,
                                                  Matrix fxTrain0, Matrix fxTest0, Get kernel, double time,
                                                  PredictOptions options) {
        PredictOptions o = options == null ? PredictOptions.defaults() : options;
        if (kernel == Get.NTKGP)
            throw new InvalidInputException("get", "a linearized network trains with the ntk (or nngp) kernel, not ntkgp");
        PredictorChecks.time(time);
        checkData(xTrain, yTrain, xTest);
        if (xTest == null) throw new InvalidInputException("xTest", "is required for a linearized network's test outputs");
        if (time == Double.POSITIVE_INFINITY && o.regularization().isZero()) PredictorChecks.noDuplicateRows(xTrain, "xTrain");
        Workspace.require("linearized-network workspace", Workspace.linearized(xTrain.rows(), xTest.rows(), yTrain.cols()));
        boolean ntk = kernel != Get.NNGP;
        KernelBundle kb = KernelBundle.compute(arch, xTrain, xTest, ntk, false, o.kernelOptions());
        Matrix kdd = ntk ? kb.trainTrain.ntk() : kb.trainTrain.nngp();
        Matrix ktd = ntk ? kb.testTrain.ntk() : kb.testTrain.nngp();
        try (GradientDescentMse gd = GradientDescentMse.fit(kdd, yTrain, o.learningRate(), o.regularization(), o.jitter())) {
            LinearizedPrediction p = gd.predict(time, fxTrain0, fxTest0, ktd);
            Diagnostics d = p.diagnostics().withTimings(p.diagnostics().timings().withKernelNanos(kb.nanos));
            return new LinearizedPrediction(p.time(), p.train(), p.test(), d);
        }
    }

    private static boolean needsTestTest(Get get, CovarianceMode mode) {
        return mode == CovarianceMode.FULL || (mode == CovarianceMode.DIAGONAL && get == Get.NTKGP);
    }

    private static void checkData(Matrix xTrain, Matrix yTrain, Matrix xTest) {
        PredictorChecks.finite(xTrain, "xTrain");
        if (xTrain.rows() == 0 || xTrain.cols() == 0)
            throw new InvalidInputException("xTrain", "is empty (" + xTrain.rows() + "x" + xTrain.cols() + ")");
        PredictorChecks.finite(yTrain, "yTrain");
        if (yTrain.rows() != xTrain.rows())
            throw new InvalidInputException("yTrain", "has " + yTrain.rows() + " rows but xTrain has " + xTrain.rows());
        if (xTest != null) {
            PredictorChecks.finite(xTest, "xTest");
            if (xTest.cols() != xTrain.cols())
                throw new InvalidInputException("xTest", "has " + xTest.cols() + " features (columns) but xTrain has " + xTrain.cols());
        }
    }

    /** The kernels one request needs, and how long they took. */
    private record KernelBundle(Kernels trainTrain, Kernels testTrain, Kernels testTest, long nanos) {
        static KernelBundle compute(Architecture arch, Matrix xTrain, Matrix xTest, boolean ntk, boolean testTest,
                                    KernelOptions base) {
            if (arch == null) throw new InvalidInputException("arch", "is required");
            long t0 = System.nanoTime();
            KernelFunction kf = KernelFunction.of(arch);
            KernelOptions opt = base.withComputeNtk(ntk);
            Kernels dd = kf.compute(xTrain, null, stage(opt, TRAIN));
            Kernels td = xTest == null ? null : kf.compute(xTest, xTrain, stage(opt, TEST));
            Kernels tt = xTest != null && testTest ? kf.compute(xTest, null, stage(opt, TEST_TEST)) : null;
            opt.progress().onStage(SOLVE, 0);
            return new KernelBundle(dd, td, tt, System.nanoTime() - t0);
        }

        Posterior attach(Posterior p, boolean withKernels) {
            Diagnostics d = p.diagnostics().withTimings(p.diagnostics().timings().withKernelNanos(nanos));
            return new Posterior(p.get(), p.time(), p.mean(), p.covariance(), p.variances(), d,
                withKernels ? new KernelSet(trainTrain, testTrain, testTest) : null);
        }
    }
}
