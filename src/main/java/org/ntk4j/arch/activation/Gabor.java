package org.ntk4j.arch.activation;

import org.ntk4j.arch.Activation;

/**
 * φ(x) = e^{−x²}·sin x. With S = q1+q2, G = 4(q1q2 − c²), Dn = 2S + G + 1, Nm = S + G + 2c,
 * L = e^{−Nm/(2Dn)}, Rt = e^{2c/Dn}: T = L(Rt − 1)/(2√Dn); with A = 1 + 2S + 4(c² + q1q2) and
 * B = 4c(G + 3S + 2): Ṫ = L[(A − B) + Rt(A + B)]/(2·Dn^{5/2}).
 */
public record Gabor() implements Activation, DeviceEncodable {
    @Override
    public double nngp(double c, double q1, double q2) {
        double sum = q1 + q2, p = q1 * q2, g = 4 * (p - c * c), dn = 2 * sum + g + 1, nm = sum + g + 2 * c;
        double l = Math.exp(-nm / (2 * dn)), rt = Math.exp(2 * c / dn);
        return l * (rt - 1) / (2 * Dual.sqrtPlus(dn));
    }

    @Override
    public double ntkFactor(double c, double q1, double q2) {
        double sum = q1 + q2, p = q1 * q2, g = 4 * (p - c * c), dn = 2 * sum + g + 1, nm = sum + g + 2 * c;
        double l = Math.exp(-nm / (2 * dn)), rt = Math.exp(2 * c / dn);
        double a = 1 + 2 * sum + 4 * (c * c + p), b = 4 * c * (g + 3 * sum + 2);
        return l * ((a - b) + rt * (a + b)) / Math.pow(dn, 2.5) / 2;
    }

    @Override
    public double apply(double x) {
        return Math.exp(-x * x) * Math.sin(x);
    }

    @Override
    public double derivative(double x) {
        return Math.exp(-x * x) * (Math.cos(x) - 2 * x * Math.sin(x));
    }

    @Override
    public DeviceCode deviceCode() {
        return DeviceCode.of(DeviceCode.GABOR);
    }

    @Override
    public String describe() {
        return "Gabor";
    }
}
