package org.ntk4j.predict;

import java.util.EnumMap;
import org.ntk4j.arch.Architecture;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.KernelKind;
import org.ntk4j.kernel.KernelOptions;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.kernel.NativeKernels;
import org.ntk4j.linalg.Blas;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.JitterPolicy;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.linalg.NativeMatrix;
import org.ntk4j.linalg.RoundOff;
import org.ntk4j.linalg.Rows;
import org.ntk4j.operator.DenseKernelOperator;
import org.ntk4j.parallel.ParallelRegion;

/**
 * Exact posteriors at t = ∞ (neural-tangents' {@code gp_inference}), from precomputed kernels.
 * With M_r = M + λI (M = K for NNGP, Θ for NTK and NTKGP):
 * <ul>
 *   <li>mean M_td·M_r⁻¹·Y;</li>
 *   <li>NNGP covariance K_tt − K_td K_r⁻¹ K_dt; NTKGP Θ_tt − Θ_td Θ_r⁻¹ Θ_dt;</li>
 *   <li>NTK (an infinite ensemble trained to convergence, Lee et al. 2019 eq. 16):
 *       K_tt + Θ_td Θ_r⁻¹ K_dd Θ_r⁻¹ Θ_dt − (Θ_td Θ_r⁻¹ K_dt + K_td Θ_r⁻¹ Θ_dt), with the
 *       unregularized K_dd in the middle;</li>
 *   <li>the training set itself: mean Y, covariance 0 (neural-tangents' convention).</li>
 * </ul>
 * The training kernels are a {@link DenseKernelOperator}: the caller's heap matrices ({@link #fit},
 * copied when factored) or off-heap kernels this instance owns ({@link #fit(DenseKernelOperator, Matrix,
 * Regularization, JitterPolicy)}, factored in place, so each n×n kernel exists once). The Cholesky
 * factor of each regularized train kernel is computed once and cached. Instances are thread-safe;
 * close them to free native memory early.
 *
 * <p>The solve runs on Y scaled by a power of two to max |y| in [1, 2) and the mean is scaled back
 * (exact, so bit for bit the unscaled result wherever that is finite): targets near 1e308 with a
 * small λ then give their finite mean instead of overflowing in M_r⁻¹·Y. A result that is itself
 * not representable is a {@link org.ntk4j.error.NonFiniteResultException} (see {@link Posterior}).
 */
public final class GpInference implements AutoCloseable {
    private final DenseKernelOperator trainTrain;
    private final Matrix y;
    private final int yExponent; // the solve uses y·2^-yExponent (max |entry| in [1, 2))
    private final Regularization reg;
    private final JitterPolicy jitter;
    private final EnumMap<KernelKind, RegularizedCholesky> factors = new EnumMap<>(KernelKind.class);
    private final EnumMap<KernelKind, NativeMatrix> alphas = new EnumMap<>(KernelKind.class);

    private GpInference(DenseKernelOperator trainTrain, Matrix y, Regularization reg, JitterPolicy jitter) {
        this.trainTrain = trainTrain;
        this.y = y.as(DType.FLOAT64);
        this.yExponent = this.y.maxAbsExponent();
        this.reg = reg == null ? Regularization.NONE : reg;
        this.jitter = jitter == null ? JitterPolicy.defaults() : jitter;
    }

    /**
     * Prepares inference on training kernels {@code trainTrain} (n×n; its NTK may be null if only
     * NNGP posteriors are wanted) and targets {@code yTrain} (n×k). The kernels are used as they are
     * (copied off-heap when factored), never modified.
     */
    public static GpInference fit(Kernels trainTrain, Matrix yTrain, Regularization reg, JitterPolicy jitter) {
        if (trainTrain == null) throw new InvalidInputException("kTrainTrain", "is required");
        PredictorChecks.kernel(trainTrain.nngp(), "kTrainTrain");
        if (trainTrain.ntk() != null) PredictorChecks.kernel(trainTrain.ntk(), "kTrainTrain");
        checkTargets(yTrain, trainTrain.nngp().rows());
        return new GpInference(DenseKernelOperator.wrap(trainTrain), yTrain, reg, jitter);
    }

