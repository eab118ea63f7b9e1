package org.ntk4j.predict;

import java.util.ArrayList;
import java.util.List;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.Blas;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.JitterPolicy;
import org.ntk4j.linalg.JitterReport;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.linalg.NativeMatrix;
import org.ntk4j.linalg.SymmetricEigen;

/**
 * One linearized network trained by gradient flow on L = 1/(2N)·‖f(X) − Y‖², N = n·k
 * (neural-tangents' {@code gradient_descent_mse}; Lee et al. 2019 eqs. 9–11). The kernel is any
 * n×n train-train kernel: the analytic NTK (or NNGP: readout-only training), or the empirical NTK
 * of an actual network. With Θ_r = Θ + λI, s = ηt/N and initial outputs f₀ (train), g₀ (test):
 * <pre>
 *   f_t(X) = f₀ + V·diag(e^{−μ⁺s} − 1)·Vᵀ(f₀ − Y)          (= Y + e^{−Θ_r s}(f₀ − Y))
 *   f_t(x) = g₀ + Θ_td·Θ_r⁻¹(I − e^{−Θ_r s})(Y − f₀)
 *   t = ∞:  f(X) = Y exactly (neural-tangents' convention, whatever λ and f₀),
 *           f(x) = g₀ + Θ_td(Θ + λI)⁻¹(Y − f₀)  (the ridge / min-norm solution, by Cholesky)
 * </pre>
 * For regularized outputs on the training points themselves, predict "test" outputs with
 * {@code kTestTrain = kTrainTrain} and {@code fxTest0 = fxTrain0}. The eigendecomposition (finite t)
 * and the Cholesky factor (t = ∞) are each computed once, on first use.
 */
public final class GradientDescentMse implements AutoCloseable {
    private final Matrix kernel;
    private final Matrix y;
    private final double learningRate;
    private final Regularization reg;
    private final JitterPolicy jitter;
    private RegularizedEigen eigen;
    private RegularizedCholesky cholesky;

    private GradientDescentMse(Matrix kernel, Matrix y, double lr, Regularization reg, JitterPolicy jitter) {
        this.kernel = kernel;
        this.y = y;
        this.learningRate = lr;
        this.reg = reg;
        this.jitter = jitter;
    }

    /** Prepares predictions for train-train kernel {@code kTrainTrain} (n×n) and targets {@code yTrain} (n×k). */
    public static GradientDescentMse fit(
            Matrix kTrainTrain, Matrix yTrain, double learningRate, Regularization reg, JitterPolicy jitter) {
        PredictorChecks.kernel(kTrainTrain, "kTrainTrain");
        PredictorChecks.finite(yTrain, "yTrain");
        PredictorChecks.rows(yTrain, kTrainTrain.rows(), "yTrain", "the train-train kernel");
        if (yTrain.cols() == 0) throw new InvalidInputException("yTrain", "has no columns");
        PredictorChecks.learningRate(learningRate);
        return new GradientDescentMse(
                kTrainTrain,
                yTrain.as(DType.FLOAT64),
                learningRate,
                reg == null ? Regularization.NONE : reg,
                jitter == null ? JitterPolicy.defaults() : jitter);
    }

    /**
     * Outputs at time {@code t} (≥ 0 or +∞).
     *
     * @param fxTrain0   n×k initial outputs on the training points (null = 0, the infinite-width mean)
     * @param fxTest0    m×k initial outputs on the test points (null = 0)
     * @param kTestTrain m×n test-train kernel, or null for training outputs only
     */
    public LinearizedPrediction predict(double t, Matrix fxTrain0, Matrix fxTest0, Matrix kTestTrain) {
        return predict(new double[] {t}, fxTrain0, fxTest0, kTestTrain).get(0);
    }

    /** Outputs at several times, sharing the decompositions. */
    public synchronized List<LinearizedPrediction> predict(
            double[] times, Matrix fxTrain0, Matrix fxTest0, Matrix kTestTrain) {
        double[] ts = PredictorChecks.times(times);
        int n = y.rows(), k = y.cols();
        Matrix f0 = fxTrain0 == null
                ? zeros(n, k)
                : PredictorChecks.finite(fxTrain0, "fxTrain0").as(DType.FLOAT64);
        PredictorChecks.shape(f0, n, k, "fxTrain0", "training points x outputs of yTrain");
        Matrix g0 = null;
        if (kTestTrain != null) {
            PredictorChecks.finite(kTestTrain, "kTestTrain");
            if (kTestTrain.cols() != n)
                throw new InvalidInputException(
                        "kTestTrain", "has " + kTestTrain.cols() + " columns but there are " + n + " training points");
            int m = kTestTrain.rows();
            g0 = fxTest0 == null
                    ? zeros(m, k)
                    : PredictorChecks.finite(fxTest0, "fxTest0").as(DType.FLOAT64);
            PredictorChecks.shape(g0, m, k, "fxTest0", "test points x outputs of yTrain");
        } else if (fxTest0 != null) {
            throw new InvalidInputException("kTestTrain", "is required when fxTest0 is given");
        }
        double normalization = (double) n * k;
        // Y, f0 and g0 scaled by a common power of two to max |entry| in [1, 2) (exact; the outputs
        // are scaled back): targets near 1e308 do not overflow in the residual or the solve
        int e = Math.max(
                Math.max(y.maxAbsExponent(), f0.maxAbsExponent()),
                g0 == null ? Integer.MIN_VALUE : g0.maxAbsExponent());
        Matrix ys = y.scalb(-e), f0s = f0.scalb(-e), g0s = g0 == null ? null : g0.scalb(-e);
        List<LinearizedPrediction> out = new ArrayList<>(ts.length);
        for (double t : ts) {
            LinearizedPrediction p = t == Double.POSITIVE_INFINITY
                    ? converged(ys, f0s, g0s, kTestTrain)
                    : atTime(t, learningRate * t / normalization, ys, f0s, g0s, kTestTrain);
            out.add(new LinearizedPrediction(
                    p.time(),
                    p.train().scalb(e),
                    p.test() == null ? null : p.test().scalb(e),
                    p.diagnostics()));
        }
        return List.copyOf(out);
    }

