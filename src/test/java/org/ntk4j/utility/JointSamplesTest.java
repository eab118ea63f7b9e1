package org.ntk4j.utility;

import static org.junit.jupiter.api.Assertions.*;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;
import org.junit.jupiter.api.Test;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.predict.UtilityPosterior;

/** Joint posterior draws reproduce the mean and covariance (including a singular one). */
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
}
