package org.ntk4j.arch.activation;

/**
 * arccos without branches, so that the JIT can vectorize loops over it (Math.acos, like atan2, is
 * a branchy fdlibm routine of ~15–30 ns here). acos(|x|) = sqrt(1 − |x|)·P(|x|) with P the degree-19
 * Chebyshev interpolant of acos(x)/sqrt(1 − x) on [0, 1] (computed in 60-digit arithmetic and
 * converted to monomials); acos(x) for x &lt; 0 is π − acos(|x|), selected arithmetically. Measured
 * against 60-digit acos: absolute error ≤ 4.5e-16 and relative error ≤ 3.4e-16 on [−1, 1]
 * (FastAcosTest checks it against Math.acos). Arguments outside [−1, 1] are clamped to ±1.
 *
 * <p>The scalar {@link #acos} and the array passes {@link #acosHigh}/{@link #acosLow} perform the
 * same floating-point operations in the same order, so both give bit-identical results.
 */
final class FastAcos {
    private FastAcos() {}

    private static final double A0 = 1.5707963267948966,
            A1 = -0.2146018366025477,
            A2 = 0.089048622547553,
            A3 = -0.0507928145148144,
            A4 = 0.03368128646786945,
            A5 = -0.024374327392466172,
            A6 = 0.018672314453702134,
            A7 = -0.014886471653564095,
            A8 = 0.012218416347312506,
            A9 = -0.010233905960743812,
            A10 = 0.008648432778705552,
            A11 = -0.007230894638030571,
            A12 = 0.005793270866961212,
            A13 = -0.004258652829282265,
            A14 = 0.002731768159313689,
            A15 = -0.0014490898471891194,
            A16 = 0.0005987252822321031,
            A17 = -0.0001783526001681299,
            A18 = 3.378311483256176e-05,
            A19 = -3.0384014775077846e-06;

    /** The upper half of Horner's scheme (A19..A10) at a = min(|x|, 1). */
    private static double high(double x) {
        double a = Math.min(Math.abs(x), 1.0), h = A19;
        h = h * a + A18;
        h = h * a + A17;
        h = h * a + A16;
        h = h * a + A15;
        h = h * a + A14;
        h = h * a + A13;
        h = h * a + A12;
        h = h * a + A11;
        h = h * a + A10;
        return h;
    }

    /** The lower half of Horner's scheme from h, then the square-root factor and the sign of x. */
    private static double low(double x, double h) {
        double a = Math.min(Math.abs(x), 1.0);
        h = h * a + A9;
        h = h * a + A8;
        h = h * a + A7;
        h = h * a + A6;
        h = h * a + A5;
        h = h * a + A4;
        h = h * a + A3;
        h = h * a + A2;
        h = h * a + A1;
        h = h * a + A0;
        double r = Math.sqrt(1 - a) * h; // acos(|x|)
        // w = 1 for x < 0, 0 for x ≥ 0 (fractional only for |x| < 1e-300, where r = π/2 anyway).
        double w = Math.min(1.0, (Math.abs(x) - x) * 1e300);
        return w * Math.PI + (1 - 2 * w) * r;
    }

    /** arccos(x), x clamped to [−1, 1]. */
    static double acos(double x) {
        return low(x, high(x));
    }

    /** h[i] = the first half of the evaluation at x[i], i &lt; n (a loop the JIT vectorizes). */
    static void acosHigh(double[] x, double[] h, int n) {
        for (int i = 0; i < n; i++) h[i] = high(x[i]);
    }

    /** out[i] = arccos(x[i]) given h from {@link #acosHigh}, i &lt; n (out may be h or x). */
    static void acosLow(double[] x, double[] h, double[] out, int n) {
        for (int i = 0; i < n; i++) out[i] = low(x[i], h[i]);
    }

    /** sqrt(1 − x²) = sin(arccos x), x clamped to [−1, 1] as in {@link #acos}. */
    static double sinAcos(double x) {
        double a = Math.min(Math.abs(x), 1.0);
        return Math.sqrt((1 - a) * (1 + a));
    }
}
