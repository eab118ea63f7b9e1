package org.ntk4j.softopt;

import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.Finite;

/** Argument checks shared by the soft optimizer: every failure names the argument and the remedy. */
final class SoftOptChecks {
    private SoftOptChecks() {}

    static double[] finite(String name, double[] v) {
        if (v == null) throw new InvalidInputException(name, "is missing (null)");
        if (v.length == 0) throw new InvalidInputException(name, "is empty; give at least one value");
        return Finite.requireInput(v, name);
    }

    /**
     * A computed value (threshold, bound, ε estimate) that must be finite: the computations scale
     * their data by a power of two first, so a non-finite result is one whose exact value lies
     * beyond ±1.8e308.
     */
    static double representable(double v, String stage) {
        return Finite.requireResult(
                v,
                stage,
                "its exact value lies beyond the float64 range (±1.8e308); "
                        + "rescale the utilities, labels and epsilon towards order 1 (e.g. divide all of them by 1e300)");
    }

    static void sameLength(String name, double[] v, int n, String other) {
        if (v.length != n)
            throw new InvalidInputException(
                    name,
                    "has length " + v.length + " but " + other + " has length " + n + "; give one value per policy");
    }

    static double epsilon(double eps) {
        if (!(eps >= 0) || Double.isInfinite(eps))
            throw new InvalidInputException("epsilon", "is " + eps + "; the bound must be a finite number >= 0");
        return eps;
    }

    static double q(double q) {
        if (!(q > 0 && q <= 1)) throw new InvalidInputException("q", "is " + q + "; a quantilizer needs 0 < q <= 1");
        return q;
    }

    static double nonNegative(String name, double v) {
        if (!(v >= 0) || Double.isInfinite(v))
            throw new InvalidInputException(name, "is " + v + "; it must be a finite number >= 0");
        return v;
    }

    static double positive(String name, double v) {
        if (!(v > 0) || Double.isInfinite(v))
            throw new InvalidInputException(name, "is " + v + "; it must be a finite number > 0");
        return v;
    }

    static double probability(String name, double v) {
        if (!(v > 0 && v < 1))
            throw new InvalidInputException(name, "is " + v + "; it must lie strictly between 0 and 1");
        return v;
    }
}
