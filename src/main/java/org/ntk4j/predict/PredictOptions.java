package org.ntk4j.predict;

import org.ntk4j.error.InvalidInputException;
import org.ntk4j.kernel.KernelOptions;
import org.ntk4j.linalg.JitterPolicy;

/**
 * Options of a prediction.
 *
 * @param regularization diag_reg and whether it is absolute (default none)
 * @param learningRate   η > 0; time is τ = η·t (default 1)
 * @param covariance     full, diagonal or none (default diagonal)
 * @param jitter         how a numerically singular Cholesky is repaired (default
 *                       {@link JitterPolicy#defaults()})
 * @param returnKernels  whether the Architecture convenience returns the kernel matrices
 * @param kernelOptions  options for computing kernels from an Architecture
 */
public record PredictOptions(
        Regularization regularization,
        double learningRate,
        CovarianceMode covariance,
        JitterPolicy jitter,
        boolean returnKernels,
        KernelOptions kernelOptions) {
    public PredictOptions {
        if (regularization == null) regularization = Regularization.NONE;
        if (!(learningRate > 0) || !Double.isFinite(learningRate))
            throw new InvalidInputException("learningRate", "must be > 0 and finite, got " + learningRate);
        if (covariance == null) covariance = CovarianceMode.DIAGONAL;
        if (jitter == null) jitter = JitterPolicy.defaults();
        if (kernelOptions == null) kernelOptions = KernelOptions.defaults();
    }

    /** No regularization, η = 1, diagonal covariance, default jitter, no kernels returned. */
    public static PredictOptions defaults() {
        return new PredictOptions(
                Regularization.NONE,
                1.0,
                CovarianceMode.DIAGONAL,
                JitterPolicy.defaults(),
                false,
                KernelOptions.defaults());
    }

    public PredictOptions withRegularization(Regularization v) {
        return new PredictOptions(v, learningRate, covariance, jitter, returnKernels, kernelOptions);
    }

    public PredictOptions withLearningRate(double v) {
        return new PredictOptions(regularization, v, covariance, jitter, returnKernels, kernelOptions);
    }

    public PredictOptions withCovariance(CovarianceMode v) {
        return new PredictOptions(regularization, learningRate, v, jitter, returnKernels, kernelOptions);
    }

    public PredictOptions withJitter(JitterPolicy v) {
        return new PredictOptions(regularization, learningRate, covariance, v, returnKernels, kernelOptions);
    }

    public PredictOptions withReturnKernels(boolean v) {
        return new PredictOptions(regularization, learningRate, covariance, jitter, v, kernelOptions);
    }

    public PredictOptions withKernelOptions(KernelOptions v) {
        return new PredictOptions(regularization, learningRate, covariance, jitter, returnKernels, v);
    }
}
