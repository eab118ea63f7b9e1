package org.ntk4j.arch.activation;

import org.ntk4j.arch.Activation;
import org.ntk4j.error.InvalidInputException;

/**
 * φ(x) = 1[x ≥ 0]·xⁿ, n ∈ 0..3 (arc-cosine kernels of Cho &amp; Saul). With p = q1q2 and
 * θ = arccos(c/√p) (correlation clipped to [−1, 1]): T = p^{n/2}·J_n(θ)/(2π),
 * Ṫ = n²·p^{(n−1)/2}·J_{n−1}(θ)/(2π) (0 for n = 0, as in neural-tangents: φ' is a Dirac delta there).
 *
 * <p>Unlike neural-tangents (NaN at θ = 0, i.e. identical inputs), this returns the finite limit
 * J_n(0) = π(2n−1)!!. A zero variance (p = 0) means an input to φ is exactly 0, so
 * T = φ(0)·E[φ(v)] and Ṫ = φ'(0)·E[φ'(v)] with φ(0) = 1 for n = 0 (1[0 ≥ 0] = 1). √p is
 * {@link ArcCosine#sqrtProduct} (no overflow or underflow of q1q2: exactly homogeneous at any scale).
 */
public record RectifiedMonomial(int degree) implements Activation, DeviceEncodable {
    public RectifiedMonomial {
        if (degree < 0 || degree > 3)
            throw new InvalidInputException("degree", "RectifiedMonomial: degree must be 0..3, got " + degree);
    }

    static double j(int n, double t) {
        double s = Math.sin(t), c = Math.cos(t), pt = Math.PI - t;
        return switch (n) {
            case 0 -> pt;
            case 1 -> s + pt * c;
            case 2 -> 3 * s * c + pt * (1 + 2 * c * c);
            case 3 -> 15 * s - 11 * s * s * s + pt * (9 * c + 6 * c * c * c);
            default -> throw new IllegalStateException();
        };
    }

    private static double pow(double sp, int n) {
        double r = 1;
        for (int i = 0; i < n; i++) r *= sp;
        return r;
    }

    @Override
    public double nngp(double c, double q1, double q2) {
        if (q1 == 0 || q2 == 0) {
            // An input to φ is exactly 0: E[φ(0)φ(v)] = φ(0)·E[φ(v)]; φ(0) = 1 only for n = 0.
            if (degree != 0) return 0.0;
            return (q1 == 0 && q2 == 0) ? 1.0 : 0.5;
        }
        double sp = ArcCosine.sqrtProduct(q1, q2);
        double t = Math.acos(Math.min(1.0, Math.max(-1.0, c / sp)));
        return pow(sp, degree) * j(degree, t) / Dual.TWO_PI;
    }

    @Override
    public double ntkFactor(double c, double q1, double q2) {
        if (degree == 0) return 0.0;
        if (q1 == 0 || q2 == 0) {
            // φ'(0) = n·0^{n−1} is 1 only for n = 1; then E[φ'(v)] = P(v ≥ 0).
            if (degree != 1) return 0.0;
            return (q1 == 0 && q2 == 0) ? 1.0 : 0.5;
        }
        double sp = ArcCosine.sqrtProduct(q1, q2);
        double t = Math.acos(Math.min(1.0, Math.max(-1.0, c / sp)));
        return degree * degree * pow(sp, degree - 1) * j(degree - 1, t) / Dual.TWO_PI;
    }

    @Override
    public double apply(double x) {
        return x >= 0 ? pow(x, degree) : 0.0;
    }

    @Override
    public double derivative(double x) {
        return (x >= 0 && degree > 0) ? degree * pow(x, degree - 1) : 0.0;
    }

    @Override
    public DeviceCode deviceCode() {
        return DeviceCode.of(DeviceCode.RECT_MONO, degree);
    }

    @Override
    public String describe() {
        return "RectifiedMonomial(" + degree + ")";
    }
}
