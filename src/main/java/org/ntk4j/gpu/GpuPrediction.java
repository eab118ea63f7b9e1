package org.ntk4j.gpu;

import org.ntk4j.linalg.Finite;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.predict.Posterior;

/**
 * Posterior mean and (optionally) marginal variances at m test points.
 *
 * @param mean      m×k posterior mean (k = columns of y_train)
 * @param variance  the m posterior variances (the diagonal of the posterior covariance, shared by
 *                  all k outputs), or null when not requested
 */
public record GpuPrediction(Matrix mean, double[] variance) {
    public GpuPrediction {
        if (mean == null) throw new IllegalArgumentException("mean is null");
        if (variance != null && variance.length != mean.rows())
            throw new IllegalArgumentException("variance has " + variance.length + " entries, mean " + mean.rows() + " rows");
        variance = variance == null ? null : variance.clone();
        Finite.requireResult(mean, "GPU posterior mean", Posterior.MEAN_REMEDY);
        if (variance != null) Finite.requireResult(variance, "GPU posterior variances", Posterior.COVARIANCE_REMEDY);
    }

    @Override public double[] variance() { return variance == null ? null : variance.clone(); }
}
