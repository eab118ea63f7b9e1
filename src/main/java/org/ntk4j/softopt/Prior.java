package org.ntk4j.softopt;

import java.util.Arrays;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.Scaling;

/**
 * A policy prior γ over a finite set of policies (the base distribution of a quantilizer, "the
 * policies a human might execute"). Immutable; weights are non-negative and sum to 1.
 *
 * <p>{@link #of} insists on a normalized input (within {@value #SUM_TOLERANCE}), so that a prior
 * given with the wrong scale is an error rather than a silently different distribution;
 * {@link #normalize} is the explicit way to rescale unnormalized weights. Policies with weight 0 are
 * allowed: no soft-optimized distribution ever puts mass on them. Weights of any finite magnitude
 * are accepted: the sum is formed on the weights scaled by a power of two (exact), so weights near
 * 1e308 do not overflow it.
 */
public final class Prior {
    /** Largest accepted |Σγ − 1| for {@link #of}. */
    public static final double SUM_TOLERANCE = 1e-9;

    private final double[] w;

    private Prior(double[] w) {
        this.w = w;
    }

    /** A prior from weights that already sum to 1 (within {@link #SUM_TOLERANCE}); rescaled exactly to sum 1. */
    public static Prior of(double[] weights) {
        return new Prior(normalized("prior", weights, true));
    }

    /** A prior proportional to non-negative weights (not all zero). */
    public static Prior normalize(double[] weights) {
        return new Prior(normalized("prior", weights, false));
    }

    /** The uniform prior on n policies. */
    public static Prior uniform(int n) {
        if (n < 1) throw new InvalidInputException("n", "is " + n + "; a prior needs at least one policy");
        double[] w = new double[n];
        Arrays.fill(w, 1.0 / n);
        return new Prior(w);
    }

    /**
     * The checked weights divided by their sum (which must be 1 within {@link #SUM_TOLERANCE} when
     * {@code sumToOne}). Both are taken times 2^-e, e the exponent of the largest weight: exact, so
     * the same bits as w/Σw wherever Σw does not overflow, and no overflow where it would.
     */
    private static double[] normalized(String name, double[] weights, boolean sumToOne) {
        SoftOptChecks.finite(name, weights);
        for (int i = 0; i < weights.length; i++)
            if (weights[i] < 0)
                throw new InvalidInputException(
                        name, "weight " + i + " is " + weights[i] + "; prior weights must be >= 0");
        int e = Scaling.exponent(weights);
        double[] w = Scaling.scalb(weights, -e);
        double s = 0;
        for (double v : w) s += v;
        if (!(s > 0)) throw new InvalidInputException(name, "all weights are zero; give at least one positive weight");
        if (sumToOne && Math.abs(Math.scalb(s, e) - 1) > SUM_TOLERANCE)
            throw new InvalidInputException(
                    name,
                    "weights sum to " + Math.scalb(s, e)
                            + ", not 1; normalize them (Prior.normalize) or pass probabilities");
        double[] r = new double[w.length];
        for (int i = 0; i < w.length; i++) r[i] = w[i] / s;
        return r;
    }

    /** Number of policies. */
    public int size() {
        return w.length;
    }

    /** γ_i. */
    public double weight(int i) {
        return w[i];
    }

    /** A copy of the weights. */
    public double[] weights() {
        return w.clone();
    }

    /** E_γ[f]. */
    public double expectation(double[] f) {
        SoftOptChecks.sameLength("f", f, w.length, "the prior");
        double s = 0;
        for (int i = 0; i < w.length; i++) if (w[i] > 0) s += w[i] * f[i];
        return s;
    }

    double[] raw() {
        return w;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Prior p && Arrays.equals(p.w, w);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(w);
    }

    @Override
    public String toString() {
        return "Prior[n=" + w.length + "]";
    }
}