    /**
     * Inference on off-heap training kernels this instance takes over (closed with it, or at once when
     * a check fails). Each kernel is factored in place unless it is needed unfactored too: with the NTK
     * held, the NNGP is kept for the NTK ensemble's covariance (so asking this instance for the NNGP
     * posterior then copies it). The kernels must be what {@link KernelFunction} computes for x2 = x1
     * (finite, square and symmetric; checked).
     */
    public static GpInference fit(
            DenseKernelOperator trainTrain, Matrix yTrain, Regularization reg, JitterPolicy jitter) {
        if (trainTrain == null) throw new InvalidInputException("kTrainTrain", "is required");
        try {
            for (KernelKind kind : KernelKind.values())
                if (trainTrain.has(kind)) PredictorChecks.kernel(trainTrain.matrix(kind), "kTrainTrain");
            checkTargets(yTrain, trainTrain.size());
        } catch (RuntimeException e) {
            trainTrain.close();
            throw e;
        }
        return new GpInference(trainTrain, yTrain, reg, jitter);
    }

    private static void checkTargets(Matrix yTrain, int n) {
        PredictorChecks.finite(yTrain, "yTrain");
        PredictorChecks.rows(yTrain, n, "yTrain", "the train-train kernel");
        if (yTrain.cols() == 0) throw new InvalidInputException("yTrain", "has no columns");
    }

    /**
     * Fails fast, before any kernel is computed, on what the exact path cannot do: a workspace larger
     * than the free memory, or (λ = 0, test points given) duplicate training rows, whose kernel is singular.
     */
    public static void checkExact(Matrix xTrain, Matrix yTrain, Matrix xTest, Get get, PredictOptions o) {
        checkWellPosed(xTrain, xTest, o.regularization());
        int m = xTest == null ? 0 : xTest.rows();
        Workspace.require(
                "gp inference workspace (" + xTrain.rows() + " training, " + m + " test points)",
                Workspace.gp(xTrain.rows(), m, yTrain.cols(), get, o.covariance()));
    }

    /**
     * The part of {@link #checkExact} every exact solver shares, wherever its kernels live: with λ = 0
     * and test points, duplicate training rows make the kernel singular, an
     * {@link org.ntk4j.error.IllPosedProblemException} naming the rows.
     */
    public static void checkWellPosed(Matrix xTrain, Matrix xTest, Regularization reg) {
        if (reg.isZero() && xTest != null) PredictorChecks.noDuplicateRows(xTrain, "xTrain");
    }

    /**
     * The training kernels the exact posterior {@code get} needs, computed straight into off-heap
     * storage (a progress listener sees the stage "train kernel"): the NNGP for the NNGP posterior and
     * the NTK ensemble's covariance, the NTK for NTK and NTKGP.
     */
    public static DenseKernelOperator trainKernels(Architecture arch, Matrix xTrain, Get get, PredictOptions o) {
        KernelOptions opt = o.kernelOptions().withComputeNtk(get != Get.NNGP);
        return DenseKernelOperator.compute(
                arch, xTrain, Stages.of(opt, Stages.TRAIN), get != Get.NNGP, keepsNngp(get, o.covariance()));
    }

    static boolean keepsNngp(Get get, CovarianceMode mode) {
        return get == Get.NNGP || (get == Get.NTK && mode != CovarianceMode.NONE);
    }

    /**
     * The exact posterior at {@code xTest} (null: the training set) from training kernels made by
     * {@link #trainKernels}, which this call takes over and factors in place; the test-train kernels
     * are computed off-heap too (at m ~ n they are as large). Each kernel exists once, and the numbers
     * are bit for bit those of computing {@link Kernels} and calling {@link #fit(Kernels, Matrix,
     * Regularization, JitterPolicy)}.
     *
     * @param trainNanos the time the training kernels took (reported in the timings)
     */
    public static Posterior solve(
            DenseKernelOperator trainTrain, long trainNanos, Matrix yTrain, Matrix xTest, Get get, PredictOptions o) {
        try (GpInference gp = fit(trainTrain, yTrain, o.regularization(), o.jitter())) {
            return gp.predictAt(xTest, get, o.covariance(), o.kernelOptions(), trainNanos);
        }
    }

    /**
     * The test side of the exact posterior, shared by {@link #solve} and {@link FittedPosterior} (so a
     * saved model predicts bit for bit what one run predicts): the test-train kernels from the
     * training operator's architecture (off-heap, m×n), the test-test kernels when the covariance
     * needs them, then {@link #predict(Get, NativeKernels, Kernels, CovarianceMode)}.
     *
     * @param trainNanos the time the training kernels took, added to the reported kernel time
     */
    Posterior predictAt(Matrix xTest, Get get, CovarianceMode mode, KernelOptions kernelOptions, long trainNanos) {
        KernelOptions opt = kernelOptions.withComputeNtk(get != Get.NNGP);
        long t1 = System.nanoTime();
        if (xTest == null) {
            opt.progress().onStage(Stages.SOLVE, 0);
            return predictTrain(get, mode).withKernelNanos(trainNanos);
        }
        try (NativeKernels td = trainTrain.pointsAgainst(xTest, Stages.of(opt, Stages.TEST), keepsNngp(get, mode))) {
            Kernels tt = Stages.needsTestTest(get, mode)
                    ? trainTrain.among(xTest, opt.computeNtk(), Stages.of(opt, Stages.TEST_TEST))
                    : null;
            opt.progress().onStage(Stages.SOLVE, 0);
            long kernelNanos = trainNanos + System.nanoTime() - t1;
            return predict(get, td, tt, mode).withKernelNanos(kernelNanos);
        }
    }

