package org.ntk4j.predict;

import java.util.EnumMap;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.linalg.Blas;
import org.ntk4j.linalg.JitterPolicy;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.linalg.NativeMatrix;
import org.ntk4j.linalg.RoundOff;
import org.ntk4j.linalg.Rows;
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
 * The Cholesky factor of each regularized train kernel is computed once and cached. Instances are
 * thread-safe; close them to free native memory early.
 *
 * <p>The solve runs on Y scaled by a power of two to max |y| in [1, 2) and the mean is scaled back
 * (exact, so bit for bit the unscaled result wherever that is finite): targets near 1e308 with a
 * small λ then give their finite mean instead of overflowing in M_r⁻¹·Y. A result that is itself
 * not representable is a {@link org.ntk4j.error.NonFiniteResultException} (see {@link Posterior}).
 */
public final class GpInference implements AutoCloseable {
    private final Kernels trainTrain;
    private final Matrix y;
    private final int yExponent; // the solve uses y·2^-yExponent (max |entry| in [1, 2))
    private final Regularization reg;
    private final JitterPolicy jitter;
    private final EnumMap<KernelKind, RegularizedCholesky> factors = new EnumMap<>(KernelKind.class);
    private final EnumMap<KernelKind, NativeMatrix> alphas = new EnumMap<>(KernelKind.class);
    private NativeMatrix nngpTrain; // K_dd (unregularized) for the NTK covariance
    /**
     * Off-heap train-train kernels owned by this instance ({@link #fitOwned}), factored in place: a
     * kind's matrix becomes its factor's storage (null afterwards), so each n×n kernel exists once.
     */
    private final EnumMap<KernelKind, NativeMatrix> owned = new EnumMap<>(KernelKind.class);

    private GpInference(Kernels trainTrain, Matrix y, Regularization reg, JitterPolicy jitter) {
        this.trainTrain = trainTrain;
        this.y = y;
        this.yExponent = y.maxAbsExponent();
        this.reg = reg;
        this.jitter = jitter;
    }

    /**
     * Inference on off-heap train-train kernels this instance takes ownership of (closed with it, or
     * at once on failure). Each is factored in place, so it serves one kernel kind: the NTK factor
     * (NTK, NTKGP) and the unregularized NNGP (NTK covariance), or the NNGP factor (NNGP); asking
     * for the NNGP posterior after the NNGP was used unfactored, or the reverse, is an
     * IllegalStateException. The kernels must come from {@link org.ntk4j.kernel.KernelFunction} (x2 =
     * x1): finite, square, and as symmetric as {@link #fit} demands, which is checked here too.
     */
    static GpInference fitOwned(org.ntk4j.kernel.NativeKernels trainTrain, Matrix yTrain, Regularization reg, JitterPolicy jitter) {
        try {
            NativeMatrix any = trainTrain.nngp() != null ? trainTrain.nngp() : trainTrain.ntk();
            if (trainTrain.nngp() != null) PredictorChecks.kernel(trainTrain.nngp(), "kTrainTrain");
            if (trainTrain.ntk() != null) PredictorChecks.kernel(trainTrain.ntk(), "kTrainTrain");
            PredictorChecks.finite(yTrain, "yTrain");
            if (yTrain.rows() != any.rows())
                throw new InvalidInputException("yTrain", "has " + yTrain.rows() + " rows but the train-train kernel has " + any.rows());
            if (yTrain.cols() == 0) throw new InvalidInputException("yTrain", "has no columns");
        } catch (RuntimeException e) {
            trainTrain.close();
            throw e;
        }
        GpInference gp = new GpInference(null, yTrain.as(org.ntk4j.linalg.DType.FLOAT64),
            reg == null ? Regularization.NONE : reg, jitter == null ? JitterPolicy.defaults() : jitter);
        // explicit hand-over: trainTrain's handles are left empty, so closing it later frees nothing twice
        if (trainTrain.nngp() != null) gp.owned.put(KernelKind.NNGP, trainTrain.nngp().takeOwnership());
        if (trainTrain.ntk() != null) gp.owned.put(KernelKind.NTK, trainTrain.ntk().takeOwnership());
        return gp;
    }

