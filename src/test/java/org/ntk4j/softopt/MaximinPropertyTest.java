package org.ntk4j.softopt;

import static org.junit.jupiter.api.Assertions.*;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;
import org.junit.jupiter.api.Test;

/** Claims 4–9 and 12 of docs/soft-optimization.md §8 on hundreds of seeded random instances, against LPs. */
class MaximinPropertyTest {
    static final int INSTANCES = 300;

    static double randomEpsilon(UniformRandomProvider rng) {
        double r = rng.nextDouble();
        return r < 0.05 ? 0 : r < 0.15 ? 20 * rng.nextDouble() : 2 * rng.nextDouble() * rng.nextDouble();
    }

    @Test
    void maximinValueEqualsLpOverAllDistributions() {
        UniformRandomProvider rng = RandomSource.XO_SHI_RO_256_PP.create(4L);
        for (int k = 0; k < INSTANCES; k++) {
            Oracles.Instance in = Oracles.randomInstance(rng, 1 + rng.nextInt(25));
            Prior g = in.gamma();
            double eps = randomEpsilon(rng);
            SoftPolicy p = Maximin.solve(g, in.utility(), eps);
            String ctx = "instance " + k + " eps=" + eps;
            // the literal B1 LP (e free, s ≥ |e|) with ojAlgo, and the reduced LP with Commons Math
            LpMaximin.Solution lp = LpMaximin.solve(in.utility(), AdversarySet.meanAbsoluteError(g, eps));
            assertEquals(lp.value(), p.threshold(), 1e-9, ctx);
            assertEquals(Oracles.b1MaximinValue(g.weights(), in.utility(), eps), p.threshold(), 1e-9, ctx);
            // the value of p* itself (E8) is t*, and so is the value of the LP's p
            assertEquals(p.threshold(), Maximin.guaranteedValue(g, in.utility(), p.probabilities(), eps), 1e-12, ctx);
            assertEquals(p.threshold(), Maximin.guaranteedValue(g, in.utility(), lp.probabilities(), eps), 1e-8, ctx);
            // p*/γ is constant (= 1/q*) on the support, the support is an upper set {U ≥ t*}, KL = log(1/q*)
            for (int i = 0; i < g.size(); i++) {
                if (p.probability(i) > 0) {
                    assertEquals(1 / p.q(), p.probability(i) / g.weight(i), 1e-12 / p.q(), ctx);
                    assertTrue(in.utility()[i] >= p.threshold(), ctx);
                } else if (g.weight(i) > 0) assertTrue(in.utility()[i] < p.threshold(), ctx);
            }
            assertEquals(Math.log(1 / p.q()), p.klToPrior(), 1e-12, ctx);
        }
    }

    @Test
    void thresholdSolvesE9AndWorstCaseSpendsEpsilon() {
        UniformRandomProvider rng = RandomSource.XO_SHI_RO_256_PP.create(9L);
        for (int k = 0; k < INSTANCES; k++) {
            Oracles.Instance in = Oracles.randomInstance(rng, 1 + rng.nextInt(40));
            Prior g = in.gamma();
            double[] u = in.utility();
            double eps = randomEpsilon(rng);
            SoftPolicy p = Maximin.solve(g, u, eps);
            double t = p.threshold();
            double min = Double.POSITIVE_INFINITY, mean = g.expectation(u);
            for (int i = 0; i < u.length; i++) if (g.weight(i) > 0) min = Math.min(min, u[i]);
            double sMin = Maximin.expectedExcess(g, u, min);
            String ctx = "instance " + k + " eps=" + eps;
            if (eps >= sMin) {
                assertEquals(mean - eps, t, 1e-12, ctx);
                assertEquals(1.0, p.q(), 1e-12, ctx);
            } else {
                assertEquals(eps, Maximin.expectedExcess(g, u, t), 1e-12, ctx);
                // q* = γ(U ≥ t*)
                double q = 0;
                for (int i = 0; i < u.length; i++) if (u[i] >= t) q += g.weight(i);
                assertEquals(q, p.q(), 1e-12, ctx);
                // V* = min(U, t*) is feasible, spends exactly ε, and gives t* under p*
                double[] v = Maximin.worstCaseTrueUtility(u, t);
                double spent = 0;
                for (int i = 0; i < u.length; i++) spent += g.weight(i) * Math.abs(u[i] - v[i]);
                assertEquals(eps, spent, 1e-12, ctx);
                assertEquals(t, p.expectation(v), 1e-12, ctx);
            }
            // (E13): max_q [E_Q U − ε‖Q/γ‖∞] over quantilizers is t*, never above it
            for (int j = 1; j <= 50; j++) {
                SoftPolicy qq = Quantilizer.of(g, u, j / 50.0);
                assertTrue(Maximin.guaranteedValue(g, u, qq.probabilities(), eps) <= t + 1e-12, ctx);
            }
            SoftPolicy atQ = Quantilizer.of(g, u, p.q());
            assertEquals(t, Maximin.guaranteedValue(g, u, atQ.probabilities(), eps), 1e-12, ctx);
        }
    }

