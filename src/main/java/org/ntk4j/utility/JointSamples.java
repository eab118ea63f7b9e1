package org.ntk4j.utility;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.Finite;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.predict.Posterior;
import org.ntk4j.predict.UtilityPosterior;

/**
 * Joint draws of the utility of all candidates from a posterior with full covariance
 * (docs/soft-optimization.md §7 step 3: ε as a posterior quantile of E_γ|U − V|).
 */
public final class JointSamples {
    private JointSamples() {}

    /**
     * Draws V_s ~ N(mean, covariance), s = 1..count (rows), through the symmetric square root of the
     * covariance (eigenvalues clamped at 0: posterior covariances are often singular).
     */
    public static double[][] draw(UtilityPosterior posterior, int count, UniformRandomProvider rng) {
        if (posterior == null) throw new InvalidInputException("posterior", "is missing (null)");
        Matrix cov = posterior.covariance();
        if (cov == null)
            throw new InvalidInputException(
                    "covariance", "joint posterior samples need the full covariance; predict with CovarianceMode.FULL");
        if (count < 1) throw new InvalidInputException("count", "must be >= 1");
        double[] mean = posterior.mean();
        int m = mean.length;
        double[] root = SymmetricRoot.of(cov);
        ZigguratSampler.NormalizedGaussian z = ZigguratSampler.NormalizedGaussian.of(rng);
        double[][] out = new double[count][];
        double[] e = new double[m];
        for (int s = 0; s < count; s++) {
            for (int k = 0; k < m; k++) e[k] = z.sample();
            double[] v = mean.clone();
            for (int k = 0; k < m; k++) { // v += R e, R column-major
                double ek = e[k];
                int off = k * m;
                for (int i = 0; i < m; i++) v[i] += root[off + i] * ek;
            }
            out[s] = Finite.requireResult(v, "joint utility sample " + s, Posterior.COVARIANCE_REMEDY);
        }
        return out;
    }
}