    /** Number of training points n. */
    public int trainSize() {
        return y.rows();
    }

    /** The posterior on the training set itself: mean Y, covariance 0 (neural-tangents' convention). */
    public Posterior predictTrain(Get get, CovarianceMode mode) {
        int n = y.rows();
        Matrix cov = mode == CovarianceMode.FULL ? Matrix.wrapColumnMajor(n, n, new double[n * n]) : null;
        double[] var = mode == CovarianceMode.DIAGONAL ? new double[n] : null;
        Diagnostics d = new Diagnostics(0, null, 0, 0, Double.NaN, Timings.ZERO);
        return new Posterior(get, Double.POSITIVE_INFINITY, y, cov, var, d, null);
    }

    /**
     * The posterior at m test points.
     *
     * @param testTrain kernels of the test points against the training points (m×n; the NTK is
     *                  needed for NTK and NTKGP, the NNGP for NNGP and for the NTK covariance);
     *                  {@code cov1} must hold the NNGP prior variances K(x, x) of the test points
     * @param testTest  kernels of the test points with themselves (m×m), needed for a full covariance
     *                  and for NTKGP variances; may be null otherwise
     * @param mode      full covariance, variances only, or none
     */
    public synchronized Posterior predict(Get get, Kernels testTrain, Kernels testTest, CovarianceMode mode) {
        if (get == null || mode == null) throw new IllegalArgumentException("get and mode are required");
        if (testTrain == null) return predictTrain(get, mode);
        int n = trainSize(), m = testTrain.nngp().rows();
        KernelKind kind = get.meanKernel();
        Matrix mtd = kind == KernelKind.NTK ? testTrain.ntk() : testTrain.nngp();
        if (mtd == null)
            throw new InvalidInputException(
                    "kTestTrain", get + " needs the NTK of the test against the training points");
        PredictorChecks.finite(mtd, "kTestTrain");
        PredictorChecks.shape(mtd, m, n, "kTestTrain", "test points x training points");
        requireTrainKernel(kind, get);

        Matrix ktd = null;
        if (get == Get.NTK && mode != CovarianceMode.NONE) {
            ktd = PredictorChecks.finite(testTrain.nngp(), "kTestTrain");
            PredictorChecks.shape(ktd, m, n, "kTestTrain", "test points x training points");
        }
        requireWorkspace(kind, get, mode, m, true);
        try (NativeMatrix td = NativeMatrix.copyOf(mtd, "test-train kernel");
                NativeMatrix q = ktd == null ? null : NativeMatrix.copyOf(ktd, "test-train NNGP")) {
            return predictNative(get, kind, td, q, testTrain.cov1(), testTest, mode);
        }
    }

    /**
     * As {@link #predict(Get, Kernels, Kernels, CovarianceMode)}, with the test-train kernels held
     * off-heap by the caller ({@link KernelFunction#computeOffHeap}): no heap m×n arrays, no copies.
     * The caller keeps ownership; the mean kernel (NTK for NTK/NTKGP, else NNGP) may be overwritten.
     */
    public synchronized Posterior predict(Get get, NativeKernels testTrain, Kernels testTest, CovarianceMode mode) {
        if (get == null || mode == null || testTrain == null)
            throw new IllegalArgumentException("get, test kernels and mode are required");
        KernelKind kind = get.meanKernel();
        NativeMatrix td = kind == KernelKind.NTK ? testTrain.ntk() : testTrain.nngp();
        NativeMatrix q = get == Get.NTK && mode != CovarianceMode.NONE ? testTrain.nngp() : null;
        int n = trainSize(), m = testTrain.cov1().length;
        if (td == null || (get == Get.NTK && mode != CovarianceMode.NONE && q == null))
            throw new InvalidInputException(
                    "kTestTrain", "the off-heap test-train kernels lack what " + get + " needs");
        if (td.rows() != m || td.cols() != n)
            throw new InvalidInputException(
                    "kTestTrain", "is " + td.rows() + "x" + td.cols() + " but must be " + m + "x" + n);
        requireTrainKernel(kind, get);
        requireWorkspace(kind, get, mode, m, false);
        return predictNative(get, kind, td, q, testTrain.cov1(), testTest, mode);
    }