    @Test
    void qStarIsMonotoneInEpsilonWithTheRightLimits() {
        UniformRandomProvider rng = RandomSource.XO_SHI_RO_256_PP.create(7L);
        for (int k = 0; k < 200; k++) {
            Oracles.Instance in = Oracles.randomInstance(rng, 2 + rng.nextInt(30));
            Prior g = in.gamma();
            double[] u = in.utility();
            double prevQ = 0, prevT = Double.POSITIVE_INFINITY;
            for (int j = 0; j <= 60; j++) {
                double eps = j == 0 ? 0 : Math.pow(10, -4 + j / 10.0);
                SoftPolicy p = Maximin.solve(g, u, eps);
                assertTrue(p.q() >= prevQ - 1e-15, "q* must not decrease as eps grows: instance " + k);
                assertTrue(p.threshold() <= prevT + 1e-15, "t* must not increase as eps grows: instance " + k);
                prevQ = p.q();
                prevT = p.threshold();
            }
            assertEquals(1.0, prevQ, 1e-12); // eps = 100 ≥ E_γU − min U for |U| ≤ 5
            double max = Double.NEGATIVE_INFINITY, top = 0;
            for (int i = 0; i < u.length; i++) if (g.weight(i) > 0) max = Math.max(max, u[i]);
            for (int i = 0; i < u.length; i++) if (g.weight(i) > 0 && u[i] == max) top += g.weight(i);
            assertEquals(top, Maximin.solve(g, u, 0).q(), 1e-12);
        }
    }

    @Test
    void innerMinimizationClosedFormE8() {
        UniformRandomProvider rng = RandomSource.XO_SHI_RO_256_PP.create(8L);
        for (int k = 0; k < 200; k++) {
            Oracles.Instance in = Oracles.randomInstance(rng, 1 + rng.nextInt(15));
            Prior g = in.gamma();
            double eps = randomEpsilon(rng);
            double[] p = new double[g.size()];
            double s = 0;
            for (int i = 0; i < p.length; i++) {
                p[i] = g.weight(i) > 0 ? rng.nextDouble() : 0;
                s += p[i];
            }
            if (s == 0) continue;
            for (int i = 0; i < p.length; i++) p[i] /= s;
            assertEquals(
                    Oracles.innerMin(g.weights(), in.utility(), p, eps),
                    Maximin.guaranteedValue(g, in.utility(), p, eps),
                    1e-9,
                    "instance " + k);
        }
        // mass outside supp γ: the adversary is unbounded
        Prior g = Prior.of(new double[] {0.5, 0.5, 0});
        assertEquals(
                Double.NEGATIVE_INFINITY,
                Maximin.guaranteedValue(g, new double[] {1, 2, 3}, new double[] {0, 0.5, 0.5}, 0.1));
    }

    @Test
    void lowerBandEqualsLpAndIsARescaledSubset() {
        UniformRandomProvider rng = RandomSource.XO_SHI_RO_256_PP.create(12L);
        int cut = 0;
        for (int k = 0; k < INSTANCES; k++) {
            Oracles.Instance in = Oracles.randomInstance(rng, 1 + rng.nextInt(25));
            Prior g = in.gamma();
            double[] u = in.utility();
            double[] sd = new double[u.length];
            for (int i = 0; i < sd.length; i++) sd[i] = 3 * rng.nextDouble() * rng.nextDouble();
            double kappa = 0.5 + rng.nextDouble(), eps = randomEpsilon(rng);
            SoftPolicy p = LowerBandMaximin.solve(g, u, sd, kappa, eps);
            double[] w = new double[sd.length];
            for (int i = 0; i < w.length; i++) w[i] = kappa * sd[i];
            String ctx = "instance " + k + " eps=" + eps;
            LpMaximin.Solution lp = LpMaximin.solve(u, AdversarySet.lowerBand(g, w, eps));
            assertEquals(lp.value(), p.threshold(), 1e-9, ctx);
            double[] l = LowerBandMaximin.lowerBand(u, sd, kappa);
            for (int i = 0; i < g.size(); i++)
                if (p.probability(i) > 0) assertEquals(1 / p.q(), p.probability(i) / g.weight(i), 1e-12 / p.q(), ctx);
            // E17 on p_B*: E_p L − ε‖p/γ‖∞ = t_B
            assertEquals(p.threshold(), p.expectation(l) - eps / p.q(), 1e-9 * Math.max(1, eps / p.q()), ctx);
            // top cut-off (claim 12): some policy in supp γ with U above the smallest supported U is left out
            double minSupported = Double.POSITIVE_INFINITY;
            for (int i = 0; i < u.length; i++) if (p.probability(i) > 0) minSupported = Math.min(minSupported, u[i]);
            for (int i = 0; i < u.length; i++)
                if (g.weight(i) > 0 && p.probability(i) == 0 && u[i] > minSupported) {
                    cut++;
                    break;
                }
        }
        assertTrue(cut > 10, "the random instances should exercise the top cut-off, got " + cut);
    }

    @Test
    void b1NeverCutsOffTheTop() {
        UniformRandomProvider rng = RandomSource.XO_SHI_RO_256_PP.create(13L);
        for (int k = 0; k < INSTANCES; k++) {
            Oracles.Instance in = Oracles.randomInstance(rng, 1 + rng.nextInt(30));
            SoftPolicy p = Maximin.solve(in.gamma(), in.utility(), randomEpsilon(rng));
            double minSupported = Double.POSITIVE_INFINITY;
            for (int i = 0; i < p.size(); i++)
                if (p.probability(i) > 0) minSupported = Math.min(minSupported, in.utility()[i]);
            for (int i = 0; i < p.size(); i++)
                if (in.prior()[i] > 0 && in.utility()[i] >= minSupported)
                    assertTrue(p.probability(i) > 0, "instance " + k);
        }
    }
}
