package org.ntk4j.arch.activation;

import org.ntk4j.arch.Activation;
import org.ntk4j.error.InvalidInputException;

/**
 * φ(x) = a·e^{bx²}. With Det = sqrt⁺((1−2bq1)(1−2bq2) − 4b²c²): T = a²/Det, Ṫ = 4a²b²c/Det³.
 * The expectation exists only when 1 − 4bq > 0 for every input variance q (always for b ≤ 0);
 * {@link #variance} throws {@link InvalidInputException} otherwise, which then covers every entry.
 */
public record Gaussian(double a, double b) implements Activation, DeviceEncodable, TileMap {
    public Gaussian {
        Dual.requireFinite("Gaussian", "a", a);
        Dual.requireFinite("Gaussian", "b", b);
    }

    /** Gaussian(1, −1). */
    public Gaussian() {
        this(1, -1);
    }

    private double det(double c, double q1, double q2) {
        return Dual.sqrtPlus((1 - 2 * b * q1) * (1 - 2 * b * q2) - 4 * b * b * c * c);
    }

    @Override
    public double nngp(double c, double q1, double q2) {
        return a * a / det(c, q1, q2);
    }

    @Override
    public double ntkFactor(double c, double q1, double q2) {
        double d = det(c, q1, q2);
        return a * a * 4 * b * b * c / (d * d * d);
    }

    @Override
    public double variance(double q) {
        if (!(1 - 4 * b * q > 0))
            throw new InvalidInputException(
                    "arch",
                    "Gaussian(a=" + a + ",b=" + b + "): E[exp(2b·u²)] is infinite for " + "pre-activation variance q="
                            + q + " (needs b < 1/(4q) = " + (1 / (4 * q)) + "); use a smaller b or W_std");
        return nngp(q, q, q);
    }

    @Override
    public void mapTile(int rows, int cols, double[] q1, int off1, double[] q2, int off2, double[] k, double[] theta) {
        final double a2 = a * a, c4 = a * a * 4 * b * b, b4 = 4 * b * b;
        for (int j = 0; j < cols; j++) {
            final double f2 = 1 - 2 * b * q2[off2 + j];
            final int base = j * rows;
            for (int i = 0; i < rows; i++) {
                int idx = base + i;
                double c = k[idx];
                double d = Dual.sqrtPlus((1 - 2 * b * q1[off1 + i]) * f2 - b4 * c * c);
                k[idx] = a2 / d;
                if (theta != null) theta[idx] *= c4 * c / (d * d * d);
            }
        }
    }

    @Override
    public double apply(double x) {
        return a * Math.exp(b * x * x);
    }

    @Override
    public double derivative(double x) {
        return 2 * a * b * x * Math.exp(b * x * x);
    }

    @Override
    public DeviceCode deviceCode() {
        return DeviceCode.of(DeviceCode.GAUSSIAN, a * a, b);
    }

    @Override
    public String describe() {
        return "Gaussian(a=" + Dual.num(a) + ",b=" + Dual.num(b) + ")";
    }
}
