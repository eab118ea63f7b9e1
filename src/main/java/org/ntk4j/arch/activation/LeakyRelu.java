package org.ntk4j.arch.activation;

import org.ntk4j.arch.Activation;

/** φ(x) = x if x > 0 else α·x (= ABRelu(α, 1)); φ'(x) = 1 if x > 0 else α. */
public record LeakyRelu(double alpha) implements Activation, DeviceEncodable, TileMap {
    public LeakyRelu {
        Dual.requireFinite("LeakyRelu", "alpha", alpha);
    }

    @Override
    public double nngp(double c, double q1, double q2) {
        return ArcCosine.nngp(ArcCosine.f(alpha, 1), ArcCosine.s(alpha, 1), c, q1, q2);
    }

    @Override
    public double ntkFactor(double c, double q1, double q2) {
        return ArcCosine.ntkFactor(ArcCosine.f(alpha, 1), ArcCosine.s(alpha, 1), c, q1, q2);
    }

    @Override
    public void mapTile(int rows, int cols, double[] q1, int off1, double[] q2, int off2, double[] k, double[] theta) {
        ArcCosine.mapTile(ArcCosine.f(alpha, 1), ArcCosine.s(alpha, 1), rows, cols, q1, off1, q2, off2, k, theta);
    }

    @Override
    public double apply(double x) {
        return x > 0 ? x : alpha * x;
    }

    @Override
    public double derivative(double x) {
        return x > 0 ? 1 : alpha;
    }

    @Override
    public DeviceCode deviceCode() {
        return DeviceCode.abrelu(alpha, 1);
    }

    @Override
    public String describe() {
        return "LeakyRelu(" + Dual.num(alpha) + ")";
    }
}
