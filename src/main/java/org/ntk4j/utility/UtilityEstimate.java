package org.ntk4j.utility;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.Matrix;

/**
 * A posterior over the utility of m candidate policies, as the soft optimizer consumes it
 * (soft-optimization.md §7): the proxy U = posterior mean, the uncertainty σ = posterior standard
 * deviation, and optionally the joint m×m covariance for posterior draws (ε by §7 step 3).
 *
 * @param mean       U, length m
 * @param sd         σ ≥ 0, length m
 * @param covariance the joint covariance, or null when only variances were computed
 */
public record UtilityEstimate(double[] mean, double[] sd, Matrix covariance) {
    public UtilityEstimate {
        if (mean == null || sd == null || mean.length != sd.length)
            throw new IllegalArgumentException("utility estimate: mean and sd must have the same length");
        for (int i = 0; i < mean.length; i++)
            if (!Double.isFinite(mean[i]) || !(sd[i] >= 0) || Double.isInfinite(sd[i]))
                throw new IllegalArgumentException("utility estimate: entry " + i + " has mean " + mean[i] + ", sd " + sd[i]);
        if (covariance != null && (covariance.rows() != mean.length || covariance.cols() != mean.length))
            throw new IllegalArgumentException("utility estimate: covariance must be " + mean.length + "x" + mean.length);
        mean = mean.clone();
        sd = sd.clone();
    }

    @Override public double[] mean() { return mean.clone(); }
    @Override public double[] sd() { return sd.clone(); }

    /** Number of candidate policies m. */
    public int size() { return mean.length; }

    /**
     * Joint draws V_s ~ N(mean, covariance), s = 1..count (rows), through the symmetric square root
     * of the covariance (eigenvalues clamped at 0, since posterior covariances are often singular).
     */
    public double[][] jointSamples(int count, UniformRandomProvider rng) {
        if (covariance == null)
            throw new InvalidInputException("covariance", "joint posterior samples need the full covariance; compute it (CovarianceMode.FULL)");
        if (count < 1) throw new InvalidInputException("count", "must be >= 1");
        int m = mean.length;
        double[] root = SymmetricRoot.of(covariance);
        ZigguratSampler.NormalizedGaussian z = ZigguratSampler.NormalizedGaussian.of(rng);
        double[][] out = new double[count][m];
        double[] e = new double[m];
        for (int s = 0; s < count; s++) {
            for (int k = 0; k < m; k++) e[k] = z.sample();
            double[] v = out[s];
            System.arraycopy(mean, 0, v, 0, m);
            for (int k = 0; k < m; k++) {          // v += R e, R column-major
                double ek = e[k];
                int off = k * m;
                for (int i = 0; i < m; i++) v[i] += root[off + i] * ek;
            }
        }
        return out;
    }
}
