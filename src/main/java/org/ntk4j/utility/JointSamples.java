package org.ntk4j.utility;

import java.util.function.IntFunction;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.apache.commons.rng.simple.RandomSource;
import org.bytedeco.openblas.global.openblas;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.Finite;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.predict.Posterior;
import org.ntk4j.predict.UtilityPosterior;
import org.ntk4j.softopt.EpsilonBound;
import org.ntk4j.softopt.Prior;

/**
 * Joint draws of the utility of all candidates from a posterior with full covariance, and ε as
 * their posterior quantile of E_γ|U − V| (docs/soft-optimization.md §4.7, §7 step 3).
 *
 * <p>A draw is V = mean + R·z with R the symmetric square root of the covariance (eigenvalues
 * clamped at 0: posterior covariances are often singular) and z standard normal
 * (commons-rng's {@link ZigguratSampler}); a covariance that is not symmetric, or clearly not
 * positive semi-definite, is an {@link InvalidInputException} naming {@code covariance}.
 */
public final class JointSamples {
    private JointSamples() {}

    /**
     * Draws formed together by one matrix product (R times a block of z's): BLAS speed for the
     * O(m²) per draw, while a block stays small (BLOCK·m numbers).
     */
    private static final int BLOCK = 64;

    /** Draws V_s ~ N(mean, covariance), s = 1..count (rows). */
    public static double[][] draw(UtilityPosterior posterior, int count, UniformRandomProvider rng) {
        Matrix cov = requireCovariance(posterior);
        if (count < 1) throw new InvalidInputException("count", "must be >= 1");
        if (rng == null) throw new InvalidInputException("rng", "is missing (null)");
        Sampler sampler = new Sampler(posterior.mean(), cov, count, rng);
        double[][] out = new double[count][];
        for (int s = 0; s < count; s++) out[s] = sampler.next().clone();
        return out;
    }

    /**
     * ε from the posterior in one call: {@code draws} joint draws of V from {@code posterior}, and
     * the (1 − δ) quantile over them of E_γ|U − V| with U the posterior mean
     * ({@link EpsilonBound#posteriorQuantile(Prior, double[], int, IntFunction, double)}). The
     * draws are made and used one block at a time, never all held. The same generator state gives
     * the same result as {@link #draw} followed by
     * {@link EpsilonBound#posteriorQuantile(Prior, double[], double[][], double)}.
     *
     * @param posterior the posterior over the utility of the n policies, with its full covariance
     *                  ({@code CovarianceMode.FULL}); |U − V| does not depend on a constant offset
     *                  of both, so a posterior fitted on centred labels may be used as it is
     * @param prior     γ over the same n policies
     * @param delta     δ ∈ (0, 1)
     * @param draws     S ≥ 1 (the quantile's Monte Carlo error shrinks as 1/sqrt(S); 4000 is the CLI's default)
     * @param rng       the generator of the draws
     */
    public static EpsilonBound.Estimate posteriorEpsilon(
            UtilityPosterior posterior, Prior prior, double delta, int draws, UniformRandomProvider rng) {
        Matrix cov = requireCovariance(posterior);
        if (rng == null) throw new InvalidInputException("rng", "is missing (null)");
        double[] mean = posterior.mean();
        if (prior != null && prior.size() != mean.length)
            throw new InvalidInputException(
                    "prior",
                    "has " + prior.size() + " policies but the posterior covers " + mean.length
                            + "; give the prior over the posterior's policies");
        // the sampler (an eigendecomposition) is built at the first draw, after EpsilonBound's cheap checks
        IntFunction<double[]> draw = new IntFunction<>() {
            private Sampler sampler;

            @Override
            public double[] apply(int s) {
                if (sampler == null) sampler = new Sampler(mean, cov, draws, rng);
                return sampler.next();
            }
        };
        return EpsilonBound.posteriorQuantile(prior, mean, draws, draw, delta);
    }

    /**
     * As {@link #posteriorEpsilon(UtilityPosterior, Prior, double, int, UniformRandomProvider)} with
     * the generator {@code RandomSource.XO_SHI_RO_256_PP} seeded by {@code seed}: the seed alone fixes the result.
     */
    public static EpsilonBound.Estimate posteriorEpsilon(
            UtilityPosterior posterior, Prior prior, double delta, int draws, long seed) {
        return posteriorEpsilon(posterior, prior, delta, draws, RandomSource.XO_SHI_RO_256_PP.create(seed));
    }

    private static Matrix requireCovariance(UtilityPosterior posterior) {
        if (posterior == null) throw new InvalidInputException("posterior", "is missing (null)");
        Matrix cov = posterior.covariance();
        if (cov == null)
            throw new InvalidInputException(
                    "covariance", "joint posterior samples need the full covariance; predict with CovarianceMode.FULL");
        return cov;
    }

    /**
     * Makes exactly {@code count} draws, in blocks: the normals are taken draw by draw (m per draw,
     * in order), so the generator ends in the same state however the draws are blocked.
     */
    private static final class Sampler {
        private final double[] mean, root, z, block, current;
        private final int m, count, blockSize;
        private final ZigguratSampler.NormalizedGaussian gaussian;
        private int made, inBlock, used;

        Sampler(double[] mean, Matrix covariance, int count, UniformRandomProvider rng) {
            this.mean = mean;
            this.m = mean.length;
            this.count = count;
            this.root = SymmetricRoot.of(covariance);
            this.blockSize = Math.min(BLOCK, count);
            this.z = new double[m * blockSize];
            this.block = new double[m * blockSize];
            this.current = new double[m];
            this.gaussian = ZigguratSampler.NormalizedGaussian.of(rng);
        }

        /** The next draw, in an array reused by the following call. */
        double[] next() {
            if (made == count) throw new IllegalStateException("all " + count + " draws made");
            if (used == inBlock) fill();
            System.arraycopy(block, used * m, current, 0, m);
            used++;
            return Finite.requireResult(current, "joint utility sample " + made++, Posterior.COVARIANCE_REMEDY);
        }

        /** The next block: z's for up to BLOCK draws, then V = R·Z + mean (R column-major, symmetric). */
        private void fill() {
            int b = Math.min(blockSize, count - made);
            inBlock = b;
            used = 0;
            for (int i = 0; i < m * b; i++) z[i] = gaussian.sample();
            if (m == 0) return; // BLAS refuses a leading dimension of 0; there is nothing to form
            openblas.cblas_dgemm(
                    openblas.CblasColMajor,
                    openblas.CblasNoTrans,
                    openblas.CblasNoTrans,
                    m,
                    b,
                    m,
                    1.0,
                    root,
                    m,
                    z,
                    m,
                    0.0,
                    block,
                    m);
            for (int j = 0; j < b; j++) for (int i = 0; i < m; i++) block[j * m + i] += mean[i];
        }
    }
}
