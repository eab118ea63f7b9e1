package org.ntk4j.arch.activation;

import org.ntk4j.arch.Activation;

/** φ(x) = a·min(x, 0) + b·max(x, 0) (neural-tangents {@code ABRelu(a, b)}); φ'(x) = b if x > 0 else a. */
public record ABRelu(double a, double b) implements Activation, DeviceEncodable, TileMap {
    public ABRelu {
        Dual.requireFinite("ABRelu", "a", a);
        Dual.requireFinite("ABRelu", "b", b);
    }

    @Override
    public double nngp(double c, double q1, double q2) {
        return ArcCosine.nngp(ArcCosine.f(a, b), ArcCosine.s(a, b), c, q1, q2);
    }

    @Override
    public double ntkFactor(double c, double q1, double q2) {
        return ArcCosine.ntkFactor(ArcCosine.f(a, b), ArcCosine.s(a, b), c, q1, q2);
    }

    @Override
    public void mapTile(int rows, int cols, double[] q1, int off1, double[] q2, int off2, double[] k, double[] theta) {
        ArcCosine.mapTile(ArcCosine.f(a, b), ArcCosine.s(a, b), rows, cols, q1, off1, q2, off2, k, theta);
    }

    @Override
    public double apply(double x) {
        return a * Math.min(x, 0) + b * Math.max(x, 0);
    }

    @Override
    public double derivative(double x) {
        return x > 0 ? b : a;
    }

    @Override
    public DeviceCode deviceCode() {
        return DeviceCode.abrelu(a, b);
    }

    @Override
    public String describe() {
        return "ABRelu(" + Dual.num(a) + "," + Dual.num(b) + ")";
    }
}
