package org.ntk4j.demo;

import java.util.Locale;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;

/**
 * The toy's true utility as a family of functions of the policy features x = (x₁, x₂), in [0, 1]:
 * <pre>  V(x) = sigmoid(a·s) · exp(−½((s − c)₊/w)²) · (1 − m·tanh(t²)),
 *   s = x₁cos θ + x₂sin θ,   t = −x₁sin θ + x₂cos θ</pre>
 * It rises along the direction θ, then collapses beyond s ≈ c, where the prior (centred at the
 * origin) has little mass; m ripples it across that direction. {@link #STANDARD} (θ = 0, a = 2,
 * c = 1, w = 0.5, m = 0.1) is the demo's world; {@link #random} draws the coverage study's worlds.
 *
 * @param angle     θ, the direction of the rise (radians)
 * @param steepness a &gt; 0, the slope of the sigmoid
 * @param cliff     c, where the collapse begins along θ
 * @param width     w &gt; 0, how fast it collapses beyond c
 * @param ripple    m ∈ [0, 1], the depth of the dip across θ
 */
public record ToyUtility(double angle, double steepness, double cliff, double width, double ripple) {
    /** The demo's default world: V(x) = sigmoid(2x₁)·exp(−½((x₁ − 1)₊/0.5)²)·(1 − 0.1·tanh(x₂²)). */
    public static final ToyUtility STANDARD = new ToyUtility(0, 2, 1, 0.5, 0.1);

    /**
     * The least value V takes: every factor of V lies in [0, 1] (m ≤ 1), so V ∈ [0, 1]. A guaranteed
     * value at or below it is vacuous: every policy meets it.
     */
    public static final double LOWEST = 0.0;

    /** The random family of the coverage study, in words (report.md and summary.json say it). */
    public static final String FAMILY = "the toy's utility with random parameters: direction θ ~ U[0, 2π), "
            + "steepness a ~ U[1, 3], cliff c ~ U[0.5, 1.5], width w ~ U[0.25, 1], ripple m ~ U[0, 0.3]";

    public ToyUtility {
        if (!(steepness > 0) || !(width > 0) || !(ripple >= 0 && ripple <= 1) || !Double.isFinite(angle + cliff))
            throw new IllegalArgumentException("toy utility: bad parameters " + angle + ", " + steepness + ", " + cliff
                    + ", " + width + ", " + ripple);
    }

    /**
     * One draw of the family {@link #FAMILY}, from its own stream seeded by {@code seed} (so that a
     * world's policies, drawn from {@code seed} itself, are the same as the standard world's).
     */
    public static ToyUtility random(long seed) {
        UniformRandomProvider rng = RandomSource.XO_SHI_RO_256_PP.create(seed ^ 0x9E3779B97F4A7C15L);
        double angle = 2 * Math.PI * rng.nextDouble();
        double steepness = 1 + 2 * rng.nextDouble();
        double cliff = 0.5 + rng.nextDouble();
        double width = 0.25 + 0.75 * rng.nextDouble();
        double ripple = 0.3 * rng.nextDouble();
        return new ToyUtility(angle, steepness, cliff, width, ripple);
    }

    /** V at x = (x1, x2). */
    public double value(double x1, double x2) {
        // at θ = 0 these are x1 and x2 exactly (cos 0 = 1, sin 0 = 0): STANDARD is the original formula bit for bit
        double c = Math.cos(angle), s = Math.sin(angle);
        double along = x1 * c + x2 * s, across = -x1 * s + x2 * c;
        double rise = 1 / (1 + Math.exp(-steepness * along));
        double over = Math.max(along - cliff, 0) / width;
        return rise * Math.exp(-0.5 * over * over) * (1 - ripple * Math.tanh(across * across));
    }

    /** The parameters in a line, e.g. for a table. */
    public String describe() {
        return String.format(
                Locale.ROOT,
                "θ = %.3f, a = %.3f, c = %.3f, w = %.3f, m = %.3f",
                angle,
                steepness,
                cliff,
                width,
                ripple);
    }
}
