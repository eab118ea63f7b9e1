package org.ntk4j.arch.activation;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.ntk4j.arch.Activation;
import org.ntk4j.error.InvalidInputException;

/**
 * The closed-form dual maps against an independent evaluation: 2-D Gauss–Hermite quadrature
 * ({@link Numerical}, degree 100) of the activation's own φ and φ'. Agreement to 1e-9 relative
 * checks the formulas, the φ/φ' implementations and the quadrature path at once.
 */
class ActivationTest {
    /** (c, q1, q2) points with |c| ≤ √(q1q2), including strongly correlated and anti-correlated ones. */
    private static final double[][] POINTS = {
        {0.3, 1.0, 0.8},
        {-0.5, 0.7, 1.2},
        {0.0, 0.5, 0.5},
        {0.999 * Math.sqrt(0.6), 0.6, 1.0},
        {-0.95 * Math.sqrt(0.72), 0.9, 0.8},
        {0.04, 0.1, 0.2},
        {1.1, 1.1, 1.1}
    };

    private static void checkAgainstQuadrature(Activation act, double tol) {
        Numerical gh = new Numerical("ref", act::apply, act::derivative, 100);
        for (double[] p : POINTS) {
            double t = act.nngp(p[0], p[1], p[2]), tq = gh.nngp(p[0], p[1], p[2]);
            double d = act.ntkFactor(p[0], p[1], p[2]), dq = gh.ntkFactor(p[0], p[1], p[2]);
            assertEquals(
                    tq, t, tol * Math.max(1, Math.abs(tq)), act.describe() + " T at " + java.util.Arrays.toString(p));
            assertEquals(
                    dq,
                    d,
                    tol * Math.max(1, Math.abs(dq)),
                    act.describe() + " Tdot at " + java.util.Arrays.toString(p));
            double v = act.variance(p[1]), vq = gh.variance(p[1]);
            assertEquals(vq, v, tol * Math.max(1, Math.abs(vq)), act.describe() + " variance at " + p[1]);
        }
    }

    @Test
    void smoothClosedFormsMatchQuadrature() {
        List<Activation> smooth = List.of(
                new Erf(),
                new Erf(2, 0.3, 0.5),
                new SigmoidLike(),
                new Gelu(),
                new Sin(),
                new Sin(0.3, 1.5, -Math.PI / 4),
                new Cos(),
                new Cos(0.7, 0.9, 0.2),
                new Rbf(1),
                new Rbf(0.3),
                new Exp(1, 0.3),
                new Exp(0.5, -0.7),
                new Gaussian(),
                new Gaussian(0.25, -0.5),
                new Gaussian(1, 0.1),
                new Gabor(),
                new Identity(),
                new Monomial(0),
                new Monomial(1),
                new Monomial(2),
                new Monomial(3),
                new Monomial(4),
                new Monomial(5),
                new Polynomial(0.3, -1.0, 0.5, 0.2),
                new Polynomial(-0.1, 2.1, 0.0, 0.0, -1.2, -0.5));
        for (Activation a : smooth) checkAgainstQuadrature(a, 1e-9);
    }

    @Test
    void kinkedClosedFormsMatchQuadratureLooselyAndPriceTheorem() {
        // Gauss–Hermite converges slowly for kinks: a loose check of T; Ṫ is checked through Price's
        // theorem Ṫ = ∂T/∂c (central differences of the closed form).
        for (Activation a : List.of(
                new Relu(),
                new LeakyRelu(0.1),
                new ABRelu(0.25, 0.5),
                new Abs(),
                new RectifiedMonomial(0),
                new RectifiedMonomial(1),
                new RectifiedMonomial(2),
                new RectifiedMonomial(3))) {
            Numerical gh = new Numerical("ref", a::apply, a::derivative, 100);
            for (double[] p : POINTS) {
                double tq = gh.nngp(p[0], p[1], p[2]);
                assertEquals(tq, a.nngp(p[0], p[1], p[2]), 2e-2 * Math.max(1, Math.abs(tq)), a.describe());
                if (Math.abs(p[0]) >= 0.99 * Math.sqrt(p[1] * p[2]) || a.equals(new RectifiedMonomial(0)))
                    continue; // φ' = δ: NT's convention Ṫ = 0
                double h = 1e-6, fd = (a.nngp(p[0] + h, p[1], p[2]) - a.nngp(p[0] - h, p[1], p[2])) / (2 * h);
                assertEquals(
                        fd, a.ntkFactor(p[0], p[1], p[2]), 1e-7 * Math.max(1, Math.abs(fd)), a.describe() + " Price");
            }
        }
    }

