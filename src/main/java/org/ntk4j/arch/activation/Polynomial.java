package org.ntk4j.arch.activation;

import java.util.Arrays;
import java.util.StringJoiner;
import org.ntk4j.arch.Activation;
import org.ntk4j.error.InvalidInputException;

/**
 * φ(x) = Σ_j coef[j]·xʲ, by the Hermite (Mehler) expansion (docs/kernels.md §4.3). Written with
 * s_l(q) = r_l(q)/q^{l/2} = Σ_i coef[2i+l]·(2i+l)!/(2^i·i!·√(l!))·qⁱ (a polynomial in q), the maps are
 * T = Σ_l s_l(q1)s_l(q2)·cˡ and Ṫ = Σ_{l≥1} l·s_l(q1)s_l(q2)·c^{l−1}: mathematically the library's
 * ρ-form, but without the 0/0 at zero variance (where neural-tangents returns NaN).
 */
public final class Polynomial implements Activation, DeviceEncodable {
    private final double[] coef;
    private final double[][] s; // s[l][i]: coefficient of qⁱ in s_l(q)

    public Polynomial(double... coef) {
        if (coef == null || coef.length == 0)
            throw new InvalidInputException("coef", "Polynomial: needs at least one coefficient, e.g. coef=[0,1]");
        if (coef.length > 20)
            throw new InvalidInputException(
                    "coef", "Polynomial: at most 20 coefficients (degree 19), got " + coef.length);
        for (double v : coef) Dual.requireFinite("Polynomial", "coef", v);
        this.coef = coef.clone();
        int d = coef.length;
        s = new double[d][];
        for (int l = 0; l < d; l++) {
            s[l] = new double[(d - 1 - l) / 2 + 1];
            for (int i = 0; 2 * i + l < d; i++) {
                int jj = 2 * i + l;
                s[l][i] = coef[jj] * fact(jj) / (Math.pow(2, i) * fact(i) * Math.sqrt(fact(l)));
            }
        }
    }

    private static double fact(int n) {
        double r = 1;
        for (int i = 2; i <= n; i++) r *= i;
        return r;
    }

    /** A copy of the coefficients, constant term first. */
    public double[] coef() {
        return coef.clone();
    }

    private double sl(int l, double q) {
        double[] a = s[l];
        double r = 0;
        for (int i = a.length - 1; i >= 0; i--) r = r * q + a[i];
        return r;
    }

    @Override
    public double nngp(double c, double q1, double q2) {
        double r = 0;
        for (int l = s.length - 1; l >= 0; l--) r = r * c + sl(l, q1) * sl(l, q2);
        return r;
    }

    @Override
    public double ntkFactor(double c, double q1, double q2) {
        double r = 0;
        for (int l = s.length - 1; l >= 1; l--) r = r * c + l * sl(l, q1) * sl(l, q2);
        return r;
    }

    @Override
    public double apply(double x) {
        double r = 0;
        for (int j = coef.length - 1; j >= 0; j--) r = r * x + coef[j];
        return r;
    }

    @Override
    public double derivative(double x) {
        double r = 0;
        for (int j = coef.length - 1; j >= 1; j--) r = r * x + j * coef[j];
        return r;
    }

    /** {D, then s_l's coefficients for l = 0..D-1}: the device evaluates the same expansion. */
    @Override
    public DeviceCode deviceCode() {
        double[] p = new double[1 + Arrays.stream(s).mapToInt(a -> a.length).sum()];
        p[0] = s.length;
        int k = 1;
        for (double[] a : s) {
            System.arraycopy(a, 0, p, k, a.length);
            k += a.length;
        }
        return DeviceCode.of(DeviceCode.POLYNOMIAL, p);
    }

    @Override
    public String describe() {
        StringJoiner j = new StringJoiner(",", "Polynomial(coef=[", "])");
        for (double v : coef) j.add(Dual.num(v));
        return j.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Polynomial p && Arrays.equals(p.coef, coef);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(coef);
    }

    @Override
    public String toString() {
        return describe();
    }
}
