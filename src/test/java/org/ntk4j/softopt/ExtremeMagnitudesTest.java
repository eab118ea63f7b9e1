package org.ntk4j.softopt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.ntk4j.error.NonFiniteResultException;

/**
 * The soft optimizer at any finite magnitude (issue 13): utilities, priors and ε from 1e-300 to
 * 1e300 (and up to 1e308), mixed signs. The maximin threshold is checked against an independent
 * bisection of S_γ(U; t) = ε on the data divided by its scale; where t* itself is not a float64
 * the answer is a {@link NonFiniteResultException}, never a wrong number or an internal error.
 */
class ExtremeMagnitudesTest {
    /** The audit's case: the tie tolerance (1e-12·(max|U| + ε)) overflowed and t* came out as 0. */
    @Test
    void hugeUtilitiesAndEpsilonGiveTheTrueThreshold() {
        SoftPolicy p = Maximin.solve(Prior.uniform(3), new double[] {1e308, 0, -1}, 9e307);
        double want = (1e308 / 3 - 1.0 / 3) - 9e307; // below every level: t* = E_γU − ε
        assertEquals(want, p.threshold(), 1e-12 * 1e308);
        assertEquals(want, p.guaranteedValue().getAsDouble(), 1e-12 * 1e308);
        assertEquals(1.0, p.q(), 1e-15);
    }

    /** The audit's case: a prior [1e308]*3 summed to +Infinity (then an ArrayIndexOutOfBoundsException). */
    @Test
    void hugePriorWeightsNormalize() {
        Prior g = Prior.normalize(new double[] {1e308, 1e308, 1e308});
        for (int i = 0; i < 3; i++) assertEquals(1.0 / 3, g.weight(i), 1e-16);
        Prior h = Prior.normalize(new double[] {1e308, 0.5e308, 4.9e-324});
        assertEquals(2.0 / 3, h.weight(0), 1e-15);
        assertEquals(1.0 / 3, h.weight(1), 1e-15);
        assertEquals(1.75, Maximin.solve(g, new double[] {1, 2, 3}, 0.5).threshold(), 1e-15); // (3 − t + 2 − t)/3 = 0.5
    }

    /** t* = E_γU − ε = −2e308 is not a float64: a typed error naming the stage, not −Infinity. */
    @Test
    void aThresholdBeyondTheRangeIsATypedError() {
        NonFiniteResultException e = assertThrows(
                NonFiniteResultException.class,
                () -> Maximin.solve(Prior.uniform(2), new double[] {-1e308, -1e308}, 1e308));
        assertTrue(e.stage().contains("threshold"), e.getMessage());
        assertThrows(
                NonFiniteResultException.class,
                () -> EmpiricalMaximin.cutoff(new double[] {-1e308, -1e308, -1.5e308}, 1e308));
    }

    /** S_γ(t) = Σ γ_i (u_i − t)₊ on scaled data, by bisection: ~1e-15 relative to the scale. */
    static double bisect(double[] g, double[] u, double eps) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < u.length; i++)
            if (g[i] > 0) {
                lo = Math.min(lo, u[i]);
                hi = Math.max(hi, u[i]);
            }
        lo = lo - eps - 1;
        for (int it = 0; it < 2000 && lo < hi; it++) {
            double mid = lo + (hi - lo) / 2;
            if (mid == lo || mid == hi) break;
            double s = 0;
            for (int i = 0; i < u.length; i++) if (g[i] > 0 && u[i] > mid) s += g[i] * (u[i] - mid);
            if (s > eps) lo = mid;
            else hi = mid;
        }
        return lo + (hi - lo) / 2;
    }

    @Test
    void randomInstancesFrom1eMinus300To1e307MatchBisection() {
        Random r = new Random(20261207);
        int solved = 0, refused = 0;
        for (int trial = 0; trial < 600; trial++) {
            int n = 1 + r.nextInt(25);
            // scales up to 1e308: there |u_i − u_j|, max|U| + ε and Σγ_i overflow unless the data are rescaled
            double scale = Math.pow(10, -300 + 608 * r.nextDouble());
            double spread =
                    Math.pow(10, r.nextInt(4) == 0 ? -8 * r.nextDouble() : 0); // some instances with tiny spread
            double[] u = new double[n], w = new double[n];
            double wScale = Math.pow(10, -300 + 608 * r.nextDouble());
            for (int i = 0; i < n; i++) {
                u[i] = r.nextInt(5) == 0 && i > 0
                        ? u[r.nextInt(i)]
                        : Math.min(Double.MAX_VALUE, scale * (1 + spread * (4 * r.nextDouble() - 2)))
                                * (r.nextBoolean() ? 1 : -1);
                w[i] = r.nextInt(7) == 0 ? 0 : Math.min(Double.MAX_VALUE, wScale * Math.pow(10, 8 * r.nextDouble()));
            }
            if (java.util.Arrays.stream(w).allMatch(x -> x == 0)) w[0] = wScale;
            double eps =
                    r.nextInt(6) == 0 ? 0 : Math.min(Double.MAX_VALUE, scale * Math.pow(10, -6 + 7 * r.nextDouble()));
            Prior g = Prior.normalize(w);
            double sum = 0;
            for (int i = 0; i < n; i++) sum += g.weight(i);
            assertEquals(1.0, sum, 1e-12, "prior sums to 1");

            // the oracle on data divided by m (not a power of two: independent rounding)
            double m = Math.max(
                    eps, java.util.Arrays.stream(u).map(Math::abs).max().orElse(0));
            double[] us = new double[n];
            for (int i = 0; i < n; i++) us[i] = u[i] / m;
            // t* is defined up to the solver's tie tolerance on ε (1e-12 of the scale): bracket it by
            // the thresholds of ε ± 1e-10·m (S is decreasing in t)
            double lo = bisect(g.weights(), us, eps / m + 1e-10) * m,
                    hi = bisect(g.weights(), us, Math.max(0, eps / m - 1e-10)) * m;
            if (!Double.isFinite(lo) || lo < -Double.MAX_VALUE) {
                if (!(hi >= -Double.MAX_VALUE)) {
                    assertThrows(NonFiniteResultException.class, () -> Maximin.solve(g, u, eps), "trial " + trial);
                    refused++;
                }
                continue; // too close to the edge of float64 to tell
            }
            SoftPolicy p = Maximin.solve(g, u, eps);
            String where = "trial " + trial + ": n=" + n + " scale=" + scale + " eps=" + eps;
            assertTrue(
                    p.threshold() >= lo - 1e-12 * m && p.threshold() <= hi + 1e-12 * m,
                    where + ": t* = " + p.threshold() + " outside [" + lo + ", " + hi + "]");
            assertTrue(Double.isFinite(p.klToPrior()) && p.q() > 0, "trial " + trial);
            // the guarantee holds: the expected excess over t* is ε (within the scale's rounding)
            assertEquals(eps, Maximin.expectedExcess(g, u, p.threshold()), 1e-9 * m, where);
            solved++;
        }
        assertTrue(
                solved > 500,
                "solved " + solved + ", refused " + refused); // refusals: aThresholdBeyondTheRangeIsATypedError
    }
}
