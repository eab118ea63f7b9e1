package org.ntk4j.calibration;

import java.util.List;

/**
 * The fraction of held-out values inside the central predictive interval of each nominal level:
 * value v is inside the interval of level p when |v − μ| ≤ z_p·s, with μ the posterior mean, s the
 * predictive standard deviation and z_p = Φ⁻¹((1 + p)/2) the standard normal quantile. A calibrated
 * posterior has {@code fraction(p)} ≈ p, within binomial error √(p(1 − p)/N) for N values.
 *
 * @param levels    the nominal levels p, each in (0, 1)
 * @param fractions the observed fraction at each level, in [0, 1]
 */
public record Coverage(List<Double> levels, List<Double> fractions) {
    public Coverage {
        levels = List.copyOf(levels);
        fractions = List.copyOf(fractions);
        if (levels.size() != fractions.size())
            throw new IllegalArgumentException(
                    "coverage: " + levels.size() + " levels but " + fractions.size() + " fractions");
    }

    /**
     * The observed fraction at nominal level {@code level}.
     *
     * @throws IllegalArgumentException when {@code level} is not one of {@link #levels()}
     */
    public double fraction(double level) {
        int i = levels.indexOf(level);
        if (i < 0) throw new IllegalArgumentException("coverage: no level " + level + "; levels are " + levels);
        return fractions.get(i);
    }
}