    @Test
    void signIsTheArcsineLaw() {
        for (double[] p : POINTS) {
            double rho = p[0] / Math.sqrt(p[1] * p[2]);
            assertEquals(2 / Math.PI * Math.asin(Math.min(1, rho)), new Sign().nngp(p[0], p[1], p[2]), 1e-7);
            assertEquals(0.0, new Sign().ntkFactor(p[0], p[1], p[2]));
        }
    }

    @Test
    void rectifiedMonomialHasTheFiniteLimitAtThetaZero() {
        double q = 0.7;
        long df = 1;
        for (int n = 0; n <= 3; n++) {
            if (n > 0) df *= 2L * n - 1;
            RectifiedMonomial r = new RectifiedMonomial(n);
            // J_n(0) = π(2n−1)!!, so T(q, q, q) = qⁿ (2n−1)!!/2 — the variance E[φ(u)²] = qⁿ·E[z^{2n}]/2.
            assertEquals(Math.pow(q, n) * df / 2, r.nngp(q, q, q), 1e-15 * Math.max(1, Math.pow(q, n) * df));
            assertTrue(Double.isFinite(r.ntkFactor(q, q, q)));
            // Slightly past |ρ| = 1 through rounding: still finite, no NaN.
            assertTrue(Double.isFinite(r.nngp(q * (1 + 1e-15), q, q)));
        }
    }

    @Test
    void zeroVarianceUsesPhiOfZero() {
        // φ(u) with u ≡ 0: E[φ(0)φ(v)] = φ(0)·E[φ(v)].
        assertEquals(0.5, new RectifiedMonomial(0).nngp(0, 0, 1.3)); // φ(0) = 1[0 ≥ 0] = 1, P(v ≥ 0) = 1/2
        assertEquals(1.0, new RectifiedMonomial(0).nngp(0, 0, 0));
        assertEquals(0.0, new RectifiedMonomial(2).nngp(0, 0, 1.3));
        assertEquals(0.5, new RectifiedMonomial(1).ntkFactor(0, 0, 1.3));
        Numerical tanh = Numerical.builtin("tanh", 25);
        assertEquals(0.0, tanh.nngp(0, 0, 2.0), 0.0);
        assertEquals(new Erf().ntkFactor(0, 0, 0) > 0, true);
        // tanh'(0) = 1: Ṫ = E[tanh'(v)], v ~ N(0, 2).
        double e = new Numerical("t2", Math::tanh, t -> 1 - Math.tanh(t) * Math.tanh(t), 100).nngp(0, 0, 0);
        assertEquals(0.0, e, 1e-300);
        Polynomial p = new Polynomial(0.3, -1.0, 0.5, 0.2);
        // φ(0) = 0.3, E[φ(v)] = 0.3 + 0.5·q2 for v ~ N(0, q2).
        assertEquals(0.3 * (0.3 + 0.5 * 1.7), p.nngp(0, 0, 1.7), 1e-15);
        // φ'(0) = −1, E[φ'(v)] = −1 + 0.6·q2.
        assertEquals(-1 * (-1 + 0.6 * 1.7), p.ntkFactor(0, 0, 1.7), 1e-15);
        assertEquals(0.0, new Sign().variance(0));
        assertEquals(1.0, new Sign().variance(0.2));
    }

