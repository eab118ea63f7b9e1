package org.ntk4j.arch.activation;

import org.ntk4j.arch.Activation;

/**
 * neural-tangents {@code Sigmoid_like()} = Erf(a = 0.5, b = 1/2.4020563531719796, c = 0.5): the erf
 * curve closest (L2 on [−5, 5]) to the logistic sigmoid, with an exact kernel.
 */
public record SigmoidLike() implements Activation, DeviceEncodable, TileMap {
    private static final Erf ERF = new Erf(0.5, 1 / 2.4020563531719796, 0.5);

    @Override
    public double nngp(double c, double q1, double q2) {
        return ERF.nngp(c, q1, q2);
    }

    @Override
    public double ntkFactor(double c, double q1, double q2) {
        return ERF.ntkFactor(c, q1, q2);
    }

    @Override
    public void mapTile(int rows, int cols, double[] q1, int off1, double[] q2, int off2, double[] k, double[] theta) {
        ERF.mapTile(rows, cols, q1, off1, q2, off2, k, theta);
    }

    @Override
    public double apply(double x) {
        return ERF.apply(x);
    }

    @Override
    public double derivative(double x) {
        return ERF.derivative(x);
    }

    @Override
    public DeviceCode deviceCode() {
        return DeviceCode.erf(0.5, 1 / 2.4020563531719796, 0.5);
    }

    @Override
    public String describe() {
        return "Sigmoid_like";
    }
}