    /** The t = ∞ outputs for targets y (as scaled by the caller). */
    private LinearizedPrediction converged(Matrix y, Matrix f0, Matrix g0, Matrix kTestTrain) {
        boolean fresh = cholesky == null;
        if (fresh) cholesky = RegularizedCholesky.of(kernel, reg, jitter, "train-train kernel");
        Matrix test = null;
        long t0 = System.nanoTime();
        if (kTestTrain != null) {
            try (NativeMatrix r = residual(y, f0, "Y - f0")) {
                cholesky.cholesky.solveInPlace(r);
                test = addProduct(g0, kTestTrain, r);
            }
        }
        Diagnostics d = new Diagnostics(
                cholesky.lambda,
                cholesky.cholesky.jitter(),
                0,
                0,
                cholesky.cholesky.conditionEstimate(),
                new Timings(0, fresh ? cholesky.nanos : 0, System.nanoTime() - t0, 0));
        return new LinearizedPrediction(Double.POSITIVE_INFINITY, y, test, d);
    }

    /** The outputs at time t (s = ηt/N) for targets y (as scaled by the caller). */
    private LinearizedPrediction atTime(double t, double s, Matrix y, Matrix f0, Matrix g0, Matrix kTestTrain) {
        boolean fresh = eigen == null;
        if (fresh) eigen = RegularizedEigen.of(kernel, reg, "train-train kernel");
        long t0 = System.nanoTime();
        NativeMatrix v = eigen.vectors();
        Matrix train;
        Matrix test = null;
        try (NativeMatrix r = residual(f0, y, "f0 - Y");
                NativeMatrix c = Blas.multiply(true, v, false, r, "V^T (f0 - Y)")) {
            try (NativeMatrix ct = c.copy("scaled coefficients")) {
                double[] e = eigen.fitted(s);
                for (int j = 0; j < e.length; j++) e[j] = -e[j]; // e^{−μ⁺s} − 1
                ct.scaleRows(e);
                train = addProduct(f0, v, ct);
            }
            if (kTestTrain != null) {
                double[] a = eigen.inverseFitted(s);
                for (int j = 0; j < a.length; j++) a[j] = -a[j]; // (e^{−μ⁺s} − 1)/|μ|
                c.scaleRows(a);
                try (NativeMatrix vc = Blas.multiply(false, v, false, c, "V diag(a) V^T (f0 - Y)")) {
                    test = addProduct(g0, kTestTrain, vc);
                }
            }
        }
        Diagnostics d = new Diagnostics(
                eigen.lambda,
                JitterReport.NONE,
                0,
                eigen.negative,
                eigen.condition(),
                new Timings(0, fresh ? eigen.nanos : 0, System.nanoTime() - t0, 0));
        return new LinearizedPrediction(t, train, test, d);
    }

    /** a − b as a native matrix. */
    private static NativeMatrix residual(Matrix a, Matrix b, String what) {
        NativeMatrix r = NativeMatrix.copyOf(a, what);
        for (int j = 0; j < a.cols(); j++) for (int i = 0; i < a.rows(); i++) r.set(i, j, r.get(i, j) - b.get(i, j));
        return r;
    }

    /** base + A·x, with A on the heap. */
    private static Matrix addProduct(Matrix base, Matrix a, NativeMatrix x) {
        try (NativeMatrix an = NativeMatrix.copyOf(a, "kernel")) {
            return addProduct(base, an, x);
        }
    }

    /** base + A·x. */
    private static Matrix addProduct(Matrix base, NativeMatrix a, NativeMatrix x) {
        try (NativeMatrix out = NativeMatrix.copyOf(base, "outputs")) {
            Blas.gemm(false, false, 1.0, a, x, 1.0, out);
            return out.toMatrix();
        }
    }

    private static Matrix zeros(int r, int c) {
        return Matrix.wrapColumnMajor(r, c, new double[r * c]);
    }

    /**
     * neural-tangents' {@code max_learning_rate}: 2(1 + momentum)·N / (λ_max(Θ) + 1e-12), the
     * largest stable learning rate of full-batch gradient descent on L = 1/(2N)‖f − Y‖².
     *
     * @param yTrainSize N; 0 means the number of rows of the kernel (neural-tangents' default)
     */
    public static double maxLearningRate(Matrix ntkTrainTrain, int yTrainSize, double momentum) {
        PredictorChecks.kernel(ntkTrainTrain, "kTrainTrain");
        if (yTrainSize < 0)
            throw new InvalidInputException("yTrainSize", "must be >= 0 (0 = rows of the kernel), got " + yTrainSize);
        if (!(momentum >= 0) || !(momentum < 1))
            throw new InvalidInputException("momentum", "must be in [0, 1), got " + momentum);
        int n = yTrainSize == 0 ? ntkTrainTrain.rows() : yTrainSize;
        double lamMax = SymmetricEigen.largestEigenvalue(ntkTrainTrain, "kTrainTrain");
        return 2 * (1 + momentum) * n / (lamMax + 1e-12);
    }

    /** Frees the cached decompositions. */
    @Override
    public synchronized void close() {
        if (eigen != null) {
            eigen.close();
            eigen = null;
        }
        if (cholesky != null) {
            cholesky.close();
            cholesky = null;
        }
    }
}
