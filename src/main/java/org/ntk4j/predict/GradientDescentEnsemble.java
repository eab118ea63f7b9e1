package org.ntk4j.predict;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.kernel.KernelKind;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.linalg.Blas;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.JitterPolicy;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.linalg.NativeMatrix;

/**
 * Mean and covariance of an infinite ensemble of infinite-width networks trained by gradient flow on
 * L = 1/(2N)·‖f(X) − Y‖², N = n·k, for time t at learning rate η (neural-tangents'
 * {@code gradient_descent_mse_ensemble}). {@link Get#NTK}: all layers trained (Θ drives the flow);
 * {@link Get#NNGP}: only the readout (K drives it). The prior covariance is always the NNGP.
 *
 * <p>With M_r = M + λI = V·diag(μ)·Vᵀ (one cached dsyevd per kernel), s = ηt/N and
 * A(s) = V·diag((1 − e^{−μ⁺s})/|μ|)·Vᵀ = M_r⁻¹(I − e^{−M_r s}):
 * test mean M_td A(s) Y; NNGP covariance K_tt − K_td A_K(2s) K_dt; NTK covariance
 * K_tt + Θ_td A K_dd A Θ_dt − (Θ_td A K_dt + K_td A Θ_dt); training-set mean (I − e^{−M_r s})Y,
 * covariance K_r e^{−2K_r s} (NNGP; K + λI at t = 0, as neural-tangents) or e^{−Θ_r s} K_dd e^{−Θ_r s}
 * (NTK). Negative eigenvalues are clamped to 0 and counted; a zero eigenvalue uses the limit s of
 * (1 − e^{−μs})/μ instead of neural-tangents' 0/0. t = ∞ delegates to {@link GpInference}.
 */
public final class GradientDescentEnsemble implements AutoCloseable {
    private final Kernels trainTrain;
    private final Matrix y;
    private final double learningRate;
    private final Regularization reg;
    private final GpInference gp;
    private final EnumMap<KernelKind, RegularizedEigen> eigens = new EnumMap<>(KernelKind.class);
    private final EnumMap<KernelKind, NativeMatrix> coefficients = new EnumMap<>(KernelKind.class); // Vᵀ Y
    private NativeMatrix nngpInEigenbasis; // C = Vᵀ K_dd V of the NTK eigenbasis

    private GradientDescentEnsemble(Kernels trainTrain, Matrix y, double lr, Regularization reg, JitterPolicy jitter) {
        this.trainTrain = trainTrain;
        this.y = y;
        this.learningRate = lr;
        this.reg = reg;
        this.gp = GpInference.fit(trainTrain, y, reg, jitter);
    }

    /** Prepares predictions for training kernels (n×n; NTK optional when only NNGP is used) and targets (n×k). */
    public static GradientDescentEnsemble fit(
            Kernels trainTrain, Matrix yTrain, double learningRate, Regularization reg, JitterPolicy jitter) {
        PredictorChecks.learningRate(learningRate);
        if (trainTrain == null) throw new InvalidInputException("kTrainTrain", "is required");
        PredictorChecks.finite(yTrain, "yTrain");
        return new GradientDescentEnsemble(
                trainTrain, yTrain.as(DType.FLOAT64), learningRate, reg == null ? Regularization.NONE : reg, jitter);
    }

    /** The posterior at one time (t ≥ 0 or +∞); {@code testTrain == null} means the training set. */
    public Posterior predict(Get get, double time, Kernels testTrain, Kernels testTest, CovarianceMode mode) {
        return predict(get, new double[] {time}, testTrain, testTest, mode).get(0);
    }

