package org.ntk4j.softopt;

import static org.junit.jupiter.api.Assertions.*;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;
import org.junit.jupiter.api.Test;

/** Claims 1–3 of docs/soft-optimization.md §8 and Taylor's optimality (E4), on random instances. */
class QuantilizerTest {

    @Test
    void matchesE1LiterallyAndIsCappedByGammaOverQ() {
        UniformRandomProvider rng = RandomSource.XO_SHI_RO_256_PP.create(1L);
        for (int k = 0; k < 500; k++) {
            Oracles.Instance in = Oracles.randomInstance(rng, 1 + rng.nextInt(30));
            Prior g = in.gamma();
            double q = rng.nextDouble() < 0.1 ? 1.0 : Math.max(1e-6, rng.nextDouble());
            SoftPolicy qq = Quantilizer.of(g, in.utility(), q);
            String ctx = "instance " + k + " q=" + q;
            assertArrayEquals(
                    Oracles.quantilizerBruteForce(g.weights(), in.utility(), q), qq.probabilities(), 1e-12, ctx);
            double sum = 0;
            for (int i = 0; i < g.size(); i++) {
                assertTrue(qq.probability(i) <= g.weight(i) / q * (1 + 1e-12), ctx);
                sum += qq.probability(i);
            }
            assertEquals(1.0, sum, 1e-12, ctx);
            assertEquals(q, qq.q(), 1e-12, ctx);
            // cost bound (E3): E_Q[c] ≤ E_γ[c]/q for random costs c ≥ 0
            for (int r = 0; r < 5; r++) {
                double[] c = new double[g.size()];
                for (int i = 0; i < c.length; i++) c[i] = rng.nextDouble() < 0.3 ? 0 : -Math.log(rng.nextDouble());
                assertTrue(qq.expectation(c) <= g.expectation(c) / q * (1 + 1e-12) + 1e-300, ctx);
            }
            // Taylor's optimality (E4): Q_q maximizes E_p U subject to p ≤ γ/q
            assertEquals(Oracles.cappedMax(g.weights(), in.utility(), q), qq.expectation(in.utility()), 1e-9, ctx);
        }
    }

    @Test
    void limits() {
        UniformRandomProvider rng = RandomSource.XO_SHI_RO_256_PP.create(2L);
        for (int k = 0; k < 200; k++) {
            Oracles.Instance in = Oracles.randomInstance(rng, 1 + rng.nextInt(20));
            Prior g = in.gamma();
            assertArrayEquals(g.weights(), Quantilizer.of(g, in.utility(), 1.0).probabilities(), 1e-15);
            // q ↓ γ(argmax U): γ restricted to argmax U, renormalized
            double max = Double.NEGATIVE_INFINITY, top = 0;
            for (int i = 0; i < g.size(); i++) if (g.weight(i) > 0) max = Math.max(max, in.utility()[i]);
            for (int i = 0; i < g.size(); i++) if (g.weight(i) > 0 && in.utility()[i] == max) top += g.weight(i);
            SoftPolicy qq = Quantilizer.of(g, in.utility(), top * 0.5);
            for (int i = 0; i < g.size(); i++) {
                double want = g.weight(i) > 0 && in.utility()[i] == max ? g.weight(i) / top : 0;
                assertEquals(want, qq.probability(i), 1e-12);
            }
        }
    }

    @Test
    void boundaryTieClassGetsResidualMassInProportionToGamma() {
        Prior g = Prior.of(new double[] {0.1, 0.2, 0.3, 0.15, 0.25});
        double[] u = {5, 3, 3, 3, 1};
        // A = 0.1 for the tie class {1,2,3} (mass 0.65); q = 0.4 leaves residual 0.3 split 2:3:1.5
        SoftPolicy qq = Quantilizer.of(g, u, 0.4);
        assertArrayEquals(
                new double[] {0.25, 0.3 / 0.4 * 0.2 / 0.65, 0.3 / 0.4 * 0.3 / 0.65, 0.3 / 0.4 * 0.15 / 0.65, 0},
                qq.probabilities(),
                1e-15);
        assertEquals(3.0, qq.threshold());
        assertEquals(0.3 / 0.65, qq.boundaryAcceptance(), 1e-15);
        assertEquals(4, qq.supportSize());
        double kl = 0.25 * Math.log(0.25 / 0.1) + 0.75 * Math.log(0.3 / 0.4 / 0.65);
        assertEquals(kl, qq.klToPrior(), 1e-14);
    }
}
