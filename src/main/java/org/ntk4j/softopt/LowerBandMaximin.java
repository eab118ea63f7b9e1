package org.ntk4j.softopt;

import org.ntk4j.error.InvalidInputException;

/**
 * The maximin distribution under the lower-band bound B2 (§4.8, E17–E18):
 * E_γ[(L − V)₊] ≤ ε with the value lower bound L = U − κσ. Errors inside the band are free; the
 * bound controls how far, on prior average, the truth falls below it. The answer quantilizes L:
 * p_B* = γ·1[L ≥ t_B]/γ(L ≥ t_B) with S_γ(L; t_B) = ε, guaranteed value t_B, worst case
 * V* = min(L, t_B). Unlike B1 it can cut off the top of U where σ is large (little data).
 *
 * <p>Since (L − V)₊ ≤ |U − V| whenever κσ ≥ 0, an ε valid for B1 is also valid for B2.
 */
public final class LowerBandMaximin {
    private LowerBandMaximin() {}

    /** L = U − κ·sd, checked. */
    public static double[] lowerBand(double[] utility, double[] sd, double kappa) {
        SoftOptChecks.finite("utility", utility);
        SoftOptChecks.finite("sd", sd);
        SoftOptChecks.sameLength("sd", sd, utility.length, "utility");
        SoftOptChecks.nonNegative("kappa", kappa);
        double[] l = new double[utility.length];
        for (int i = 0; i < l.length; i++) {
            if (sd[i] < 0)
                throw new InvalidInputException(
                        "sd", "entry " + i + " is " + sd[i] + "; standard deviations must be >= 0");
            l[i] = utility[i] - kappa * sd[i];
            if (!Double.isFinite(l[i]))
                throw new InvalidInputException(
                        "kappa",
                        "is " + kappa + "; U - kappa·sd overflows at entry " + i + " (sd " + sd[i]
                                + "); use a smaller kappa or rescale the utilities and sds");
        }
        return l;
    }

    /**
     * The B2 maximin (E18).
     *
     * @param prior   γ
     * @param utility the proxy U (posterior mean)
     * @param sd      the posterior standard deviation σ ≥ 0 of each policy
     * @param kappa   band half-width in units of σ (κ ≥ 0; the texts do not fix it, 1 is the default)
     * @param epsilon the bound ε ≥ 0
     * @return p_B*, threshold = guaranteed value = t_B
     */
    public static SoftPolicy solve(Prior prior, double[] utility, double[] sd, double kappa, double epsilon) {
        if (prior == null) throw new InvalidInputException("prior", "is missing (null)");
        SoftOptChecks.sameLength("utility", SoftOptChecks.finite("utility", utility), prior.size(), "the prior");
        return Maximin.solveOn(Mode.MAXIMIN_LOWER_BAND, prior, lowerBand(utility, sd, kappa), "lower band", epsilon);
    }
}
