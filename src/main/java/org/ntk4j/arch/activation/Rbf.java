package org.ntk4j.arch.activation;

import org.ntk4j.arch.Activation;
import org.ntk4j.error.InvalidInputException;

/**
 * neural-tangents {@code Rbf(gamma)}: the dual of φ(x) = √2·sin(√(2γ)x + π/4), with
 * T = exp(−γ(q1 + q2 − 2c)), Ṫ = 2γ·T, variance 1.
 */
public record Rbf(double gamma) implements Activation, DeviceEncodable, TileMap {
    public Rbf {
        Dual.requireFinite("Rbf", "gamma", gamma);
        if (gamma < 0) throw new InvalidInputException("gamma", "Rbf: gamma must be >= 0, got " + gamma);
    }

    /** Rbf(1). */
    public Rbf() {
        this(1);
    }

    @Override
    public double nngp(double c, double q1, double q2) {
        return Math.exp(gamma * (-(q1 + q2) + 2 * c));
    }

    @Override
    public double ntkFactor(double c, double q1, double q2) {
        return 2 * gamma * nngp(c, q1, q2);
    }

    @Override
    public void mapTile(int rows, int cols, double[] q1, int off1, double[] q2, int off2, double[] k, double[] theta) {
        final double g2 = 2 * gamma;
        for (int j = 0; j < cols; j++) {
            final double q2j = q2[off2 + j];
            final int base = j * rows;
            for (int i = 0; i < rows; i++) {
                int idx = base + i;
                double t = Math.exp(gamma * (-(q1[off1 + i] + q2j) + 2 * k[idx]));
                k[idx] = t;
                if (theta != null) theta[idx] *= g2 * t;
            }
        }
    }

    @Override
    public double apply(double x) {
        return Math.sqrt(2) * Math.sin(Math.sqrt(2 * gamma) * x + Math.PI / 4);
    }

    @Override
    public double derivative(double x) {
        return Math.sqrt(2) * Math.sqrt(2 * gamma) * Math.cos(Math.sqrt(2 * gamma) * x + Math.PI / 4);
    }

    @Override
    public DeviceCode deviceCode() {
        return DeviceCode.of(DeviceCode.RBF, gamma);
    }

    @Override
    public String describe() {
        return "Rbf(gamma=" + Dual.num(gamma) + ")";
    }
}
