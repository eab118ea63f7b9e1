package org.ntk4j.linalg;

/**
 * Exact rescaling by powers of two, the one way this library keeps huge or tiny finite data (near
 * 1e±308) from overflowing or underflowing in intermediate results: a computation homogeneous in its
 * data runs on the data times 2^-e, whose largest magnitude is then in [1, 2), and its result is
 * scaled back by 2^e. Scaling by a power of two is exact for every value that stays in the normal
 * range, so wherever the unscaled computation does not overflow, the scaled one gives the same bits.
 */
public final class Scaling {
    private Scaling() {}

    /**
     * The binary exponent ({@link Math#getExponent}) of the largest finite |value| among {@code v}
     * and {@code more}; 0 when all are 0 or non-finite.
     */
    public static int exponent(double[] v, double... more) {
        double max = 0;
        for (double x : v) max = largerFinite(max, x);
        for (double x : more) max = largerFinite(max, x);
        return max == 0 ? 0 : Math.getExponent(max);
    }

    private static double largerFinite(double max, double x) {
        double a = Math.abs(x);
        return a > max && a != Double.POSITIVE_INFINITY ? a : max;
    }

    /** A copy of v times 2^e (v itself when e = 0). */
    public static double[] scalb(double[] v, int e) {
        if (e == 0) return v;
        double[] r = new double[v.length];
        for (int i = 0; i < r.length; i++) r[i] = Math.scalb(v[i], e);
        return r;
    }
}