    /**
     * Prepares inference on training kernels {@code trainTrain} (n×n; its NTK may be null if only
     * NNGP posteriors are wanted) and targets {@code yTrain} (n×k).
     */
    public static GpInference fit(Kernels trainTrain, Matrix yTrain, Regularization reg, JitterPolicy jitter) {
        if (trainTrain == null) throw new InvalidInputException("kTrainTrain", "is required");
        PredictorChecks.kernel(trainTrain.nngp(), "kTrainTrain");
        if (trainTrain.ntk() != null) PredictorChecks.kernel(trainTrain.ntk(), "kTrainTrain");
        PredictorChecks.finite(yTrain, "yTrain");
        PredictorChecks.rows(yTrain, trainTrain.nngp().rows(), "yTrain", "the train-train kernel");
        if (yTrain.cols() == 0) throw new InvalidInputException("yTrain", "has no columns");
        return new GpInference(trainTrain, yTrain.as(org.ntk4j.linalg.DType.FLOAT64),
            reg == null ? Regularization.NONE : reg, jitter == null ? JitterPolicy.defaults() : jitter);
    }

    /** Number of training points n. */
    public int trainSize() { return y.rows(); }

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
        if (mtd == null) throw new InvalidInputException("kTestTrain", get + " needs the NTK of the test against the training points");
        PredictorChecks.finite(mtd, "kTestTrain");
        PredictorChecks.shape(mtd, m, n, "kTestTrain", "test points x training points");
        if (kind == KernelKind.NTK && !hasTrain(KernelKind.NTK))
            throw new InvalidInputException("kTrainTrain", get + " needs the NTK of the training points");

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
     * As {@link #predict}, with the test-train kernels held off-heap by the caller
     * ({@link org.ntk4j.kernel.KernelFunction#computeOffHeap}): no heap m×n arrays, no copies. The
     * caller keeps ownership; the mean kernel (NTK for NTK/NTKGP, else NNGP) may be overwritten.
     */
    synchronized Posterior predictOwned(Get get, org.ntk4j.kernel.NativeKernels testTrain, Kernels testTest, CovarianceMode mode) {
        if (get == null || mode == null || testTrain == null) throw new IllegalArgumentException("get, test kernels and mode are required");
        KernelKind kind = get.meanKernel();
        NativeMatrix td = kind == KernelKind.NTK ? testTrain.ntk() : testTrain.nngp();
        NativeMatrix q = get == Get.NTK && mode != CovarianceMode.NONE ? testTrain.nngp() : null;
        int n = trainSize(), m = testTrain.cov1().length;
        if (td == null || (get == Get.NTK && mode != CovarianceMode.NONE && q == null))
            throw new IllegalArgumentException("predictOwned: the off-heap test-train kernels lack what " + get + " needs");
        if (td.rows() != m || td.cols() != n) throw new IllegalArgumentException("predictOwned: test-train kernel is " + td.rows() + "x" + td.cols());
        if (kind == KernelKind.NTK && !hasTrain(KernelKind.NTK))
            throw new InvalidInputException("kTrainTrain", get + " needs the NTK of the training points");
        requireWorkspace(kind, get, mode, m, false);
        return predictNative(get, kind, td, q, testTrain.cov1(), testTest, mode);
    }

    private void requireWorkspace(KernelKind kind, Get get, CovarianceMode mode, int m, boolean testCopies) {
        // Kernels this instance holds off-heap (fitOwned) are factored in place and used as they are:
        // they are already allocated, so they must not be counted again.
        int n = trainSize();
        Workspace.require("gp inference workspace (" + n + " training, " + m + " test points)",
            Workspace.gp(n, m, y.cols(), get, mode, !factors.containsKey(kind) && !owned.containsKey(kind),
                nngpTrain == null && !owned.containsKey(KernelKind.NNGP), testCopies));
    }

    /** The posterior from native test-train kernels: td (mean kernel, overwritten for NNGP/NTKGP variances), q (NNGP, NTK covariance only). */
    private Posterior predictNative(Get get, KernelKind kind, NativeMatrix td, NativeMatrix q, double[] testCov1, Kernels testTest,
                                    CovarianceMode mode) {
        int n = trainSize(), m = td.rows();
        boolean cached = factors.containsKey(kind);
        ParallelRegion.checkInterrupted(POSTERIOR);
        RegularizedCholesky chol = factor(kind);
        ParallelRegion.checkInterrupted(POSTERIOR); // between the O(n³) steps, each one BLAS/LAPACK call that can't be stopped
        long factorNanos = cached ? 0 : chol.nanos;

        long t0 = System.nanoTime();
        NativeMatrix alpha = alpha(kind, chol);
        Matrix mean;
        Matrix cov = null;
        double[] var = null;
        int clamped = 0;
        long meanNanos, covNanos;
        try (NativeMatrix mu = Blas.multiply(false, td, false, alpha, "posterior mean")) {
            mean = mu.toMatrix().scalb(yExponent);
        }
        meanNanos = System.nanoTime() - t0;
        long c0 = System.nanoTime();
        ParallelRegion.checkInterrupted(POSTERIOR);
        if (mode != CovarianceMode.NONE) {
            double[] pd = mode == CovarianceMode.DIAGONAL ? Covariances.diagonalPrior(get, testCov1, testTest, m) : null;
            Matrix pf = mode == CovarianceMode.FULL ? Covariances.fullPrior(get, testTest, m) : null;
            if (get == Get.NTK) {
                if (pf != null) {
                    try (NativeMatrix c = NtkCovariance.full(chol.cholesky, td, q, nngpTrain(), pf)) {
                        clamped = RoundOff.clampNegativeDiagonal(c);
                        cov = c.toMatrix();
                    }
                } else {
                    var = NtkCovariance.diagonal(chol.cholesky, td, q, nngpTrain(), pd);
                    clamped = RoundOff.clampNegative(var);
                }
            } else {
                chol.cholesky.timesInverseLowerTransposeInPlace(td); // X = M_td L^-T, so M_td M_r^-1 M_dt = X Xᵀ
                if (pf != null) {
                    try (NativeMatrix c = NativeMatrix.copyOf(pf, "prior covariance")) {
                        Blas.syrk(false, -1.0, td, 1.0, c, true);
                        clamped = RoundOff.clampNegativeDiagonal(c);
                        cov = c.toMatrix();
                    }
                } else {
                    double[] s = Rows.weightedSquares(td, ones(n));
                    var = new double[m];
                    for (int i = 0; i < m; i++) var[i] = pd[i] - s[i];
                    clamped = RoundOff.clampNegative(var);
                }
            }
        }
        covNanos = System.nanoTime() - c0;
        Diagnostics d = new Diagnostics(chol.lambda, chol.cholesky.jitter(), clamped, 0,
            chol.cholesky.conditionEstimate(), new Timings(0, factorNanos, meanNanos, covNanos));
        return new Posterior(get, Double.POSITIVE_INFINITY, mean, cov, var, d, null);
    }

    /** Names the computation in the exception of an interrupt. */
    private static final String POSTERIOR = "the posterior";

    synchronized RegularizedCholesky factor(KernelKind kind) {
        RegularizedCholesky c = factors.get(kind);
        if (c == null) {
            String what = (kind == KernelKind.NTK ? "NTK" : "NNGP") + " train-train kernel";
            if (trainTrain == null) {
                NativeMatrix a = owned.remove(kind);
                if (a == null)
                    throw new IllegalStateException(what + ": the off-heap kernel is missing or was used unfactored for the NTK covariance");
                c = RegularizedCholesky.ofOwned(a, reg, jitter, what);
            } else {
                Matrix k = kind == KernelKind.NTK ? trainTrain.ntk() : trainTrain.nngp();
                c = RegularizedCholesky.of(k, reg, jitter, what);
            }
            factors.put(kind, c);
        }
        return c;
    }

    private boolean hasTrain(KernelKind kind) {
        if (trainTrain != null) return (kind == KernelKind.NTK ? trainTrain.ntk() : trainTrain.nngp()) != null;
        return owned.containsKey(kind) || factors.containsKey(kind);
    }

    private NativeMatrix alpha(KernelKind kind, RegularizedCholesky chol) {
        return alphas.computeIfAbsent(kind, k -> chol.solve(y.scalb(-yExponent), "M_r^-1 y (scaled)"));
    }

    private NativeMatrix nngpTrain() {
        if (nngpTrain == null) {
            if (trainTrain != null) nngpTrain = NativeMatrix.copyOf(trainTrain.nngp(), "NNGP train-train kernel");
            else {
                nngpTrain = owned.remove(KernelKind.NNGP);
                if (nngpTrain == null)
                    throw new IllegalStateException("the NTK covariance needs the unfactored NNGP train-train kernel, which was not kept off-heap or was factored");
            }
        }
        return nngpTrain;
    }

    private static double[] ones(int n) {
        double[] o = new double[n];
        java.util.Arrays.fill(o, 1.0);
        return o;
    }

    /** Frees the cached factorizations. */
    @Override public synchronized void close() {
        factors.values().forEach(RegularizedCholesky::close);
        alphas.values().forEach(NativeMatrix::close);
        owned.values().forEach(NativeMatrix::close);
        factors.clear();
        alphas.clear();
        owned.clear();
        if (nngpTrain != null) { nngpTrain.close(); nngpTrain = null; }
    }
}