    /**
     * Posteriors at several times (each ≥ 0 or +∞), sharing the eigendecomposition and the
     * projections of the test kernels.
     *
     * @param testTrain test-train kernels (m×n), or null for the training set; {@code cov1} must
     *                  hold the NNGP prior variances of the test points
     * @param testTest  test-test kernels (m×m), needed for a full test covariance
     */
    public synchronized List<Posterior> predict(
            Get get, double[] times, Kernels testTrain, Kernels testTest, CovarianceMode mode) {
        if (get == null || mode == null) throw new IllegalArgumentException("get and mode are required");
        if (get == Get.NTKGP)
            throw new InvalidInputException(
                    "get",
                    "the ensemble at a training time supports nngp and ntk only (NTKGP is a t = inf posterior: use gp inference)");
        double[] ts = PredictorChecks.times(times);
        KernelKind kind = get.meanKernel();
        Matrix mdd = kind == KernelKind.NTK ? trainTrain.ntk() : trainTrain.nngp();
        if (mdd == null) throw new InvalidInputException("kTrainTrain", get + " needs the NTK of the training points");
        int m = testTrain == null ? 0 : testTrain.nngp().rows();
        Workspace.require(
                "ensemble workspace (" + y.rows() + " training, " + m + " test points)",
                Workspace.ensemble(y.rows(), m, y.cols(), get, mode, testTrain == null));
        List<Posterior> out = new ArrayList<>(ts.length);
        boolean anyFinite = false;
        for (double t : ts) anyFinite |= Double.isFinite(t);
        try (EnsembleTerms terms = anyFinite ? terms(get, kind, mdd, testTrain, mode) : null) {
            for (double t : ts) {
                if (t == Double.POSITIVE_INFINITY) {
                    out.add(
                            testTrain == null
                                    ? gp.predictTrain(get, mode)
                                    : gp.predict(get, testTrain, testTest, mode));
                } else {
                    out.add(terms.at(t, learningRate * t / ((double) y.rows() * y.cols()), testTrain, testTest, mode));
                }
            }
        }
        return List.copyOf(out);
    }

    private EnsembleTerms terms(Get get, KernelKind kind, Matrix mdd, Kernels testTrain, CovarianceMode mode) {
        boolean cached = eigens.containsKey(kind);
        RegularizedEigen eig = eigen(kind, mdd);
        // Vᵀ·Y on Y scaled to max |y| in [1, 2) (exact), and the means scaled back: targets near
        // 1e308 then do not overflow in the projection (see GpInference)
        int e = y.maxAbsExponent();
        NativeMatrix c = coefficients.computeIfAbsent(kind, k -> eig.project(y.scalb(-e), "yTrain (scaled)"));
        NativeMatrix kddEig = get == Get.NTK && mode != CovarianceMode.NONE ? nngpInEigenbasis(eig) : null;
        return EnsembleTerms.prepare(get, eig, c, e, kddEig, trainTrain, testTrain, mode, cached ? 0 : eig.nanos);
    }

    private RegularizedEigen eigen(KernelKind kind, Matrix mdd) {
        RegularizedEigen e = eigens.get(kind);
        if (e == null) {
            e = RegularizedEigen.of(mdd, reg, (kind == KernelKind.NTK ? "NTK" : "NNGP") + " train-train kernel");
            eigens.put(kind, e);
        }
        return e;
    }

    /** C = Vᵀ K_dd V in the eigenbasis of the regularized NTK (cached: two n³ products). */
    private NativeMatrix nngpInEigenbasis(RegularizedEigen eig) {
        if (nngpInEigenbasis == null) {
            try (NativeMatrix k = NativeMatrix.copyOf(trainTrain.nngp(), "NNGP train-train kernel");
                    NativeMatrix kv = Blas.multiply(false, k, false, eig.vectors(), "K_dd V")) {
                nngpInEigenbasis = Blas.multiply(true, eig.vectors(), false, kv, "V^T K_dd V");
                nngpInEigenbasis.symmetrize();
            }
        }
        return nngpInEigenbasis;
    }

    /** Frees the cached decompositions. */
    @Override
    public synchronized void close() {
        eigens.values().forEach(RegularizedEigen::close);
        coefficients.values().forEach(NativeMatrix::close);
        eigens.clear();
        coefficients.clear();
        if (nngpInEigenbasis != null) {
            nngpInEigenbasis.close();
            nngpInEigenbasis = null;
        }
        gp.close();
    }
}
