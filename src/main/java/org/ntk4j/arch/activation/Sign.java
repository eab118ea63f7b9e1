package org.ntk4j.arch.activation;

import org.ntk4j.arch.Activation;

/**
 * φ(x) = sign(x): T = 1 − 2θ/π (θ as for ABRelu), Ṫ = 0 (neural-tangents sets the NTK to zero;
 * the discontinuity has no finite-width limit), variance 1 (0 where q = 0).
 */
public record Sign() implements Activation, DeviceEncodable, TileMap {
    @Override
    public double nngp(double c, double q1, double q2) {
        return 1 - 2 * ArcCosine.theta(c, q1, q2) / Math.PI;
    }

    @Override
    public double ntkFactor(double c, double q1, double q2) {
        return 0.0;
    }

    @Override
    public double variance(double q) {
        return q == 0 ? 0.0 : 1.0;
    }

    @Override
    public void mapTile(int rows, int cols, double[] q1, int off1, double[] q2, int off2, double[] k, double[] theta) {
        ArcCosine.signTile(rows, cols, q1, off1, q2, off2, k, theta);
    }

    @Override
    public double apply(double x) {
        return Math.signum(x);
    }

    @Override
    public double derivative(double x) {
        return 0.0;
    }

    @Override
    public DeviceCode deviceCode() {
        return DeviceCode.of(DeviceCode.SIGN);
    }

    @Override
    public String describe() {
        return "Sign";
    }
}
