package org.ntk4j.softopt;

import java.util.OptionalDouble;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.Scaling;

/**
 * The maximin policy distribution under the mean-absolute-error bound B1 (§4.2–4.5):
 * E_γ|U − V| ≤ ε. The answer is a quantilizer whose q is set by ε, not by hand:
 * <ul>
 *   <li>t* solves S_γ(U; t*) = E_γ[(U − t*)₊] = ε (E9), found in O(n log n) by sorting;</li>
 *   <li>q* = γ(U ≥ t*) and p* = γ·1[U ≥ t*]/q* (E10);</li>
 *   <li>the guaranteed expected true utility is t* itself (E11);</li>
 *   <li>a worst-case true utility is V* = min(U, t*) (E12), which spends exactly ε.</li>
 * </ul>
 * When t* falls on a level of U that carries prior mass, every q between γ(U &gt; t*) and
 * γ(U ≥ t*) is optimal; the canonical choice is the largest (the whole tie class: least
 * optimization). An ε within a relative {@value #TIE_TOLERANCE} of such a breakpoint counts as the
 * breakpoint.
 *
 * <p>Every computation here is homogeneous in (U, ε) and runs on both scaled by the same power of
 * two ({@link Scaling}, exact), so utilities and bounds of any finite magnitude (up to ~1e308) are
 * solved without overflow, and the tie tolerance is relative to their common scale; a result whose
 * exact value lies beyond ±1.8e308 is a {@link org.ntk4j.error.NonFiniteResultException}.
 */
public final class Maximin {
    /** Relative tolerance (to max|U| + ε) for recognizing that t* falls exactly on a level of U. */
    public static final double TIE_TOLERANCE = 1e-12;

    private Maximin() {}

    /**
     * The B1 maximin distribution (E9–E11).
     *
     * @param prior   γ
     * @param utility the proxy U, finite, one per policy
     * @param epsilon the bound ε ≥ 0 on E_γ|U − V|
     * @return p* with threshold = guaranteed value = t*, q = q*, KL = log(1/q*)
     */
    public static SoftPolicy solve(Prior prior, double[] utility, double epsilon) {
        return solveOn(Mode.MAXIMIN, prior, utility, "utility", epsilon);
    }

    static SoftPolicy solveOn(Mode mode, Prior prior, double[] score, String scoreName, double epsilon) {
        if (prior == null) throw new InvalidInputException("prior", "is missing (null)");
        SoftOptChecks.finite(scoreName, score);
        SoftOptChecks.sameLength(scoreName, score, prior.size(), "the prior");
        SoftOptChecks.epsilon(epsilon);
        int e = Scaling.exponent(score, epsilon);
        double t = Math.scalb(threshold(Levels.of(prior, Scaling.scalb(score, -e)), Math.scalb(epsilon, -e)), e);
        SoftOptChecks.representable(t, mode.jsonName() + " threshold t*");
        return Levels.accept(mode, prior, score, t, 1.0, OptionalDouble.of(t), OptionalDouble.of(epsilon));
    }

    /**
     * t* solving E_γ[(U − t)₊] = ε (E9) on sorted levels: S is linear between consecutive levels,
     * S(u_{k+1}) = S(u_k) + Γ_k (u_k − u_{k+1}), a sum of non-negative terms (no cancellation).
     * Returns exactly a level value when ε hits a breakpoint (canonical largest q), and
     * E_γU − ε when ε ≥ S(min U). Callers pass U and ε scaled to order 1 (see the class comment):
     * then no difference or sum below overflows.
     */
    static double threshold(Levels lv, double eps) {
        double tol = TIE_TOLERANCE * Math.max(lv.maxAbs + eps, Double.MIN_NORMAL);
        double s = 0; // S(u_k)
        double cum = lv.mass[0]; // Γ_k
        for (int k = 0; k + 1 < lv.count; k++) {
            double next = s + cum * (lv.value[k] - lv.value[k + 1]); // S(u_{k+1})
            if (Math.abs(eps - next) <= tol) return lv.value[k + 1];
            if (eps < next) {
                double t = lv.value[k] - (eps - s) / cum;
                return Math.min(lv.value[k], Math.max(lv.value[k + 1], t));
            }
            s = next;
            cum += lv.mass[k + 1];
        }
        // Below the smallest level S(t) = S(u_L) + Γ_L (u_L − t) with Γ_L = 1.
        int last = lv.count - 1;
        return lv.value[last] - (eps - s) / cum;
    }

    /** S_γ(U; t) = E_γ[(U − t)₊], the expected excess of U over t under the prior. */
    public static double expectedExcess(Prior prior, double[] utility, double t) {
        SoftOptChecks.finite("utility", utility);
        SoftOptChecks.sameLength("utility", utility, prior.size(), "the prior");
        int e = Scaling.exponent(utility, t);
        double[] u = Scaling.scalb(utility, -e);
        double ts = Math.scalb(t, -e), s = 0;
        for (int i = 0; i < u.length; i++) {
            double w = prior.weight(i);
            if (w > 0 && u[i] > ts) s += w * (u[i] - ts);
        }
        return SoftOptChecks.representable(Math.scalb(s, e), "expected excess");
    }

    /**
     * A worst-case true utility V* = min(score, threshold) (E12; E18 with score = L). It is
     * feasible for the bound and gives E_{p*}V* = threshold.
     */
    public static double[] worstCaseTrueUtility(double[] score, double threshold) {
        SoftOptChecks.finite("score", score);
        double[] v = new double[score.length];
        for (int i = 0; i < v.length; i++) v[i] = Math.min(score[i], threshold);
        return v;
    }

    /**
     * The guaranteed expected true utility of an arbitrary distribution p under B1 (E8):
     * min over {V : E_γ|U − V| ≤ ε} of E_p[V] = E_p[U] − ε·max_{p>0} p/γ, or −∞ when p puts
     * mass where γ has none.
     */
    public static double guaranteedValue(Prior prior, double[] utility, double[] p, double epsilon) {
        SoftOptChecks.finite("utility", utility);
        SoftOptChecks.finite("p", p);
        SoftOptChecks.sameLength("utility", utility, prior.size(), "the prior");
        SoftOptChecks.sameLength("p", p, prior.size(), "the prior");
        SoftOptChecks.epsilon(epsilon);
        int e = Scaling.exponent(utility, epsilon);
        double[] u = Scaling.scalb(utility, -e);
        double ratio = 0, mean = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i] < 0) throw new InvalidInputException("p", "entry " + i + " is negative");
            if (p[i] == 0) continue;
            double g = prior.weight(i);
            if (g == 0) return Double.NEGATIVE_INFINITY;
            ratio = Math.max(ratio, p[i] / g);
            mean += p[i] * u[i];
        }
        return SoftOptChecks.representable(Math.scalb(mean - Math.scalb(epsilon, -e) * ratio, e), "guaranteed value");
    }
}
