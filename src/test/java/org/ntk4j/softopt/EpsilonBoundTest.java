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
}
