package org.ntk4j.arch.activation;

import org.ntk4j.arch.Activation;

/**
 * φ(x) = a·erf(b·x) + c (neural-tangents {@code Erf(a=1, b=1, c=0)}). With c' = b²·k, q' = b²q and
 * P = (1+2q1')(1+2q2'): T = a²·(2/π)·atan2(2c', sqrt⁺(P − 4c'²)) + c², Ṫ = a²b²·(4/π)/sqrt⁺(P − 4c'²).
 * The shift c enters the NNGP and the variances only.
 */
public record Erf(double a, double b, double c) implements Activation, DeviceEncodable, TileMap {
    public Erf {
        Dual.requireFinite("Erf", "a", a);
        Dual.requireFinite("Erf", "b", b);
        Dual.requireFinite("Erf", "c", c);
    }

    /** Erf(1, 1, 0). */
    public Erf() {
        this(1, 1, 0);
    }

    @Override
    public double nngp(double k, double q1, double q2) {
        double b2 = b * b, cb = b2 * k;
        double root = Dual.sqrtPlus((1 + 2 * (b2 * q1)) * (1 + 2 * (b2 * q2)) - 4 * cb * cb);
        return a * a * ((2 / Math.PI) * Math.atan2(2 * cb, root)) + c * c;
    }

    @Override
    public double ntkFactor(double k, double q1, double q2) {
        double b2 = b * b, cb = b2 * k;
        double root = Dual.sqrtPlus((1 + 2 * (b2 * q1)) * (1 + 2 * (b2 * q2)) - 4 * cb * cb);
        return a * a * b * b * ((4 / Math.PI) / root);
    }

    @Override
    public void mapTile(int rows, int cols, double[] q1, int off1, double[] q2, int off2, double[] k, double[] theta) {
        final double b2 = b * b, a2 = a * a, a2b2 = a * a * b * b, c2 = c * c;
        for (int j = 0; j < cols; j++) {
            final double p2 = 1 + 2 * (b2 * q2[off2 + j]);
            final int base = j * rows;
            for (int i = 0; i < rows; i++) {
                int idx = base + i;
                double cb = b2 * k[idx];
                double root = Dual.sqrtPlus((1 + 2 * (b2 * q1[off1 + i])) * p2 - 4 * cb * cb);
                k[idx] = a2 * ((2 / Math.PI) * Math.atan2(2 * cb, root)) + c2;
                if (theta != null) theta[idx] *= a2b2 * ((4 / Math.PI) / root);
            }
        }
    }

    @Override
    public double apply(double x) {
        return a * org.apache.commons.numbers.gamma.Erf.value(b * x) + c;
    }

    @Override
    public double derivative(double x) {
        double bx = b * x;
        return a * b * 2 / Math.sqrt(Math.PI) * Math.exp(-bx * bx);
    }

    @Override
    public DeviceCode deviceCode() {
        return DeviceCode.erf(a, b, c);
    }

    @Override
    public String describe() {
        return "Erf(a=" + Dual.num(a) + ",b=" + Dual.num(b) + ",c=" + Dual.num(c) + ")";
    }
}
