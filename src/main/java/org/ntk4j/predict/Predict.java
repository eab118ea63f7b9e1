package org.ntk4j.predict;

import java.util.ArrayList;
import java.util.List;
import org.ntk4j.arch.Architecture;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.KernelOptions;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.operator.DenseKernelOperator;

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
    private Predict() {}

    /**
     * The t = ∞ posterior ({@code gp_inference}) at {@code xTest} (null: the training set itself,
     * mean y and covariance 0).
     */
    public static Posterior gpInference(
            Architecture arch, Matrix xTrain, Matrix yTrain, Matrix xTest, Get get, PredictOptions options) {
        PredictOptions o = options == null ? PredictOptions.defaults() : options;
        checkData(xTrain, yTrain, xTest);
        GpInference.checkExact(xTrain, yTrain, xTest, get, o);
        if (!o.returnKernels()) {
            if (arch == null) throw new InvalidInputException("arch", "is required");
            long t0 = System.nanoTime();
            DenseKernelOperator dd = GpInference.trainKernels(arch, xTrain, get, o);
            return GpInference.solve(dd, System.nanoTime() - t0, yTrain, xTest, get, o);
        }
        KernelBundle kb = KernelBundle.compute(
                arch, xTrain, xTest, get != Get.NNGP, Stages.needsTestTest(get, o.covariance()), o.kernelOptions());
        try (GpInference gp = GpInference.fit(kb.trainTrain, yTrain, o.regularization(), o.jitter())) {
            Posterior p = xTest == null
                    ? gp.predictTrain(get, o.covariance())
                    : gp.predict(get, kb.testTrain, kb.testTest, o.covariance());
            return kb.attach(p, o.returnKernels());
        }
    }

    /**
     * The trained infinite ensemble ({@code gradient_descent_mse_ensemble}) at each time (≥ 0, or
     * +∞ for the converged posterior), at {@code xTest} (null: the training set).
     */
    public static List<Posterior> ensemble(
            Architecture arch,
            Matrix xTrain,
            Matrix yTrain,
            Matrix xTest,
            Get get,
            double[] times,
            PredictOptions options) {
        PredictOptions o = options == null ? PredictOptions.defaults() : options;
        if (get == Get.NTKGP)
            throw new InvalidInputException(
                    "get", "the ensemble at a training time supports nngp and ntk only (NTKGP is a t = inf posterior)");
        double[] ts = PredictorChecks.times(times);
        checkData(xTrain, yTrain, xTest);
        boolean anyInf = false;
        for (double t : ts) anyInf |= t == Double.POSITIVE_INFINITY;
        if (anyInf && o.regularization().isZero() && xTest != null) PredictorChecks.noDuplicateRows(xTrain, "xTrain");
        int m = xTest == null ? 0 : xTest.rows();
        Workspace.require(
                "ensemble workspace (" + xTrain.rows() + " training, " + m + " test points)",
                Math.max(
                        Workspace.ensemble(xTrain.rows(), m, yTrain.cols(), get, o.covariance(), xTest == null),
                        Workspace.gp(xTrain.rows(), m, yTrain.cols(), get, o.covariance())));
        KernelBundle kb = KernelBundle.compute(
                arch, xTrain, xTest, get == Get.NTK, Stages.needsTestTest(get, o.covariance()), o.kernelOptions());
        try (GradientDescentEnsemble e =
                GradientDescentEnsemble.fit(kb.trainTrain, yTrain, o.learningRate(), o.regularization(), o.jitter())) {
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
    public static LinearizedPrediction linearized(
            Architecture arch,
            Matrix xTrain,
            Matrix yTrain,
            Matrix xTest,
            Matrix fxTrain0,
            Matrix fxTest0,
            Get kernel,
            double time,
            PredictOptions options) {
        PredictorChecks.time(time);
        return linearized(arch, xTrain, yTrain, xTest, fxTrain0, fxTest0, kernel, new double[] {time}, options)
                .get(0);
    }

    /**
     * {@link #linearized(Architecture, Matrix, Matrix, Matrix, Matrix, Matrix, Get, double, PredictOptions)}
     * at several times (each ≥ 0 or +∞), in their order, from one kernel computation and one
     * decomposition of each kind (the eigendecomposition for finite times, the Cholesky factor for ∞):
     * each entry is bit for bit the prediction at that time alone.
     */
    public static List<LinearizedPrediction> linearized(
            Architecture arch,
            Matrix xTrain,
            Matrix yTrain,
            Matrix xTest,
            Matrix fxTrain0,
            Matrix fxTest0,
            Get kernel,
            double[] times,
            PredictOptions options) {
        PredictOptions o = options == null ? PredictOptions.defaults() : options;
        if (kernel == Get.NTKGP)
            throw new InvalidInputException(
                    "get", "a linearized network trains with the ntk (or nngp) kernel, not ntkgp");
        double[] ts = PredictorChecks.times(times);
        checkData(xTrain, yTrain, xTest);
        if (xTest == null)
            throw new InvalidInputException("xTest", "is required for a linearized network's test outputs");
        boolean anyInf = false;
        for (double t : ts) anyInf |= t == Double.POSITIVE_INFINITY;
        if (anyInf && o.regularization().isZero()) PredictorChecks.noDuplicateRows(xTrain, "xTrain");
        Workspace.require(
                "linearized-network workspace", Workspace.linearized(xTrain.rows(), xTest.rows(), yTrain.cols()));
        boolean ntk = kernel != Get.NNGP;
        KernelBundle kb = KernelBundle.compute(arch, xTrain, xTest, ntk, false, o.kernelOptions());
        Matrix kdd = ntk ? kb.trainTrain.ntk() : kb.trainTrain.nngp();
        Matrix ktd = ntk ? kb.testTrain.ntk() : kb.testTrain.nngp();
        try (GradientDescentMse gd =
                GradientDescentMse.fit(kdd, yTrain, o.learningRate(), o.regularization(), o.jitter())) {
            List<LinearizedPrediction> out = new ArrayList<>(ts.length);
            for (LinearizedPrediction p : gd.predict(ts, fxTrain0, fxTest0, ktd)) {
                Diagnostics d =
                        p.diagnostics().withTimings(p.diagnostics().timings().withKernelNanos(kb.nanos));
                out.add(new LinearizedPrediction(p.time(), p.train(), p.test(), d));
            }
            return List.copyOf(out);
        }
    }

    private static void checkData(Matrix xTrain, Matrix yTrain, Matrix xTest) {
        PredictionData.check(xTrain, yTrain, xTest, false);
    }

    /** The kernels one request needs, and how long they took. */
    private record KernelBundle(Kernels trainTrain, Kernels testTrain, Kernels testTest, long nanos) {
        static KernelBundle compute(
                Architecture arch, Matrix xTrain, Matrix xTest, boolean ntk, boolean testTest, KernelOptions base) {
            if (arch == null) throw new InvalidInputException("arch", "is required");
            long t0 = System.nanoTime();
            KernelFunction kf = KernelFunction.of(arch);
            KernelOptions opt = base.withComputeNtk(ntk);
            Kernels dd = kf.compute(xTrain, null, Stages.of(opt, Stages.TRAIN));
            Kernels td = xTest == null ? null : kf.compute(xTest, xTrain, Stages.of(opt, Stages.TEST));
            Kernels tt = xTest != null && testTest ? kf.compute(xTest, null, Stages.of(opt, Stages.TEST_TEST)) : null;
            opt.progress().onStage(Stages.SOLVE, 0);
            return new KernelBundle(dd, td, tt, System.nanoTime() - t0);
        }

        Posterior attach(Posterior p, boolean withKernels) {
            Posterior timed = p.withKernelNanos(nanos);
            return withKernels ? timed.withKernels(new KernelSet(trainTrain, testTrain, testTest)) : timed;
        }
    }
}
