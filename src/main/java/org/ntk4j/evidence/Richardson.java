package org.ntk4j.evidence;

import java.util.function.DoubleUnaryOperator;

/**
 * Richardson-extrapolated central differences, the finite differences of this package
 * (docs/evidence.md §4): with D(h) = (f(x + h) − f(x − h))/(2h), the estimate
 * D(h/2) + (D(h/2) − D(h))/3 cancels the h² term of the error, leaving O(h⁴). The step is
 * h = {@value #RELATIVE_STEP}·max(|x|, {@value #FLOOR}): near the optimum ε^(1/5) ≈ 7e-4 of a
 * fourth-order rule for float64, so truncation (~h⁴) and rounding (~ε/h) are both ≲ 1e-12 relative
 * for functions that vary on the scale of x; the floor keeps the step usable at x = 0.
 *
 * <p>The functions differentiated here depend on W_std and b_std only through their squares, so
 * they are even: evaluating them at |x − h| (a standard deviation cannot be negative) is the same
 * as at x − h.
 */
final class Richardson {
    static final double RELATIVE_STEP = 1e-3;
    static final double FLOOR = 1e-2;

    private Richardson() {}

    /** The step h for the point x. */
    static double step(double x) {
        return RELATIVE_STEP * Math.max(Math.abs(x), FLOOR);
    }

    /** The four abscissae x + h, x − h, x + h/2, x − h/2 (the negative ones reflected: see the class comment). */
    static double[] points(double x, double h) {
        return new double[] {Math.abs(x + h), Math.abs(x - h), Math.abs(x + h / 2), Math.abs(x - h / 2)};
    }

    /** The extrapolated derivative from f at {@link #points}: f = {f(x+h), f(x−h), f(x+h/2), f(x−h/2)}. */
    static double combine(double fPlus, double fMinus, double fHalfPlus, double fHalfMinus, double h) {
        double d1 = (fPlus - fMinus) / (2 * h), d2 = (fHalfPlus - fHalfMinus) / h;
        return d2 + (d2 - d1) / 3;
    }

    /** f′(x) of an even function f. */
    static double derivative(DoubleUnaryOperator f, double x) {
        double h = step(x);
        double[] p = points(x, h);
        return combine(f.applyAsDouble(p[0]), f.applyAsDouble(p[1]), f.applyAsDouble(p[2]), f.applyAsDouble(p[3]), h);
    }
}
