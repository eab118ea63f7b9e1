package org.ntk4j.arch.activation;

import org.ntk4j.arch.Activation;

/** φ(x) = a·cos(b·x + c) = Sin(a, b, c + π/2), exactly as neural-tangents defines it. */
public record Cos(double a, double b, double c) implements Activation, DeviceEncodable, TileMap {
    public Cos {
        Dual.requireFinite("Cos", "a", a);
        Dual.requireFinite("Cos", "b", b);
        Dual.requireFinite("Cos", "c", c);
    }

    /** Cos(1, 1, 0). */
    public Cos() {
        this(1, 1, 0);
    }

    private Sin sin() {
        return new Sin(a, b, c + Math.PI / 2);
    }

    @Override
    public double nngp(double k, double q1, double q2) {
        return sin().nngp(k, q1, q2);
    }

    @Override
    public double ntkFactor(double k, double q1, double q2) {
        return sin().ntkFactor(k, q1, q2);
    }

    @Override
    public void mapTile(int rows, int cols, double[] q1, int off1, double[] q2, int off2, double[] k, double[] theta) {
        sin().mapTile(rows, cols, q1, off1, q2, off2, k, theta);
    }

    @Override
    public double apply(double x) {
        return a * Math.cos(b * x + c);
    }

    @Override
    public double derivative(double x) {
        return -a * b * Math.sin(b * x + c);
    }

    @Override
    public DeviceCode deviceCode() {
        return DeviceCode.sin(a, b, c + Math.PI / 2);
    }

    @Override
    public String describe() {
        return "Cos(a=" + Dual.num(a) + ",b=" + Dual.num(b) + ",c=" + Dual.num(c) + ")";
    }
}
