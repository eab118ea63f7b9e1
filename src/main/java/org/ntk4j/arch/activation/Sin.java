package org.ntk4j.arch.activation;

import org.ntk4j.arch.Activation;

/**
 * φ(x) = a·sin(b·x + c). With S = q1 + q2, s1 = e^{b²(k − S/2)}, s2 = e^{−b²(k + S/2)}·cos 2c:
 * T = a²/2·(s1 − s2), Ṫ = a²b²/2·(s1 + s2).
 */
public record Sin(double a, double b, double c) implements Activation, DeviceEncodable, TileMap {
    public Sin {
        Dual.requireFinite("Sin", "a", a);
        Dual.requireFinite("Sin", "b", b);
        Dual.requireFinite("Sin", "c", c);
    }

    /** Sin(1, 1, 0). */
    public Sin() {
        this(1, 1, 0);
    }

    private double s1(double k, double s) {
        return Math.exp(b * b * (-0.5 * s + k));
    }

    private double s2(double k, double s) {
        return Math.exp(b * b * (-0.5 * s - k)) * Math.cos(2 * c);
    }

    @Override
    public double nngp(double k, double q1, double q2) {
        double s = q1 + q2;
        return a * a / 2 * (s1(k, s) - s2(k, s));
    }

    @Override
    public double ntkFactor(double k, double q1, double q2) {
        double s = q1 + q2;
        return a * a / 2 * b * b * (s1(k, s) + s2(k, s));
    }

    @Override
    public void mapTile(int rows, int cols, double[] q1, int off1, double[] q2, int off2, double[] k, double[] theta) {
        final double b2 = b * b, cos2c = Math.cos(2 * c), h = a * a / 2, hb = a * a / 2 * b * b;
        for (int j = 0; j < cols; j++) {
            final double q2j = q2[off2 + j];
            final int base = j * rows;
            for (int i = 0; i < rows; i++) {
                int idx = base + i;
                double kk = k[idx], s = q1[off1 + i] + q2j;
                double s1 = Math.exp(b2 * (-0.5 * s + kk));
                double s2 = Math.exp(b2 * (-0.5 * s - kk)) * cos2c;
                k[idx] = h * (s1 - s2);
                if (theta != null) theta[idx] *= hb * (s1 + s2);
            }
        }
    }

    @Override
    public double apply(double x) {
        return a * Math.sin(b * x + c);
    }

    @Override
    public double derivative(double x) {
        return a * b * Math.cos(b * x + c);
    }

    @Override
    public DeviceCode deviceCode() {
        return DeviceCode.sin(a, b, c);
    }

    @Override
    public String describe() {
        return "Sin(a=" + Dual.num(a) + ",b=" + Dual.num(b) + ",c=" + Dual.num(c) + ")";
    }
}
