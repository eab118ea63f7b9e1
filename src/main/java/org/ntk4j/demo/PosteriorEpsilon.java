package org.ntk4j.demo;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.ntk4j.error.IllPosedProblemException;
import org.ntk4j.linalg.Blas;
import org.ntk4j.linalg.Cholesky;
import org.ntk4j.linalg.JitterPolicy;
import org.ntk4j.linalg.NativeMatrix;
import org.ntk4j.predict.UtilityPosterior;
import org.ntk4j.softopt.EpsilonBound;
import org.ntk4j.softopt.Prior;
import org.ntk4j.utility.JointSamples;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ε as a posterior quantile (§7 step 3) on the prior's own policies: {@link #DRAWS} joint draws
 * V_s ~ N(U, Σ) of the true utility on every policy, E_γ|U − V_s| for each with γ's weights, and
 * the (1 − δ) quantile ({@link EpsilonBound#posteriorQuantile}).
 *
 * <p>Why not {@link JointSamples#draw}: its symmetric square root is an eigendecomposition, about
 * 15 times the cost of a Cholesky factor at the demo's 1200 policies (measured: 4–5 s against 0.3 s
 * on this project's 2-core machine), and the demo draws once per seed and the coverage study twice
 * per world. The draws are of N(U, Σ + jI) with j = {@value #JITTER} × the mean variance, a widening
 * negligible beside the variances that matter, which makes the numerically singular Σ of a smooth
 * kernel factorable without the retries (and warnings) of an adaptive jitter. Where Σ + jI still has
 * no Cholesky factor (Σ indefinite beyond rounding), it falls back to {@link JointSamples#draw}.
 */
final class PosteriorEpsilon {
    private static final Logger LOG = LoggerFactory.getLogger(PosteriorEpsilon.class);

    /** Joint posterior draws per estimate: the 0.95 quantile is then the 380th smallest of 400. */
    static final int DRAWS = 400;

    /** The diagonal added to Σ before factoring it, relative to its mean diagonal (the variances). */
    static final double JITTER = 1e-10;

    private PosteriorEpsilon() {}

    /**
     * The posterior ε for the proxy U = the posterior's mean under prior γ.
     *
     * @param posterior the posterior on γ's policies, with its full covariance
     * @param rng       the draws' randomness
     */
    static EpsilonBound.Estimate of(Prior prior, UtilityPosterior posterior, double delta, UniformRandomProvider rng) {
        double[] mean = posterior.mean();
        double[][] draws;
        try {
            draws = drawsByCholesky(posterior, rng);
        } catch (IllPosedProblemException e) {
            LOG.debug(
                    "posterior covariance not factorable with jitter ({}); drawing by its eigendecomposition",
                    e.getMessage());
            draws = JointSamples.draw(posterior, DRAWS, rng);
        }
        return EpsilonBound.posteriorQuantile(prior, mean, draws, delta);
    }

    /** Rows U + L·z_s, z_s ~ N(0, I), with L the lower Cholesky factor of the (symmetrized) covariance. */
    private static double[][] drawsByCholesky(UtilityPosterior posterior, UniformRandomProvider rng) {
        double[] mean = posterior.mean();
        int m = mean.length;
        NativeMatrix cov = NativeMatrix.copyOf(posterior.covariance(), "posterior covariance");
        try {
            cov.symmetrize(); // the factorization reads only the lower triangle
            double mean0 = 0;
            for (double d : cov.diagonal()) mean0 += d / m;
            cov.addToDiagonal(JITTER * Math.max(mean0, 0));
        } catch (RuntimeException e) {
            cov.close();
            throw e;
        }
        ZigguratSampler.NormalizedGaussian normal = ZigguratSampler.NormalizedGaussian.of(rng);
        try (Cholesky chol = Cholesky.factor(cov, JitterPolicy.none(), "posterior covariance of the true utility");
                NativeMatrix z = NativeMatrix.allocate(m, DRAWS, "standard normal draws")) {
            NativeMatrix l = chol.factorStorage();
            l.zeroUpper();
            double[] col = new double[m];
            for (int s = 0; s < DRAWS; s++) {
                for (int i = 0; i < m; i++) col[i] = normal.sample();
                z.putRun((long) s * m, col, 0, m);
            }
            double[][] out = new double[DRAWS][m];
            try (NativeMatrix lz = Blas.multiply(false, l, false, z, "posterior draws")) {
                for (int s = 0; s < DRAWS; s++) {
                    lz.getRun((long) s * m, col, 0, m);
                    for (int i = 0; i < m; i++) out[s][i] = mean[i] + col[i];
                }
            }
            return out;
        }
    }
}
