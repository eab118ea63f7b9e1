package org.ntk4j.gpu;

import org.ntk4j.arch.Activation;
import org.ntk4j.arch.activation.ABRelu;
import org.ntk4j.arch.activation.Abs;
import org.ntk4j.arch.activation.Cos;
import org.ntk4j.arch.activation.Erf;
import org.ntk4j.arch.activation.Exp;
import org.ntk4j.arch.activation.Gabor;
import org.ntk4j.arch.activation.Gaussian;
import org.ntk4j.arch.activation.Gelu;
import org.ntk4j.arch.activation.LeakyRelu;
import org.ntk4j.arch.activation.Monomial;
import org.ntk4j.arch.activation.Polynomial;
import org.ntk4j.arch.activation.Rbf;
import org.ntk4j.arch.activation.RectifiedMonomial;
import org.ntk4j.arch.activation.Relu;
import org.ntk4j.arch.activation.SigmoidLike;
import org.ntk4j.arch.activation.Sign;
import org.ntk4j.arch.activation.Sin;

/**
 * Encodes an activation for the device: its id in native/activations.cuh and the constants its
 * dual map needs, precomputed here in float64 (the layouts are documented next to ActId there).
 * Activations without a closed form on the device (e.g. Numerical) have no encoding.
 */
final class ActivationCodec {
    static final int ABRELU = 1, ERF = 2, GELU = 3, SIN = 4, RBF = 5, EXP = 6, GAUSSIAN = 7, SIGN = 8, MONOMIAL = 9,
        RECT_MONO = 10, POLYNOMIAL = 11, GABOR = 12;

    /** An encoded activation. */
    record Code(int id, double[] params) { }

    private ActivationCodec() { }

    /** The encoding, or null when the GPU has no kernel for this activation. */
    static Code encode(Activation a) {
        return switch (a) {
            case Relu r -> abrelu(0, 1);
            case LeakyRelu l -> abrelu(l.alpha(), 1);
            case ABRelu r -> abrelu(r.a(), r.b());
            case Abs r -> abrelu(-1, 1);
            case Erf e -> erf(e.a(), e.b(), e.c());
            case SigmoidLike s -> erf(0.5, 1 / 2.4020563531719796, 0.5);
            case Gelu g -> new Code(GELU, new double[0]);
            case Sin s -> sin(s.a(), s.b(), s.c());
            case Cos c -> sin(c.a(), c.b(), c.c() + Math.PI / 2);
            case Rbf r -> new Code(RBF, new double[] {r.gamma()});
            case Exp e -> new Code(EXP, new double[] {e.a() * e.a(), e.b() * e.b()});
            case Gaussian g -> new Code(GAUSSIAN, new double[] {g.a() * g.a(), g.b()});
            case Sign s -> new Code(SIGN, new double[0]);
            case Monomial m -> new Code(MONOMIAL, new double[] {m.degree()});
            case RectifiedMonomial m -> new Code(RECT_MONO, new double[] {m.degree()});
            case Polynomial p -> polynomial(p.coef());
            case Gabor g -> new Code(GABOR, new double[0]);
            default -> null;
        };
    }

    private static Code abrelu(double a, double b) {
        return new Code(ABRELU, new double[] {(a - b) * (a - b) / (2 * Math.PI), (a * a + b * b) / 2});
    }

    private static Code erf(double a, double b, double c) { return new Code(ERF, new double[] {a * a, b * b, c * c}); }

    private static Code sin(double a, double b, double c) {
        return new Code(SIN, new double[] {a * a / 2, b * b, Math.cos(2 * c)});
    }

    /** {D, then g_{l,i} = coef[2i+l]·(2i+l)!/(2^i·i!·√(l!)) for l = 0..D-1, i = 0..(D-1-l)/2}. */
    static Code polynomial(double[] coef) {
        int d = coef.length;
        int size = 1;
        for (int l = 0; l < d; l++) size += (d - 1 - l) / 2 + 1;
        double[] p = new double[size];
        p[0] = d;
        int k = 1;
        for (int l = 0; l < d; l++)
            for (int i = 0; 2 * i + l < d; i++) {
                int j = 2 * i + l;
                p[k++] = coef[j] * fact(j) / (Math.pow(2, i) * fact(i) * Math.sqrt(fact(l)));
            }
        return new Code(POLYNOMIAL, p);
    }

    private static double fact(int n) {
        double r = 1;
        for (int i = 2; i <= n; i++) r *= i;
        return r;
    }
}
