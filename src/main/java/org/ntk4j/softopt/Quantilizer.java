package org.ntk4j.softopt;

import java.util.OptionalDouble;

/**
 * Taylor's q-quantilizer (§3, E1/E2): the prior restricted to its top-q mass by proxy utility U,
 * rescaled by 1/q; the tie class on the boundary gets exactly the residual mass (q − A)/q, split
 * in proportion to γ.
 *
 * <p>Comparisons of cumulative prior mass with q use an absolute tolerance of {@value #MASS_TOLERANCE}
 * (masses are probabilities), so that q equal to a class boundary up to rounding keeps the whole
 * class instead of a 1e-17 sliver of the next one.
 */
public final class Quantilizer {
    /** Tolerance on cumulative prior mass versus q. */
    public static final double MASS_TOLERANCE = 1e-12;

    private Quantilizer() {}

    /**
     * Q_q (E1).
     *
     * @param prior   γ
     * @param utility U, one finite value per policy
     * @param q       the kept prior mass, 0 &lt; q ≤ 1
     * @return the quantilizer; {@code threshold} = t_q, {@code boundaryAcceptance} = (q − A)/T on the
     *         boundary class; no guaranteed value (a plain quantilizer assumes no bound)
     */
    public static SoftPolicy of(Prior prior, double[] utility, double q) {
        AcceptRule rule = rule(prior, utility, q);
        return Levels.accept(
                Mode.QUANTILIZER,
                prior,
                utility,
                rule.threshold(),
                rule.boundaryAcceptance(),
                OptionalDouble.empty(),
                OptionalDouble.empty());
    }

    /**
     * The accept rule of Q_q: t_q = sup{t : γ(U ≥ t) ≥ q} and the acceptance probability
     * (q − γ(U &gt; t_q)) / γ(U = t_q) of the boundary atom (E2).
     */
    public static AcceptRule rule(Prior prior, double[] utility, double q) {
        if (prior == null) throw new org.ntk4j.error.InvalidInputException("prior", "is missing (null)");
        SoftOptChecks.finite("utility", utility);
        SoftOptChecks.sameLength("utility", utility, prior.size(), "the prior");
        SoftOptChecks.q(q);
        Levels lv = Levels.of(prior, utility);
        double above = 0;
        for (int k = 0; k < lv.count; k++) {
            double t = lv.mass[k];
            if (above + t >= q - MASS_TOLERANCE || k == lv.count - 1) {
                // Level k is the last one with mass: fully kept if A + T ≈ q, else partially.
                double a = (above + t <= q + MASS_TOLERANCE) ? 1.0 : Math.min(1.0, Math.max(0.0, (q - above) / t));
                return new AcceptRule(lv.value[k], a);
            }
            above += t;
        }
        throw new IllegalStateException("unreachable: prior has positive mass");
    }
}
