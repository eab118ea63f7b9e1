package org.ntk4j.demo;

import static org.junit.jupiter.api.Assertions.*;

import org.apache.commons.rng.simple.RandomSource;
import org.junit.jupiter.api.Test;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.predict.UtilityPosterior;
import org.ntk4j.softopt.EpsilonBound;
import org.ntk4j.softopt.Prior;
import org.ntk4j.utility.JointSamples;

/** The demo's posterior ε and its interval calibration, against what they compute by other routes. */
class PosteriorEpsilonTest {
    /** A smooth covariance on m points of a line: exp(−(i − j)²/(2·ℓ²)), scaled per point, nearly singular. */
    static UtilityPosterior posterior(int m) {
        double[][] c = new double[m][m];
        double[] sd = new double[m], mean = new double[m];
        for (int i = 0; i < m; i++) {
            mean[i] = Math.sin(i / 5.0);
            for (int j = 0; j < m; j++) {
                double d = (i - j) / 6.0;
                c[i][j] = (0.1 + 0.01 * i) * (0.1 + 0.01 * j) * Math.exp(-0.5 * d * d);
            }
            sd[i] = Math.sqrt(c[i][i]);
        }
        return UtilityPosterior.of(mean, sd, Matrix.of(c));
    }

    @Test
    void choleskyDrawsAgreeWithTheEigendecompositionsWithinMonteCarloError() {
        UtilityPosterior p = posterior(60);
        double[] w = new double[60];
        for (int i = 0; i < w.length; i++) w[i] = 1 + i % 7;
        Prior prior = Prior.normalize(w);
        // many estimates each way: their averages differ by Monte-Carlo error only
        double chol = 0, eig = 0;
        int reps = 20;
        for (int r = 0; r < reps; r++) {
            chol += PosteriorEpsilon.of(prior, p, 0.05, RandomSource.XO_SHI_RO_256_PP.create(r))
                            .epsilon()
                    / reps;
            eig += EpsilonBound.posteriorQuantile(
                                    prior,
                                    p.mean(),
                                    JointSamples.draw(
                                            p, PosteriorEpsilon.DRAWS, RandomSource.XO_SHI_RO_256_PP.create(100 + r)),
                                    0.05)
                            .epsilon()
                    / reps;
        }
        assertEquals(eig, chol, 0.03 * eig, "Cholesky " + chol + " vs eigendecomposition " + eig);
    }

    @Test
    void anIndefiniteCovarianceFallsBackToTheEigendecomposition() {
        // an indefinite "covariance": it has no Cholesky factor; the symmetric root clamps the negative eigenvalue
        Matrix c = Matrix.of(new double[][] {{1, 0}, {0, -0.5}});
        UtilityPosterior p = UtilityPosterior.of(new double[] {0, 0}, new double[] {1, 0}, c);
        EpsilonBound.Estimate e =
                PosteriorEpsilon.of(Prior.uniform(2), p, 0.05, RandomSource.XO_SHI_RO_256_PP.create(1));
        // E|U − V| = ½|z|, z ~ N(0, 1): its 0.95 quantile is ½·1.96
        assertEquals(0.5 * 1.96, e.epsilon(), 0.15);
    }

    @Test
    void intervalCoverageCountsAndPools() {
        double[] mean = {0, 0, 0, 0}, sd = {1, 1, 1, 2};
        double[] truth = {0.5, 1.0, 2.0, 3.0}; // |z| = 0.5, 1.0, 2.0, 1.5
        IntervalCalibration c = IntervalCalibration.of(mean, sd, truth);
        // half-widths z: 0.674, 1.282, 1.645, 1.960, 2.576
        assertArrayEquals(new int[] {1, 2, 3, 3, 4}, c.covered());
        double nll = 0;
        for (int i = 0; i < 4; i++) {
            double z = (truth[i] - mean[i]) / sd[i];
            nll += 0.5 * Math.log(2 * Math.PI * sd[i] * sd[i]) + 0.5 * z * z;
        }
        assertEquals(nll / 4, c.nll(), 1e-12);
        IntervalCalibration pooled = IntervalCalibration.pool(java.util.List.of(c, c));
        assertEquals(8, pooled.points());
        assertEquals(c.coverage(0), pooled.coverage(0));
        assertEquals(c.nll(), pooled.nll(), 1e-12);
        assertEquals("0.95", IntervalCalibration.levelName(3));
    }
}
