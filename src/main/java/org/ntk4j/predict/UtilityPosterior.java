package org.ntk4j.predict;

import org.ntk4j.linalg.Finite;
import org.ntk4j.linalg.Matrix;

/**
 * The posterior over a scalar utility at m candidate points, as the soft optimizer consumes it:
 * proxy U = mean, uncertainty σ = sd (docs/soft-optimization.md §7). Get one from
 * {@link Posterior#utility(int)}.
 */
public interface UtilityPosterior {
    /** Posterior means, length m. */
    double[] mean();

    /** Posterior standard deviations, length m (sqrt of the clamped variances). */
    double[] sd();

    /** The full m×m posterior covariance, or null when only variances were computed. */
    Matrix covariance();

    /** A fixed posterior (arrays are copied). */
    static UtilityPosterior of(double[] mean, double[] sd, Matrix covariance) {
        if (mean == null || sd == null || mean.length != sd.length)
            throw new IllegalArgumentException("utility posterior: mean and sd must have the same length");
        if (covariance != null && (covariance.rows() != mean.length || covariance.cols() != mean.length))
            throw new IllegalArgumentException(
                    "utility posterior: covariance must be " + mean.length + "x" + mean.length);
        double[] m = Finite.requireResult(mean.clone(), "utility posterior mean", Posterior.MEAN_REMEDY);
        double[] s = Finite.requireResult(sd.clone(), "utility posterior sd", Posterior.COVARIANCE_REMEDY);
        if (covariance != null)
            Finite.requireResult(covariance, "utility posterior covariance", Posterior.COVARIANCE_REMEDY);
        return new UtilityPosterior() {
            @Override
            public double[] mean() {
                return m.clone();
            }

            @Override
            public double[] sd() {
                return s.clone();
            }

            @Override
            public Matrix covariance() {
                return covariance;
            }
        };
    }
}
