package org.ntk4j.softopt;

import static org.junit.jupiter.api.Assertions.*;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.AliasMethodDiscreteSampler;
import org.apache.commons.rng.simple.RandomSource;
import org.junit.jupiter.api.Test;

/** The worked examples of docs/soft-optimization.md §4.9, to the printed digits. */
class WorkedExamplesTest {
    static final double[] U1 = {0, 1, 2, 3, 4, 5, 6, 10};
    static final double[] G1 = {0.10, 0.20, 0.25, 0.20, 0.12, 0.08, 0.04, 0.01};

    @Test
    void example1Maximin() {
        Prior g = Prior.of(G1);
        SoftPolicy p = Maximin.solve(g, U1, 0.30);
        assertEquals(3.68, p.threshold(), 1e-12);
        assertEquals(3.68, p.guaranteedValue().orElseThrow(), 1e-12);
        assertEquals(0.25, p.q(), 1e-12);
        assertArrayEquals(new double[] {0, 0, 0, 0, 0.48, 0.32, 0.16, 0.04}, p.probabilities(), 1e-12);
        assertEquals(4, p.supportSize());
        assertEquals(Math.log(4), p.klToPrior(), 1e-12);
        assertEquals(0.30, p.epsilon().orElseThrow());
        // E12: V* = min(U, t*) spends exactly ε and gives E_p* V* = t*.
        double[] v = Maximin.worstCaseTrueUtility(U1, p.threshold());
        double spent = 0;
        for (int i = 0; i < 8; i++) spent += G1[i] * Math.abs(U1[i] - v[i]);
        assertEquals(0.30, spent, 1e-12);
        assertEquals(3.68, p.expectation(v), 1e-12);
        // E8 on p* gives t*; an LP over all distributions gives the same value and p*.
        assertEquals(3.68, Maximin.guaranteedValue(g, U1, p.probabilities(), 0.30), 1e-12);
        LpMaximin.Solution lp = LpMaximin.solve(U1, AdversarySet.meanAbsoluteError(g, 0.30));
        assertEquals(3.68, lp.value(), 1e-9);
        assertArrayEquals(p.probabilities(), lp.probabilities(), 1e-9);
        assertEquals(3.68, Oracles.b1MaximinValue(G1, U1, 0.30), 1e-9);
    }

    @Test
    void example1Table() {
        Prior g = Prior.of(G1);
        double[] q = {0.01, 0.05, 0.13, 0.25, 0.45, 0.70, 0.90, 1.00};
        double[] mean = {10.0000, 6.8000, 5.6923, 4.8800, 4.0444, 3.3143, 2.8000, 2.5200};
        double[] bound = {-20.0000, 0.8000, 3.3846, 3.6800, 3.3778, 2.8857, 2.4667, 2.2200};
        double[] excess = {0.00, 0.04, 0.09, 0.22, 0.47, 0.92, 1.62, 2.52};
        for (int r = 0; r < q.length; r++) {
            SoftPolicy qq = Quantilizer.of(g, U1, q[r]);
            assertEquals(q[r], qq.q(), 1e-12);
            assertEquals(mean[r], qq.expectation(U1), 5e-5, "E_Q U at q=" + q[r]);
            assertEquals(bound[r], qq.expectation(U1) - 0.30 / q[r], 5e-5, "L(q) at q=" + q[r]);
            assertEquals(bound[r], Maximin.guaranteedValue(g, U1, qq.probabilities(), 0.30), 5e-5);
            assertEquals(excess[r], Maximin.expectedExcess(g, U1, U1[7 - r]), 5e-3);
        }
    }

    @Test
    void example1TieCase() {
        Prior g = Prior.of(G1);
        double eps = 0.22; // = S(U; 4)
        SoftPolicy p = Maximin.solve(g, U1, eps);
        assertEquals(4.0, p.threshold(), 1e-12);
        assertEquals(0.25, p.q(), 1e-12, "canonical choice: the whole tie class (largest q)");
        for (double q : new double[] {0.13, 0.19, 0.25}) {
            SoftPolicy qq = Quantilizer.of(g, U1, q);
            assertEquals(4.000000, Maximin.guaranteedValue(g, U1, qq.probabilities(), eps), 5e-7, "L at q=" + q);
        }
        SoftPolicy q19 = Quantilizer.of(g, U1, 0.19);
        assertArrayEquals(new double[] {0, 0, 0, 0, 0.31579, 0.42105, 0.21053, 0.05263}, q19.probabilities(), 5e-6);
        assertEquals(4.0, q19.threshold());
        assertEquals(0.5, q19.boundaryAcceptance(), 1e-12); // (0.19 − 0.13)/0.12
    }

    @Test
    void example1LargeAndZeroEpsilon() {
        Prior g = Prior.of(G1);
        SoftPolicy big = Maximin.solve(g, U1, 5);
        assertEquals(-2.48, big.threshold(), 1e-12);
        assertEquals(1.0, big.q(), 1e-15);
        assertArrayEquals(G1, big.probabilities(), 1e-15);
        assertEquals(0, big.klToPrior(), 1e-15);
        SoftPolicy zero = Maximin.solve(g, U1, 0);
        assertEquals(10, zero.threshold());
        assertEquals(0.01, zero.q(), 1e-15);
        assertEquals(1.0, zero.probability(7));
    }

