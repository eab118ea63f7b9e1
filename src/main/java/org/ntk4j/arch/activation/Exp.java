package org.ntk4j.arch.activation;

import org.ntk4j.arch.Activation;

/** φ(x) = a·e^{bx}: T = a²·exp(b²((q1+q2)/2 + c)), Ṫ = b²·T. */
public record Exp(double a, double b) implements Activation, DeviceEncodable, TileMap {
    public Exp {
        Dual.requireFinite("Exp", "a", a);
        Dual.requireFinite("Exp", "b", b);
    }

    /** Exp(1, 1). */
    public Exp() {
        this(1, 1);
    }

    @Override
    public double nngp(double c, double q1, double q2) {
        return a * a * Math.exp(b * b * ((q1 + q2) / 2 + c));
    }

    @Override
    public double ntkFactor(double c, double q1, double q2) {
        return a * a * b * b * Math.exp(b * b * ((q1 + q2) / 2 + c));
    }

    @Override
    public void mapTile(int rows, int cols, double[] q1, int off1, double[] q2, int off2, double[] k, double[] theta) {
        final double a2 = a * a, a2b2 = a * a * b * b, b2 = b * b;
        for (int j = 0; j < cols; j++) {
            final double q2j = q2[off2 + j];
            final int base = j * rows;
            for (int i = 0; i < rows; i++) {
                int idx = base + i;
                double e = Math.exp(b2 * ((q1[off1 + i] + q2j) / 2 + k[idx]));
                k[idx] = a2 * e;
                if (theta != null) theta[idx] *= a2b2 * e;
            }
        }
    }

    @Override
    public double apply(double x) {
        return a * Math.exp(b * x);
    }

    @Override
    public double derivative(double x) {
        return a * b * Math.exp(b * x);
    }

    @Override
    public DeviceCode deviceCode() {
        return DeviceCode.of(DeviceCode.EXP, a * a, b * b);
    }

    @Override
    public String describe() {
        return "Exp(a=" + Dual.num(a) + ",b=" + Dual.num(b) + ")";
    }
}
