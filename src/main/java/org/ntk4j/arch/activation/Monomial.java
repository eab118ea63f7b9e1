package org.ntk4j.arch.activation;

import org.ntk4j.arch.Activation;
import org.ntk4j.error.InvalidInputException;

/**
 * φ(x) = xⁿ, n ∈ 0..5. With p = q1q2: E0 = 1, E1 = c, E2 = 2c² + p, E3 = 6c³ + 9cp,
 * E4 = 24c⁴ + 72c²p + 9p², E5 = 120c⁵ + 600c³p + 225cp²; T = E_n, Ṫ = n²·E_{n−1}.
 */
public record Monomial(int degree) implements Activation, DeviceEncodable {
    public Monomial {
        if (degree < 0 || degree > 5)
            throw new InvalidInputException(
                    "degree", "Monomial: degree must be 0..5 (closed forms exist up to 5), got " + degree);
    }

    static double e(int n, double c, double p) {
        return switch (n) {
            case -1 -> 0.0;
            case 0 -> 1.0;
            case 1 -> c;
            case 2 -> 2 * c * c + p;
            case 3 -> 6 * c * c * c + 9 * c * p;
            case 4 -> 24 * (c * c) * (c * c) + 72 * (c * c) * p + 9 * p * p;
            case 5 -> 120 * (c * c) * (c * c) * c + 600 * (c * c * c) * p + 225 * c * (p * p);
            default -> throw new IllegalStateException();
        };
    }

    @Override
    public double nngp(double c, double q1, double q2) {
        return e(degree, c, q1 * q2);
    }

    @Override
    public double ntkFactor(double c, double q1, double q2) {
        return degree * degree * e(degree - 1, c, q1 * q2);
    }

    @Override
    public double apply(double x) {
        double r = 1;
        for (int i = 0; i < degree; i++) r *= x;
        return r;
    }

    @Override
    public double derivative(double x) {
        if (degree == 0) return 0;
        double r = degree;
        for (int i = 1; i < degree; i++) r *= x;
        return r;
    }

    @Override
    public DeviceCode deviceCode() {
        return DeviceCode.of(DeviceCode.MONOMIAL, degree);
    }

    @Override
    public String describe() {
        return "Monomial(" + degree + ")";
    }
}
