package org.ntk4j.softopt;

import org.apache.commons.numbers.gamma.InverseErfc;
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

    /**
     * κ = z_{1−δ}, the one-sided standard normal quantile (κ ≈ 1.645 at δ = 0.05): the band width
     * that {@code softopt --kappa auto} uses. Under a Gaussian posterior V(π) ~ N(U(π), σ(π)²),
     * L(π) = U(π) − z_{1−δ}·σ(π) is a pointwise (1 − δ) lower credible bound: each policy's true
     * utility falls below its band with probability δ, the same δ the bound ε is taken at. A
     * simultaneous band over all n policies (z_{1−δ/n}) is not needed: B2 (§4.8) only limits the
     * prior-average shortfall below the band, and ε pays for that shortfall.
     *
     * @param delta δ ∈ (0, 0.5]; above 0.5 the quantile is negative, a band above U
     */
    public static double pointwiseKappa(double delta) {
        SoftOptChecks.probability("delta", delta);
        if (delta > 0.5)
            throw new InvalidInputException(
                    "delta",
                    "is " + delta
                            + "; a (1 - delta) lower band needs delta <= 0.5 (kappa = z_{1-delta} would be negative)");
        // z_{1−δ} = √2·erfc⁻¹(2δ): erfc⁻¹ keeps full relative accuracy for a tiny δ, where 1 − δ would round to 1
        return Math.sqrt(2) * InverseErfc.value(2 * delta);
    }

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
