package org.ntk4j.utility;

import static org.junit.jupiter.api.Assertions.*;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;
import org.junit.jupiter.api.Test;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.predict.UtilityPosterior;
import org.ntk4j.softopt.EpsilonBound;
import org.ntk4j.softopt.Prior;

/**
 * Joint posterior draws reproduce the mean and covariance (including a singular one); ε as their
 * posterior quantile matches closed forms; what is not a covariance is refused.
 */
class JointSamplesTest {
    @Test
    void momentsMatch() {
        // rank-2 covariance of 3 variables: v = (a, a + b, 2a − b) with a ~ N(0, 1), b ~ N(0, 0.25)
        double[][] c = {{1, 1, 2}, {1, 1.25, 1.75}, {2, 1.75, 4.25}};
        double[] mean = {0.5, -1, 2};
        double[] sd = {1, Math.sqrt(1.25), Math.sqrt(4.25)};
        UtilityPosterior p = UtilityPosterior.of(mean, sd, Matrix.of(c));
        UniformRandomProvider rng = RandomSource.XO_SHI_RO_256_PP.create(3L);
        int n = 200_000;
        double[][] d = JointSamples.draw(p, n, rng);
        double[] m = new double[3];
        for (double[] r : d) for (int i = 0; i < 3; i++) m[i] += r[i] / n;
        for (int i = 0; i < 3; i++) assertEquals(mean[i], m[i], 5 * sd[i] / Math.sqrt(n));
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++) {
                double s = 0;
                for (double[] r : d) s += (r[i] - m[i]) * (r[j] - m[j]) / n;
                // sd of a sample covariance ≈ sqrt((c_ii c_jj + c_ij²)/n)
                assertEquals(
                        c[i][j], s, 5 * Math.sqrt((c[i][i] * c[j][j] + c[i][j] * c[i][j]) / n), "cov " + i + "," + j);
            }
        // the singular direction v3 − 2 v1 + ... : v2 + v3 − 3 v1 = 0 exactly
        for (int k = 0; k < 100; k++)
            assertEquals(0, (d[k][1] - mean[1]) + (d[k][2] - mean[2]) - 3 * (d[k][0] - mean[0]), 1e-9);
    }

    @Test
    void needsTheFullCovariance() {
        UtilityPosterior p = UtilityPosterior.of(new double[] {0}, new double[] {1}, null);
        InvalidInputException e = assertThrows(
                InvalidInputException.class, () -> JointSamples.draw(p, 1, RandomSource.XO_SHI_RO_256_PP.create(1L)));
        assertEquals("covariance", e.argument());
    }

    /** The one call equals its two steps (draw, then the quantile) from the same generator state, bit for bit. */
    @Test
    void posteriorEpsilonIsDrawThenQuantile() {
        double[][] c = {{1, 1, 2}, {1, 1.25, 1.75}, {2, 1.75, 4.25}}; // singular (rank 2)
        UtilityPosterior p = UtilityPosterior.of(
                new double[] {0.5, -1, 2}, new double[] {1, Math.sqrt(1.25), Math.sqrt(4.25)}, Matrix.of(c));
        Prior g = Prior.of(new double[] {0.2, 0.3, 0.5});
        for (int draws : new int[] {1, 63, 64, 65, 1000}) {
            EpsilonBound.Estimate one = JointSamples.posteriorEpsilon(p, g, 0.1, draws, 77L);
            double[][] v = JointSamples.draw(p, draws, RandomSource.XO_SHI_RO_256_PP.create(77L));
            assertEquals(EpsilonBound.posteriorQuantile(g, p.mean(), v, 0.1), one, draws + " draws");
        }
    }

    /**
     * Against a closed form: V ~ N(U, σ²I) on n policies under a uniform prior makes E_γ|U − V| the
     * mean of n half-normals: mean σ·sqrt(2/π), variance σ²(1 − 2/π)/n, and for large n nearly
     * normal, its (1 − δ) quantile μ + s·(z + (z² − 1)·g/6) with z = z_{1−δ} and g the skewness
     * of the mean (Cornish–Fisher; the skewness term is 0.014·s at n = 400, the neglected terms
     * about 0.001·s). The estimate from S = 4000 draws (the CLI's default) must match within 4
     * standard errors of a sample quantile, sqrt(δ(1 − δ)/S)/φ(z)·s.
     */
    @Test
    void quantileMatchesTheClosedFormForIndependentPosteriors() {
        int n = 400, draws = 4000;
        double sigma = 0.7;
        double[][] c = new double[n][n];
        double[] u = new double[n], sd = new double[n];
        UniformRandomProvider rng = RandomSource.XO_SHI_RO_256_PP.create(11L);
        for (int i = 0; i < n; i++) {
            c[i][i] = sigma * sigma;
            sd[i] = sigma;
            u[i] = 3 * rng.nextDouble() - 1; // |U − V| does not depend on U
        }
        UtilityPosterior p = UtilityPosterior.of(u, sd, Matrix.of(c));
        double mean = sigma * Math.sqrt(2 / Math.PI), spread = sigma * Math.sqrt((1 - 2 / Math.PI) / n);
        double skew = Math.sqrt(2) * (4 - Math.PI) / Math.pow(Math.PI - 2, 1.5) / Math.sqrt(n);
        for (double delta : new double[] {0.05, 0.2}) {
            EpsilonBound.Estimate e = JointSamples.posteriorEpsilon(p, Prior.uniform(n), delta, draws, 2026L);
            double z = org.ntk4j.softopt.LowerBandMaximin.pointwiseKappa(delta);
            double expected = mean + spread * (z + (z * z - 1) * skew / 6);
            double phi = Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI);
            double stdErr = Math.sqrt(delta * (1 - delta) / draws) / phi * spread;
            assertEquals(expected, e.epsilon(), 4 * stdErr, "delta " + delta);
            assertEquals(mean, e.meanAbsError(), 4 * spread / Math.sqrt(draws), "delta " + delta);
            assertEquals(draws, e.samples());
            assertEquals(EpsilonBound.Method.POSTERIOR_QUANTILE, e.method());
        }
    }

    /**
     * A singular covariance works: all policies share one N(0, σ²) error (rank 1), so
     * E_γ|U − V| = σ|z| and its (1 − δ) quantile is σ·z_{1−δ/2}.
     */
    @Test
    void rankOneCovariance() {
        int n = 5, draws = 40_000;
        double sigma = 2;
        double[][] c = new double[n][n];
        for (double[] row : c) java.util.Arrays.fill(row, sigma * sigma);
        double[] sd = new double[n];
        java.util.Arrays.fill(sd, sigma);
        UtilityPosterior p = UtilityPosterior.of(new double[n], sd, Matrix.of(c));
        EpsilonBound.Estimate e = JointSamples.posteriorEpsilon(p, Prior.uniform(n), 0.05, draws, 4L);
        double q = 1.959963984540054 * sigma,
                density = 2 * Math.exp(-1.959963984540054 * 1.959963984540054 / 2) / Math.sqrt(2 * Math.PI) / sigma;
        assertEquals(q, e.epsilon(), 4 * Math.sqrt(0.05 * 0.95 / draws) / density);
    }

    @Test
    void refusesWhatIsNotACovariance() {
        UniformRandomProvider rng = RandomSource.XO_SHI_RO_256_PP.create(1L);
        // indefinite: eigenvalues 3 and −1
        UtilityPosterior indefinite =
                UtilityPosterior.of(new double[2], new double[] {1, 1}, Matrix.of(new double[][] {{1, 2}, {2, 1}}));
        InvalidInputException e =
                assertThrows(InvalidInputException.class, () -> JointSamples.draw(indefinite, 1, rng));
        assertEquals("covariance", e.argument());
        assertTrue(e.getMessage().contains("positive semi-definite"), e.getMessage());
        UtilityPosterior asymmetric =
                UtilityPosterior.of(new double[2], new double[] {1, 1}, Matrix.of(new double[][] {{1, 0.5}, {0.2, 1}}));
        e = assertThrows(
                InvalidInputException.class,
                () -> JointSamples.posteriorEpsilon(asymmetric, Prior.uniform(2), 0.05, 10, 1L));
        assertEquals("covariance", e.argument());
        assertTrue(e.getMessage().contains("symmetric"), e.getMessage());
        // a singular covariance whose zero eigenvalue came out slightly negative (round-off) is accepted
        double[][] c = {{1, 1}, {1, 1 - 1e-13}};
        UtilityPosterior roundOff = UtilityPosterior.of(new double[2], new double[] {1, 1}, Matrix.of(c));
        assertEquals(2, JointSamples.draw(roundOff, 2, rng).length);
    }

    @Test
    void posteriorEpsilonArgumentsAreNamed() {
        UtilityPosterior p =
                UtilityPosterior.of(new double[2], new double[] {1, 1}, Matrix.of(new double[][] {{1, 0}, {0, 1}}));
        assertEquals(
                "prior",
                assertThrows(
                                InvalidInputException.class,
                                () -> JointSamples.posteriorEpsilon(p, Prior.uniform(3), 0.05, 10, 1L))
                        .argument());
        assertEquals(
                "delta",
                assertThrows(
                                InvalidInputException.class,
                                () -> JointSamples.posteriorEpsilon(p, Prior.uniform(2), 1.5, 10, 1L))
                        .argument());
        assertEquals(
                "draws",
                assertThrows(
                                InvalidInputException.class,
                                () -> JointSamples.posteriorEpsilon(p, Prior.uniform(2), 0.05, 0, 1L))
                        .argument());
        UtilityPosterior noCov = UtilityPosterior.of(new double[2], new double[] {1, 1}, null);
        assertEquals(
                "covariance",
                assertThrows(
                                InvalidInputException.class,
                                () -> JointSamples.posteriorEpsilon(noCov, Prior.uniform(2), 0.05, 10, 1L))
                        .argument());
    }

    /** NtkUtilityModel: fit with the full covariance and the posterior ε, in one call. */
    @Test
    void oneCallFromTheModel() {
        UniformRandomProvider rng = RandomSource.XO_SHI_RO_256_PP.create(9L);
        double[][] x = new double[20][2], t = new double[30][2];
        double[] y = new double[20];
        for (int i = 0; i < 20; i++) {
            x[i][0] = rng.nextDouble();
            x[i][1] = rng.nextDouble();
            y[i] = Math.sin(3 * x[i][0]) - x[i][1];
        }
        for (double[] r : t) {
            r[0] = rng.nextDouble();
            r[1] = rng.nextDouble();
        }
        NtkUtilityModel model =
                NtkUtilityModel.ntkgp("Dense(64,W_std=1.5,b_std=0.1)->Relu->Dense(1,W_std=1.5,b_std=0.1)", 1e-3);
        Prior g = Prior.uniform(30);
        EpsilonBound.Estimate e = model.posteriorEpsilon(Matrix.of(x), y, Matrix.of(t), g, 0.05, 500, 3L);
        UtilityPosterior p = model.fit(Matrix.of(x), y, Matrix.of(t), true);
        assertEquals(JointSamples.posteriorEpsilon(p, g, 0.05, 500, 3L), e);
        assertTrue(e.epsilon() > e.meanAbsError() && e.meanAbsError() > 0, e.toString());
        assertEquals(
                "prior",
                assertThrows(
                                InvalidInputException.class,
                                () -> model.posteriorEpsilon(
                                        Matrix.of(x), y, Matrix.of(t), Prior.uniform(29), 0.05, 500, 3L))
                        .argument());
        assertEquals(
                "delta",
                assertThrows(
                                InvalidInputException.class,
                                () -> model.posteriorEpsilon(Matrix.of(x), y, Matrix.of(t), g, 0, 500, 3L))
                        .argument());
    }
}
