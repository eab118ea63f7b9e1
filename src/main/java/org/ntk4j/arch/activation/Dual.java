package org.ntk4j.arch.activation;

/** Numerical helpers shared by the dual maps: neural-tangents' safeguards (docs/kernels.md §5). */
final class Dual {
    private Dual() {}

    static final double TWO_PI = 2 * Math.PI;

    /** sqrt⁺(x) = sqrt(max(x, 0)): negative arguments from rounding are clamped to 0. */
    static double sqrtPlus(double x) {
        return Math.sqrt(Math.max(x, 0.0));
    }

    /** ARCH text for a number that parses back to the same double. */
    static String num(double v) {
        return Double.toString(v);
    }

    static void requireFinite(String layer, String name, double v) {
        if (!Double.isFinite(v))
            throw new org.ntk4j.error.InvalidInputException(name, layer + ": " + name + " must be finite, got " + v);
    }
}