    @Test
    void applyAndDerivativeAreConsistent() {
        List<Activation> acts = List.of(
                new Erf(2, 0.3, 0.5),
                new Gelu(),
                new Sin(0.3, 1.5, 0.2),
                new Cos(0.7, 0.9, 0.2),
                new Rbf(0.3),
                new Exp(1, 0.3),
                new Gaussian(0.25, -0.5),
                new Gabor(),
                new Monomial(4),
                new Polynomial(1, 2, 3, 4),
                Numerical.builtin("tanh", 5),
                Numerical.builtin("sigmoid", 5),
                Numerical.builtin("softplus", 5),
                Numerical.builtin("silu", 5),
                Numerical.builtin("elu", 5),
                new SigmoidLike());
        for (Activation a : acts)
            for (double x : new double[] {-1.7, -0.3, 0.4, 1.9}) {
                double h = 1e-5, fd = (a.apply(x + h) - a.apply(x - h)) / (2 * h);
                assertEquals(fd, a.derivative(x), 1e-8 * Math.max(1, Math.abs(fd)), a.describe() + " at " + x);
            }
        assertEquals(0.0, new Relu().apply(-2));
        assertEquals(-0.2, new LeakyRelu(0.1).apply(-2), 1e-16);
        assertEquals(3.0, new Abs().apply(-3));
        assertEquals(1.0, new RectifiedMonomial(0).apply(0.0));
        assertEquals(-1.0, new Sign().apply(-0.1));
    }

    @Test
    void invalidParametersAreTypedErrors() {
        assertThrows(InvalidInputException.class, () -> new Monomial(6));
        assertThrows(InvalidInputException.class, () -> new Monomial(-1));
        assertThrows(InvalidInputException.class, () -> new RectifiedMonomial(4));
        assertThrows(InvalidInputException.class, () -> new Rbf(-0.1));
        assertThrows(InvalidInputException.class, () -> new Erf(Double.NaN, 1, 0));
        assertThrows(InvalidInputException.class, () -> new Polynomial());
        assertThrows(InvalidInputException.class, () -> Numerical.builtin("cosh", 25));
        // Gaussian(b > 0) has an infinite second moment once 1 − 4bq ≤ 0.
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> new Gaussian(1, 0.5).variance(0.5));
        assertTrue(e.getMessage().contains("b < 1/(4q)"), e.getMessage());
        assertTrue(Double.isFinite(new Gaussian(1, 0.5).variance(0.4)));
    }

    @Test
    void tileMapsEqualScalarMapsBitForBit() {
        List<Activation> acts = List.of(
                new Relu(),
                new LeakyRelu(0.1),
                new ABRelu(0.25, 0.5),
                new Abs(),
                new Erf(2, 0.3, 0.5),
                new SigmoidLike(),
                new Gelu(),
                new Sin(0.3, 1.5, 0.2),
                new Cos(),
                new Rbf(0.3),
                new Exp(1, 0.3),
                new Gaussian(0.25, -0.5),
                new Sign(),
                new Identity());
        java.util.Random rnd = new java.util.Random(1);
        int rows = 5, cols = 4;
        double[] q1 = new double[rows + 2], q2 = new double[cols + 1];
        for (int i = 0; i < q1.length; i++) q1[i] = 0.1 + rnd.nextDouble();
        for (int j = 0; j < q2.length; j++) q2[j] = 0.1 + rnd.nextDouble();
        q1[3] = 0; // a zero variance (with c = 0)
        double[] k0 = new double[rows * cols], th0 = new double[rows * cols];
        for (int j = 0; j < cols; j++)
            for (int i = 0; i < rows; i++) {
                double lim = Math.sqrt(q1[2 + i] * q2[1 + j]);
                k0[i + j * rows] = (2 * rnd.nextDouble() - 1) * lim;
                th0[i + j * rows] = rnd.nextDouble();
            }
        k0[0] = Math.sqrt(q1[2] * q2[1]); // perfectly correlated
        for (Activation a : acts) {
            double[] k = k0.clone(), th = th0.clone();
            ((TileMap) a).mapTile(rows, cols, q1, 2, q2, 1, k, th);
            for (int j = 0; j < cols; j++)
                for (int i = 0; i < rows; i++) {
                    int idx = i + j * rows;
                    assertEquals(a.nngp(k0[idx], q1[2 + i], q2[1 + j]), k[idx], 0.0, a.describe());
                    assertEquals(th0[idx] * a.ntkFactor(k0[idx], q1[2 + i], q2[1 + j]), th[idx], 0.0, a.describe());
                }
        }
    }
}
