package org.ntk4j.softopt;

import java.util.Arrays;
import org.ntk4j.error.InvalidInputException;

/**
 * A policy prior γ over a finite set of policies (the base distribution of a quantilizer, "the
 * policies a human might execute"). Immutable; weights are non-negative and sum to 1.
 *
 * <p>{@link #of} insists on a normalized input (within {@value #SUM_TOLERANCE}), so that a prior
 * given with the wrong scale is an error rather than a silently different distribution;
 * {@link #normalize} is the explicit way to rescale unnormalized weights. Policies with weight 0 are
 * allowed: no soft-optimized distribution ever puts mass on them.
 */
public final class Prior {
    /** Largest accepted |Σγ − 1| for {@link #of}. */
    public static final double SUM_TOLERANCE = 1e-9;

    private final double[] w;

    private Prior(double[] w) { this.w = w; }

    /** A prior from weights that already sum to 1 (within {@link #SUM_TOLERANCE}); rescaled exactly to sum 1. */
    public static Prior of(double[] weights) {
        double s = checkedSum("prior", weights);
        if (Math.abs(s - 1) > SUM_TOLERANCE)
            throw new InvalidInputException("prior", "weights sum to " + s
                + ", not 1; normalize them (Prior.normalize) or pass probabilities");
        return new Prior(scaled(weights, s));
    }

    /** A prior proportional to non-negative weights (not all zero). */
    public static Prior normalize(double[] weights) {
        double s = checkedSum("prior", weights);
        return new Prior(scaled(weights, s));
    }

    /** The uniform prior on n policies. */
    public static Prior uniform(int n) {
        if (n < 1) throw new InvalidInputException("n", "is " + n + "; a prior needs at least one policy");
        double[] w = new double[n];
        Arrays.fill(w, 1.0 / n);
        return new Prior(w);
    }

    private static double checkedSum(String name, double[] weights) {
        Checks.finite(name, weights);
        double s = 0;
        for (int i = 0; i < weights.length; i++) {
            if (weights[i] < 0)
                throw new InvalidInputException(name, "weight " + i + " is " + weights[i] + "; prior weights must be >= 0");
            s += weights[i];
        }
        if (!(s > 0)) throw new InvalidInputException(name, "all weights are zero; give at least one positive weight");
        return s;
    }

    private static double[] scaled(double[] w, double s) {
        double[] r = new double[w.length];
        for (int i = 0; i < w.length; i++) r[i] = w[i] / s;
        return r;
    }

    /** Number of policies. */
    public int size() { return w.length; }

    /** γ_i. */
    public double weight(int i) { return w[i]; }

    /** A copy of the weights. */
    public double[] weights() { return w.clone(); }

    /** E_γ[f]. */
    public double expectation(double[] f) {
        Checks.sameLength("f", f, w.length, "the prior");
        double s = 0;
        for (int i = 0; i < w.length; i++) if (w[i] > 0) s += w[i] * f[i];
        return s;
    }

    double[] raw() { return w; }

    @Override public boolean equals(Object o) { return o instanceof Prior p && Arrays.equals(p.w, w); }
    @Override public int hashCode() { return Arrays.hashCode(w); }
    @Override public String toString() { return "Prior[n=" + w.length + "]"; }
}
