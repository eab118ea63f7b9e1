package org.ntk4j.arch.activation;

import org.ntk4j.arch.Activation;

/** φ(x) = |x| (= ABRelu(−1, 1)); φ'(x) = 1 if x > 0 else −1. */
public record Abs() implements Activation, DeviceEncodable, TileMap {
    private static final double F = ArcCosine.f(-1, 1);
    private static final double S = ArcCosine.s(-1, 1);

    @Override
    public double nngp(double c, double q1, double q2) {
        return ArcCosine.nngp(F, S, c, q1, q2);
    }

    @Override
    public double ntkFactor(double c, double q1, double q2) {
        return ArcCosine.ntkFactor(F, S, c, q1, q2);
    }

    @Override
    public void mapTile(int rows, int cols, double[] q1, int off1, double[] q2, int off2, double[] k, double[] theta) {
        ArcCosine.mapTile(F, S, rows, cols, q1, off1, q2, off2, k, theta);
    }

    @Override
    public double apply(double x) {
        return Math.abs(x);
    }

    @Override
    public double derivative(double x) {
        return x > 0 ? 1 : -1;
    }

    @Override
    public DeviceCode deviceCode() {
        return DeviceCode.abrelu(-1, 1);
    }

    @Override
    public String describe() {
        return "Abs";
    }
}