    private void requireTrainKernel(KernelKind kind, Get get) {
        if (kind == KernelKind.NTK && !factors.containsKey(kind) && !trainTrain.has(kind))
            throw new InvalidInputException("kTrainTrain", get + " needs the NTK of the training points");
    }

    /** Whether factoring {@code kind} must keep its kernel: the NNGP, while the NTK ensemble's covariance may still need it. */
    private boolean keepUnfactored(KernelKind kind) {
        return kind == KernelKind.NNGP && (trainTrain.has(KernelKind.NTK) || factors.containsKey(KernelKind.NTK));
    }

    private void requireWorkspace(KernelKind kind, Get get, CovarianceMode mode, int m, boolean testCopies) {
        // kernels already held off-heap and factored in place are not counted again
        int n = trainSize();
        boolean factorAllocates = !factors.containsKey(kind) && trainTrain.takeAllocates(kind, keepUnfactored(kind));
        boolean nngpCopy = get == Get.NTK && trainTrain.matrixAllocates(KernelKind.NNGP);
        Workspace.require(
                "gp inference workspace (" + n + " training, " + m + " test points)",
                Workspace.gp(n, m, y.cols(), get, mode, factorAllocates, nngpCopy, testCopies));
    }

    /**
     * The posterior from native test-train kernels: td (the mean kernel, overwritten for NNGP/NTKGP
     * variances), q (the NNGP, for the NTK covariance only). Factor (cached) → mean → covariance.
     */
    private Posterior predictNative(
            Get get,
            KernelKind kind,
            NativeMatrix td,
            NativeMatrix q,
            double[] testCov1,
            Kernels testTest,
            CovarianceMode mode) {
        boolean cached = factors.containsKey(kind);
        ParallelRegion.checkInterrupted(POSTERIOR);
        RegularizedCholesky chol = factor(kind);
        ParallelRegion.checkInterrupted(
                POSTERIOR); // between the O(n³) steps, each one BLAS/LAPACK call that can't be stopped
        long factorNanos = cached ? 0 : chol.nanos;

        long t0 = System.nanoTime();
        Matrix mean = mean(kind, chol, td);
        long meanNanos = System.nanoTime() - t0;
        long c0 = System.nanoTime();
        ParallelRegion.checkInterrupted(POSTERIOR);
        Covariance c = mode == CovarianceMode.NONE
                ? Covariance.NONE
                : get == Get.NTK
                        ? ensembleCovariance(chol, td, q, testCov1, testTest, mode)
                        : gpCovariance(get, chol, td, testCov1, testTest, mode);
        long covNanos = System.nanoTime() - c0;
        Diagnostics d = new Diagnostics(
                chol.lambda,
                chol.cholesky.jitter(),
                c.clamped,
                0,
                chol.cholesky.conditionEstimate(),
                new Timings(0, factorNanos, meanNanos, covNanos));
        return new Posterior(get, Double.POSITIVE_INFINITY, mean, c.full, c.variances, d, null);
    }

    /** M_td·α, scaled back by 2^yExponent. */
    private Matrix mean(KernelKind kind, RegularizedCholesky chol, NativeMatrix td) {
        try (NativeMatrix mu = Blas.multiply(false, td, false, alpha(kind, chol), "posterior mean")) {
            return mu.toMatrix().scalb(yExponent);
        }
    }

    /** A full covariance or variances (one of them, or neither), with the count of negative diagonal entries clamped to 0. */
    private record Covariance(Matrix full, double[] variances, int clamped) {
        static final Covariance NONE = new Covariance(null, null, 0);
    }

    /** NNGP/NTKGP: prior − X·Xᵀ with X = M_td·L⁻ᵀ (so X·Xᵀ = M_td·M_r⁻¹·M_dt); overwrites td with X. */
    private Covariance gpCovariance(
            Get get,
            RegularizedCholesky chol,
            NativeMatrix td,
            double[] testCov1,
            Kernels testTest,
            CovarianceMode mode) {
        int m = td.rows();
        chol.cholesky.timesInverseLowerTransposeInPlace(td);
        if (mode == CovarianceMode.FULL) {
            try (NativeMatrix c = NativeMatrix.copyOf(Covariances.fullPrior(get, testTest, m), "prior covariance")) {
                Blas.syrk(false, -1.0, td, 1.0, c, true);
                int clamped = RoundOff.clampNegativeDiagonal(c);
                return new Covariance(c.toMatrix(), null, clamped);
            }
        }
        double[] pd = Covariances.diagonalPrior(get, testCov1, testTest, m);
        double[] s = Rows.weightedSquares(td, ones(trainSize()));
        double[] var = new double[m];
        for (int i = 0; i < m; i++) var[i] = pd[i] - s[i];
        return new Covariance(null, var, RoundOff.clampNegative(var));
    }

