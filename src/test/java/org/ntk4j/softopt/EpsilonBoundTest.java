package org.ntk4j.softopt;

import static org.junit.jupiter.api.Assertions.*;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;
import org.junit.jupiter.api.Test;

/** (E16) and the posterior-quantile alternative (§7 step 3). */
class EpsilonBoundTest {

    @Test
    void hoeffdingFormula() {
        double[] u = {0.5, 0.2, 0.9, 0.4};
        double[] h = {0.4, 0.5, 0.9, 0.6};
        EpsilonBound.Estimate e = EpsilonBound.hoeffding(u, h, 1.0, 0.05);
        double mean = (0.1 + 0.3 + 0 + 0.2) / 4;
        assertEquals(mean, e.meanAbsError(), 1e-15);
        assertEquals(mean + Math.sqrt(Math.log(20) / 8), e.epsilon(), 1e-15);
        assertEquals(EpsilonBound.Method.HOEFFDING, e.method());
        assertEquals(4, e.samples());
    }

    /** The bound covers the true E_γ|U − V| in at least 1 − δ of repeated experiments. */
    @Test
    void hoeffdingCoverage() {
        UniformRandomProvider rng = RandomSource.XO_SHI_RO_256_PP.create(21L);
        int reps = 4000, n = 30, miss = 0;
        // |U − V| is |Unif(−0.3, 0.3)| in half the cases and 0 otherwise: E_γ|U − V| = 0.5 · 0.15
        double trueMean = 0.075;
        for (int r = 0; r < reps; r++) {
            double[] u = new double[n], h = new double[n];
            for (int j = 0; j < n; j++) {
                u[j] = rng.nextDouble();
                h[j] = u[j] + (rng.nextBoolean() ? 0.6 * rng.nextDouble() - 0.3 : 0);
            }
            if (EpsilonBound.hoeffding(u, h, 0.3, 0.05).epsilon() < trueMean) miss++;
        }
        // Hoeffding is conservative: the miss rate must be ≤ δ (allow 4 binomial sd above δ)
        assertTrue(miss <= reps * 0.05 + 4 * Math.sqrt(reps * 0.05 * 0.95), "misses " + miss + " of " + reps);
    }

    @Test
    void posteriorQuantile() {
        Prior g = Prior.of(new double[] {0.5, 0.5});
        double[] mu = {0, 0};
        double[][] draws = new double[100][];
        for (int s = 0; s < 100; s++) draws[s] = new double[] {s / 100.0, -s / 100.0}; // E_γ|μ − V_s| = s/100
        EpsilonBound.Estimate e = EpsilonBound.posteriorQuantile(g, mu, draws, 0.05);
        assertEquals(0.94, e.epsilon(), 1e-15); // the 95th smallest of 0.00..0.99
        assertEquals(0.495, e.meanAbsError(), 1e-12);
        assertEquals(EpsilonBound.Method.POSTERIOR_QUANTILE, e.method());
    }

