package org.ntk4j.arch.activation;

import java.util.List;
import java.util.Locale;
import java.util.function.DoubleUnaryOperator;
import org.apache.commons.math3.analysis.integration.gauss.GaussIntegrator;
import org.apache.commons.math3.analysis.integration.gauss.GaussIntegratorFactory;
import org.ntk4j.arch.Activation;
import org.ntk4j.error.InvalidInputException;

/**
 * Any φ (with φ') by 2-D Gauss–Hermite quadrature, as neural-tangents' {@code ElementwiseNumerical}:
 * with physicists' nodes/weights (x_i, w_i) (Commons Math), u_i = sqrt⁺(2q1)·x_i and
 * v_ij = c/sqrt(max(q1/2, 1e-30))·x_i + sqrt⁺(2(q1q2 − c²)/q1)·x_j (the library writes q2 − c²/q1,
 * which is not exactly 0 for identical points),
 * T = (1/π)Σ_ij w_i w_j φ(u_i)φ(v_ij) and Ṫ the same with φ'. Cost O(deg²) per entry;
 * deg = 25 suits smooth φ (not ReLU-like kinks: use the closed forms).
 *
 * <p>Zero variance (q1 = 0, where the library returns NaN from 0/0): u is exactly 0, so
 * T = φ(0)·E[φ(v)] = φ(0)·(1/√π)Σ_j w_j φ(sqrt⁺(2q2)·x_j), and Ṫ likewise with φ'.
 *
 * <p>Built-ins ({@link #builtin}): tanh, sigmoid, softplus, silu, elu (α = 1).
 */
public final class Numerical implements Activation, CpuOnly {
    /** The names accepted by {@link #builtin}. */
    public static final List<String> BUILTINS = List.of("tanh", "sigmoid", "softplus", "silu", "elu");
    /**
     * One factory for every instance: it caches each rule it computes (thread-safely), and computing
     * one costs up to ~2 s (deg = 200), which a fresh factory per layer paid again for every layer.
     */
    private static final GaussIntegratorFactory RULES = new GaussIntegratorFactory();

    private final String name;
    private final int deg;
    private final DoubleUnaryOperator fn;
    private final DoubleUnaryOperator df;
    private final double[] x;
    private final double[] w;

    /**
     * A user function. {@code name} is only used by {@link #describe()} (which parses back only for
     * the built-in names).
     *
     * @param deg number of Gauss–Hermite nodes per dimension, 2..200
     */
    public Numerical(String name, DoubleUnaryOperator fn, DoubleUnaryOperator df, int deg) {
        if (fn == null || df == null)
            throw new InvalidInputException("fn", "Numerical: fn and its derivative are required");
        if (deg < 2 || deg > 200)
            throw new InvalidInputException(
                    "deg", "Numerical: deg must be 2..200 (25 suits smooth functions), got " + deg);
        this.name = name == null ? "user" : name;
        this.deg = deg;
        this.fn = fn;
        this.df = df;
        GaussIntegrator gi = RULES.hermite(deg);
        x = new double[deg];
        w = new double[deg];
        for (int i = 0; i < deg; i++) {
            x[i] = gi.getPoint(i);
            w[i] = gi.getWeight(i);
        }
    }

    /** A built-in function by name: tanh, sigmoid, softplus, silu or elu. */
    public static Numerical builtin(String name, int deg) {
        String n = name == null ? "" : name.toLowerCase(Locale.ROOT);
        return switch (n) {
            case "tanh" ->
                new Numerical(
                        n,
                        Math::tanh,
                        t -> {
                            double y = Math.tanh(t);
                            return 1 - y * y;
                        },
                        deg);
            case "sigmoid" ->
                new Numerical(
                        n,
                        Numerical::sigmoid,
                        t -> {
                            double s = sigmoid(t);
                            return s * (1 - s);
                        },
                        deg);
            case "softplus" ->
                new Numerical(n, t -> Math.max(t, 0) + Math.log1p(Math.exp(-Math.abs(t))), Numerical::sigmoid, deg);
            case "silu" ->
                new Numerical(
                        n,
                        t -> t * sigmoid(t),
                        t -> {
                            double s = sigmoid(t);
                            return s * (1 + t * (1 - s));
                        },
                        deg);
            case "elu" -> new Numerical(n, t -> t > 0 ? t : Math.expm1(t), t -> t > 0 ? 1 : Math.exp(t), deg);
            default ->
                throw new InvalidInputException(
                        "fn",
                        "Numerical: unknown function '" + name + "' (valid: " + String.join(", ", BUILTINS) + ")");
        };
    }

    private static double sigmoid(double t) {
        if (t >= 0) return 1 / (1 + Math.exp(-t));
        double e = Math.exp(t);
        return e / (1 + e);
    }

    public String name() {
        return name;
    }

    public int deg() {
        return deg;
    }

    /** E[g(u)g(v)] by the quadrature rule above, for g = φ or φ'. */
    private double integrate(DoubleUnaryOperator g, double c, double q1, double q2) {
        if (q1 == 0) {
            double su = Dual.sqrtPlus(2 * q2), e = 0;
            for (int j = 0; j < deg; j++) e += w[j] * g.applyAsDouble(su * x[j]);
            return g.applyAsDouble(0.0) * (e / Math.sqrt(Math.PI));
        }
        double su = Dual.sqrtPlus(2 * q1);
        double a = c / Math.sqrt(Math.max(q1 / 2, 1e-30));
        // The conditional variance q2 − c²/q1, written as (q1q2 − c²)/q1: exactly 0 at c = q1 = q2 (a
        // point with itself), where the library's q2 − c²/q1 can be ±1 ulp and sqrt turns that into ~1e-8.
        double b = Dual.sqrtPlus(2 * ((q1 * q2 - c * c) / q1));
        double total = 0;
        for (int i = 0; i < deg; i++) {
            double gu = g.applyAsDouble(su * x[i]);
            double ax = a * x[i], inner = 0;
            for (int j = 0; j < deg; j++) inner += w[j] * g.applyAsDouble(ax + b * x[j]);
            total += w[i] * gu * inner;
        }
        return total / Math.PI;
    }

    @Override
    public double nngp(double c, double q1, double q2) {
        return integrate(fn, c, q1, q2);
    }

    @Override
    public double ntkFactor(double c, double q1, double q2) {
        return integrate(df, c, q1, q2);
    }

    @Override
    public double apply(double t) {
        return fn.applyAsDouble(t);
    }

    @Override
    public double derivative(double t) {
        return df.applyAsDouble(t);
    }

    @Override
    public String describe() {
        return "Numerical(fn=" + name + ",deg=" + deg + ")";
    }

    /** Equal when name and degree are equal (built-ins are fully defined by them). */
    @Override
    public boolean equals(Object o) {
        return o instanceof Numerical n && n.name.equals(name) && n.deg == deg;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + deg;
    }

    @Override
    public String toString() {
        return describe();
    }
}
