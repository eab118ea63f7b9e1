package org.ntk4j.linalg;

/**
 * Repairs for round-off: variances computed as a prior minus a quadratic form can come out slightly
 * negative when the exact value is 0. They are set to 0 and counted, so the count can be reported
 * rather than hidden.
 */
public final class RoundOff {
    private RoundOff() {}

    /** Sets negative entries to 0 and returns how many there were. */
    public static int clampNegative(double[] v) {
        int c = 0;
        for (int i = 0; i < v.length; i++)
            if (v[i] < 0) {
                v[i] = 0;
                c++;
            }
        return c;
    }

    /** Sets negative diagonal entries of a square native matrix to 0 and returns how many there were. */
    public static int clampNegativeDiagonal(NativeMatrix c) {
        int cnt = 0;
        for (int i = 0; i < c.rows(); i++)
            if (c.get(i, i) < 0) {
                c.set(i, i, 0);
                cnt++;
            }
        return cnt;
    }
}
