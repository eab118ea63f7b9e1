package org.ntk4j.arch.activation;

import org.ntk4j.arch.Activation;

/** φ(x) = x: the kernel is unchanged (T = c, Ṫ = 1). Allowed anywhere in an architecture. */
public record Identity() implements Activation, DeviceEncodable, TileMap {
    @Override
    public double nngp(double c, double q1, double q2) {
        return c;
    }

    @Override
    public double ntkFactor(double c, double q1, double q2) {
        return 1.0;
    }

    @Override
    public double variance(double q) {
        return q;
    }

    @Override
    public void mapTile(int rows, int cols, double[] q1, int off1, double[] q2, int off2, double[] k, double[] theta) {
        // Nothing to do: T(c) = c and Ṫ = 1.
    }

    @Override
    public double apply(double x) {
        return x;
    }

    @Override
    public double derivative(double x) {
        return 1.0;
    }

    /** NONE, the device's pass-through (the plan drops Identity before encoding, so it is never uploaded). */
    @Override
    public DeviceCode deviceCode() {
        return DeviceCode.of(DeviceCode.NONE);
    }

    @Override
    public boolean isIdentity() {
        return true;
    }

    @Override
    public String describe() {
        return "Identity";
    }
}
