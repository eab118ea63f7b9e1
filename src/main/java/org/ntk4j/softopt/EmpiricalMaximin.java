package org.ntk4j.softopt;

import java.util.Arrays;
import org.ntk4j.linalg.Scaling;

/**
 * The sample-based rule (E15) for priors known only through samples: draw N policies from γ,
 * score them with the proxy, sort u₍₁₎ ≥ … ≥ u₍N₎ and pick
 * m* = argmax_m [(1/m)Σ_{j≤m} u₍j₎ − ε·N/m]. Deploy the quantilizer that accepts prior draws with
 * U ≥ u₍m*₎ (acceptance rate ≈ m* divided by N). This equals solving (E9) on the empirical measure.
 *
 * <p>Among maximizing m (ties within a relative 1e-12) the largest is taken: the canonical
 * least-optimization choice. The scores and ε are scaled by a common power of two first (exact,
 * see {@link Maximin}): any finite magnitude works, and the tie tolerance is relative to it.
 */
public final class EmpiricalMaximin {
    private EmpiricalMaximin() {}

    /**
     * The result of (E15).
     *
     * @param m       m*, the number of top samples kept
     * @param n       N, the number of prior samples
     * @param qHat    m* divided by N, the estimated q*
     * @param cutoff  u₍m*₎, the proxy cut-off to deploy (accept U ≥ cutoff)
     * @param bound   the maximized value (1/m*)Σ u₍j₎ − εN/m*, the estimated guaranteed value t*
     * @param epsilon ε
     */
    public record Cutoff(int m, int n, double qHat, double cutoff, double bound, double epsilon) {
        public Cutoff {
            if (m < 1 || m > n) throw new IllegalArgumentException("cutoff: m = " + m + " of n = " + n);
        }

        /** The accept rule "U ≥ cutoff" (E19 on the estimated threshold). */
        public AcceptRule acceptRule() {
            return new AcceptRule(cutoff, 1.0);
        }
    }

    /**
     * Applies (E15) to proxy scores of policies drawn from the prior.
     *
     * @param priorSampleScores U(π_j) for π_j ~ γ, j = 1..N (finite)
     * @param epsilon           ε ≥ 0
     */
    public static Cutoff cutoff(double[] priorSampleScores, double epsilon) {
        SoftOptChecks.finite("priorSampleScores", priorSampleScores);
        SoftOptChecks.epsilon(epsilon);
        int n = priorSampleScores.length;
        int e = Scaling.exponent(priorSampleScores, epsilon);
        double[] u = Scaling.scalb(priorSampleScores, -e).clone();
        double eps = Math.scalb(epsilon, -e);
        Arrays.sort(u);
        // descending order: u[n-1] is the largest
        double prefix = 0, best = Double.NEGATIVE_INFINITY, scale = 0;
        for (double v : u) scale = Math.max(scale, Math.abs(v));
        double tol = 1e-12 * Math.max(scale + eps * n, Double.MIN_NORMAL);
        int bestM = 1;
        double[] value = new double[n + 1];
        for (int m = 1; m <= n; m++) {
            prefix += u[n - m];
            value[m] = prefix / m - eps * n / m;
            if (value[m] > best) best = value[m];
        }
        for (int m = n; m >= 1; m--)
            if (value[m] >= best - tol) {
                bestM = m;
                break;
            }
        double bound = SoftOptChecks.representable(Math.scalb(value[bestM], e), "empirical maximin bound");
        return new Cutoff(bestM, n, (double) bestM / n, Math.scalb(u[n - bestM], e), bound, epsilon);
    }
}
