package org.ntk4j.arch.activation;

import org.ntk4j.arch.Activation;

/**
 * Exact GELU φ(x) = x·Φ(x). With p = q1q2, P1 = (1+q1)(1+q2), Δ² = P1 − c², Δ = sqrt⁺(Δ²),
 * A = atan2(c, Δ): T = c/4 + [(c² + pΔ²)/(P1Δ) + cA]/(2π) and
 * Ṫ = 1/4 + A/(2π) + c/(2πΔ)·[1/Δ² + (1−p)/P1 + 1] (docs/kernels.md §4.3).
 */
public record Gelu() implements Activation, DeviceEncodable, TileMap {
    @Override
    public double nngp(double c, double q1, double q2) {
        double p = q1 * q2, p1 = (1 + q1) * (1 + q2), d2 = p1 - c * c, d = Dual.sqrtPlus(d2);
        double ang = Math.atan2(c, d);
        return ((c * c + p * d2) / (p1 * d) + c * ang) / Dual.TWO_PI + 0.25 * c;
    }

    @Override
    public double ntkFactor(double c, double q1, double q2) {
        double p = q1 * q2, p1 = (1 + q1) * (1 + q2), d2 = p1 - c * c, d = Dual.sqrtPlus(d2);
        double ang = Math.atan2(c, d);
        return 0.25 + ang / Dual.TWO_PI + (1 / d2 + (1 - p) / p1 + 1) * c / d / Dual.TWO_PI;
    }

    @Override
    public void mapTile(int rows, int cols, double[] q1, int off1, double[] q2, int off2, double[] k, double[] theta) {
        for (int j = 0; j < cols; j++) {
            final double q2j = q2[off2 + j];
            final int base = j * rows;
            for (int i = 0; i < rows; i++) {
                int idx = base + i;
                double c = k[idx], q1i = q1[off1 + i];
                double p = q1i * q2j, p1 = (1 + q1i) * (1 + q2j), d2 = p1 - c * c, d = Dual.sqrtPlus(d2);
                double ang = Math.atan2(c, d);
                k[idx] = ((c * c + p * d2) / (p1 * d) + c * ang) / Dual.TWO_PI + 0.25 * c;
                if (theta != null)
                    theta[idx] *= 0.25 + ang / Dual.TWO_PI + (1 / d2 + (1 - p) / p1 + 1) * c / d / Dual.TWO_PI;
            }
        }
    }

    private static double cdf(double x) {
        return 0.5 * org.apache.commons.numbers.gamma.Erfc.value(-x / Math.sqrt(2));
    }

    @Override
    public double apply(double x) {
        return x * cdf(x);
    }

    @Override
    public double derivative(double x) {
        return cdf(x) + x * Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
    }

    @Override
    public DeviceCode deviceCode() {
        return DeviceCode.of(DeviceCode.GELU);
    }

    @Override
    public String describe() {
        return "Gelu";
    }
}