    /** Draws produced one at a time give the same bits as the same draws in an array, at any magnitude. */
    @Test
    void streamedDrawsMatchTheArrayForm() {
        UniformRandomProvider rng = RandomSource.XO_SHI_RO_256_PP.create(5L);
        int n = 7, s = 301;
        double[] w = new double[n], u = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = rng.nextDouble();
            u[i] = rng.nextDouble() - 0.5;
        }
        Prior g = Prior.normalize(w);
        for (double scale : new double[] {1, 1e300, 1e-300}) {
            double[] us = u.clone();
            for (int i = 0; i < n; i++) us[i] *= scale;
            double[][] v = new double[s][n];
            for (double[] row : v) for (int i = 0; i < n; i++) row[i] = scale * (2 * rng.nextDouble() - 1);
            EpsilonBound.Estimate a = EpsilonBound.posteriorQuantile(g, us, v, 0.1);
            double[] reused = new double[n];
            EpsilonBound.Estimate b = EpsilonBound.posteriorQuantile(
                    g,
                    us,
                    s,
                    k -> {
                        System.arraycopy(v[k], 0, reused, 0, n);
                        return reused;
                    },
                    0.1);
            assertEquals(a, b, "scale " + scale);
            assertTrue(a.epsilon() > 0 && a.epsilon() < 2 * scale, "scale " + scale + ": " + a);
        }
    }

    /**
     * One draw whose E_γ|U − V| (1.5·1.7e308) is beyond float64 does not spoil the others: the
     * median of the three and their mean are representable and exact.
     */
    @Test
    void posteriorQuantileAtExtremeMagnitudes() {
        double big = 1.7e308;
        double[][] v = {{-big, big}, {-big / 2, big / 2}, {0, 0}}; // E|U − V| = 1.5·big, big, big/2
        EpsilonBound.Estimate e =
                EpsilonBound.posteriorQuantile(Prior.uniform(2), new double[] {big / 2, -big / 2}, v, 0.5);
        assertEquals(big, e.epsilon(), 0);
        assertEquals(big, e.meanAbsError(), 1e-15 * big);
    }

    @Test
    void theLargerEstimate() {
        EpsilonBound.Estimate h = EpsilonBound.hoeffding(new double[] {0, 1}, new double[] {0.1, 1.2}, 1, 0.05);
        EpsilonBound.Estimate p =
                EpsilonBound.posteriorQuantile(Prior.uniform(2), new double[] {0, 0}, new double[][] {{3, 3}}, 0.05);
        assertSame(p, EpsilonBound.larger(h, p));
        assertSame(p, EpsilonBound.larger(p, h));
        assertSame(h, EpsilonBound.larger(h, h));
    }

    @Test
    void posteriorArgumentsAreNamed() {
        Prior g = Prior.uniform(2);
        double[] u = {0, 0};
        BadInputTest.names("draws", () -> EpsilonBound.posteriorQuantile(g, u, 0, k -> u, 0.05));
        BadInputTest.names("delta", () -> EpsilonBound.posteriorQuantile(g, u, 1, k -> u, 1));
        BadInputTest.names("jointSamples", () -> EpsilonBound.posteriorQuantile(g, u, 1, k -> new double[3], 0.05));
        BadInputTest.names(
                "jointSamples", () -> EpsilonBound.posteriorQuantile(g, u, 1, k -> new double[] {0, Double.NaN}, 0.05));
        BadInputTest.names("proxy", () -> EpsilonBound.posteriorQuantile(g, new double[3], 1, k -> u, 0.05));
    }

    /**
     * κ = z_{1−δ} (--kappa auto): reference values of the standard normal quantile, and the band it
     * gives covers each Gaussian V with probability 1 − δ.
     */
    @Test
    void pointwiseKappa() {
        assertEquals(1.6448536269514722, LowerBandMaximin.pointwiseKappa(0.05), 1e-15);
        assertEquals(1.959963984540054, LowerBandMaximin.pointwiseKappa(0.025), 1e-15);
        assertEquals(2.3263478740408408, LowerBandMaximin.pointwiseKappa(0.01), 1e-15);
        assertEquals(0, LowerBandMaximin.pointwiseKappa(0.5), 1e-15);
        // a tiny δ keeps its accuracy (1 − δ would round to 1): z at 1e-300 is 37.0471...
        double tiny = LowerBandMaximin.pointwiseKappa(1e-300);
        assertTrue(tiny > 37 && tiny < 37.1, "z at 1e-300: " + tiny);
        assertTrue(Double.isFinite(LowerBandMaximin.pointwiseKappa(Double.MIN_VALUE)));
        BadInputTest.names("delta", () -> LowerBandMaximin.pointwiseKappa(0.6));
        BadInputTest.names("delta", () -> LowerBandMaximin.pointwiseKappa(0));
        BadInputTest.names("delta", () -> LowerBandMaximin.pointwiseKappa(Double.NaN));

        UniformRandomProvider rng = RandomSource.XO_SHI_RO_256_PP.create(8L);
        var z = org.apache.commons.rng.sampling.distribution.ZigguratSampler.NormalizedGaussian.of(rng);
        for (double delta : new double[] {0.05, 0.2}) {
            double kappa = LowerBandMaximin.pointwiseKappa(delta);
            int n = 200_000, below = 0;
            for (int i = 0; i < n; i++) {
                double u = rng.nextDouble(), sd = 0.1 + rng.nextDouble(), v = u + sd * z.sample();
                if (v < u - kappa * sd) below++;
            }
            assertEquals(delta, below / (double) n, 4 * Math.sqrt(delta * (1 - delta) / n), "delta " + delta);
        }
    }
}