    @Test
    void example1SampleRule() {
        UniformRandomProvider rng = RandomSource.XO_SHI_RO_256_PP.create(20230101L);
        var draw = AliasMethodDiscreteSampler.of(rng, G1);
        int n = 200_000;
        double[] s = new double[n];
        for (int j = 0; j < n; j++) s[j] = U1[draw.sample()];
        EmpiricalMaximin.Cutoff c = EmpiricalMaximin.cutoff(s, 0.30);
        assertEquals(4.0, c.cutoff());
        // q̂ is the empirical γ(U ≥ 4) = 0.25 ± 0.001 (1 sd); 0.005 is 5 sd (§4.9 quotes 0.249).
        assertEquals(0.25, c.qHat(), 0.005);
        assertEquals(3.68, c.bound(), 0.03); // a 2·10⁵-draw run gives 3.672
        // (E15) equals (E9) on the empirical measure.
        SoftPolicy emp = Maximin.solve(Prior.uniform(n), s, 0.30);
        assertEquals(emp.threshold(), c.bound(), 1e-9);
        assertEquals(emp.q(), c.qHat(), 1e-12);
    }

    /** Example 2: the 40-policy toy. */
    static final double[][] EX2 = { // eps, tB1, qB1, lo1, hi1, tB2, qB2, lo2, hi2
        {0.002, 0.69922, 0.02718, 28, 39, 0.62294, 0.05064, 26, 37},
        {0.005, 0.63300, 0.06781, 25, 39, 0.57578, 0.08866, 24, 38},
        {0.010, 0.57635, 0.11418, 23, 39, 0.53001, 0.14433, 22, 38},
        {0.020, 0.51149, 0.21991, 20, 39, 0.47423, 0.21991, 20, 39},
        {0.050, 0.40935, 0.42309, 16, 39, 0.37972, 0.42309, 16, 39},
        {0.100, 0.31086, 0.59623, 13, 39, 0.28428, 0.65201, 12, 39},
    };

    static double[] ex2Mu() {
        double[] m = new double[40];
        for (int i = 0; i < 40; i++) m[i] = i / 39.0;
        return m;
    }

    static Prior ex2Prior() {
        double[] w = new double[40];
        for (int i = 0; i < 40; i++) w[i] = Math.exp(-0.5 * Math.pow((i - 14) / 7.0, 2));
        return Prior.normalize(w);
    }

    static double[] ex2Sigma(Prior g) {
        double max = 0;
        for (int i = 0; i < 40; i++) max = Math.max(max, g.weight(i));
        double[] s = new double[40];
        for (int i = 0; i < 40; i++) s[i] = 0.02 * Math.sqrt(max / g.weight(i));
        return s;
    }

    @Test
    void example2Table() {
        Prior g = ex2Prior();
        double[] mu = ex2Mu(), sd = ex2Sigma(g);
        for (double[] row : EX2) {
            double eps = row[0];
            SoftPolicy b1 = Maximin.solve(g, mu, eps);
            assertEquals(row[1], b1.threshold(), 5e-6, "B1 t* at eps=" + eps);
            assertEquals(row[2], b1.q(), 5e-6, "B1 q* at eps=" + eps);
            assertSupport(b1, (int) row[3], (int) row[4]);
            SoftPolicy b2 = LowerBandMaximin.solve(g, mu, sd, 1.0, eps);
            assertEquals(row[5], b2.threshold(), 5e-6, "B2 t_B at eps=" + eps);
            assertEquals(row[6], b2.q(), 5e-6, "B2 q at eps=" + eps);
            assertSupport(b2, (int) row[7], (int) row[8]);
            assertEquals(Mode.MAXIMIN_LOWER_BAND, b2.mode());
        }
    }

    @Test
    void example2LpAtEps002() {
        Prior g = ex2Prior();
        double[] mu = ex2Mu(), sd = ex2Sigma(g);
        SoftPolicy b2 = LowerBandMaximin.solve(g, mu, sd, 1.0, 0.02);
        LpMaximin.Solution lp = LpMaximin.solve(mu, AdversarySet.lowerBand(g, sd, 0.02));
        assertEquals(b2.threshold(), lp.value(), 1e-9);
        for (int i = 0; i < 40; i++) {
            if (b2.probability(i) > 0) assertEquals(4.5473, b2.probability(i) / g.weight(i), 5e-5);
        }
        assertArrayEquals(b2.probabilities(), lp.probabilities(), 1e-7);
    }

    private static void assertSupport(SoftPolicy p, int lo, int hi) {
        for (int i = 0; i < p.size(); i++)
            assertEquals(
                    i >= lo && i <= hi,
                    p.probability(i) > 0,
                    "support should be [" + lo + ".." + hi + "], policy " + i);
    }
}