    /** The NTK ensemble (Lee et al. 2019 eq. 16), with the unregularized K_dd in the middle ({@link NtkCovariance}). */
    private Covariance ensembleCovariance(
            RegularizedCholesky chol,
            NativeMatrix td,
            NativeMatrix q,
            double[] testCov1,
            Kernels testTest,
            CovarianceMode mode) {
        int m = td.rows();
        NativeMatrix kdd = trainTrain.matrix(KernelKind.NNGP);
        if (mode == CovarianceMode.FULL) {
            try (NativeMatrix c =
                    NtkCovariance.full(chol.cholesky, td, q, kdd, Covariances.fullPrior(Get.NTK, testTest, m))) {
                int clamped = RoundOff.clampNegativeDiagonal(c);
                return new Covariance(c.toMatrix(), null, clamped);
            }
        }
        double[] var = NtkCovariance.diagonal(
                chol.cholesky, td, q, kdd, Covariances.diagonalPrior(Get.NTK, testCov1, testTest, m));
        return new Covariance(null, var, RoundOff.clampNegative(var));
    }

    /** Names the computation in the exception of an interrupt. */
    private static final String POSTERIOR = "the posterior";

    synchronized RegularizedCholesky factor(KernelKind kind) {
        RegularizedCholesky c = factors.get(kind);
        if (c == null) {
            String what = kind.label() + " train-train kernel";
            c = RegularizedCholesky.ofOwned(trainTrain.take(kind, keepUnfactored(kind), what), reg, jitter, what);
            factors.put(kind, c);
        }
        return c;
    }

    private NativeMatrix alpha(KernelKind kind, RegularizedCholesky chol) {
        return alphas.computeIfAbsent(kind, k -> chol.solve(y.scalb(-yExponent), "M_r^-1 y (scaled)"));
    }

    /**
     * What the t = ∞ posterior of {@code kind}'s kernel needs besides the test kernels, computed now
     * if it was not: the factor of M + λI and the weights α = M_r⁻¹·y·2^-yExponent (both still
     * owned by this instance), and the unfactored NNGP K_dd when this instance holds it (the NTK
     * ensemble's covariance), else null.
     */
    synchronized Fitted fitted(KernelKind kind) {
        RegularizedCholesky chol = factor(kind);
        NativeMatrix a = alpha(kind, chol);
        NativeMatrix kdd =
                kind == KernelKind.NTK && trainTrain.has(KernelKind.NNGP) ? trainTrain.matrix(KernelKind.NNGP) : null;
        return new Fitted(chol, a, yExponent, kdd);
    }

    /** A view of the fitted state ({@link #fitted}); the matrices belong to the instance. */
    record Fitted(RegularizedCholesky factor, NativeMatrix alpha, int yExponent, NativeMatrix nngpTrain) {}

    /**
     * An instance whose factor and weights for {@code kind} were computed earlier (a saved model's),
     * taken over with {@code trainTrain} (the operator of the training points, with the NNGP K_dd
     * when the NTK ensemble's covariance needs it); {@code yTrain} gives the scaling exponent the
     * weights were computed with (the caller checks it against the saved one).
     */
    static GpInference restore(
            DenseKernelOperator trainTrain,
            Matrix yTrain,
            Regularization reg,
            KernelKind kind,
            RegularizedCholesky factor,
            NativeMatrix alpha) {
        GpInference gp = new GpInference(trainTrain, yTrain, reg, JitterPolicy.defaults());
        gp.factors.put(kind, factor);
        gp.alphas.put(kind, alpha);
        return gp;
    }

    /** The exponent e of the scaling y·2^-e the weights are computed with. */
    int yExponent() {
        return yExponent;
    }

    private static double[] ones(int n) {
        double[] o = new double[n];
        java.util.Arrays.fill(o, 1.0);
        return o;
    }

    /** Frees the cached factorizations and the kernels held off-heap. */
    @Override
    public synchronized void close() {
        factors.values().forEach(RegularizedCholesky::close);
        alphas.values().forEach(NativeMatrix::close);
        factors.clear();
        alphas.clear();
        trainTrain.close();
    }
}
