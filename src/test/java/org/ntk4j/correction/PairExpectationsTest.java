package org.ntk4j.correction;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.ntk4j.arch.Activation;
import org.ntk4j.arch.activation.ABRelu;
import org.ntk4j.arch.activation.Erf;
import org.ntk4j.arch.activation.Gelu;
import org.ntk4j.arch.activation.LeakyRelu;
import org.ntk4j.arch.activation.Numerical;
import org.ntk4j.arch.activation.RectifiedMonomial;
import org.ntk4j.arch.activation.Relu;
import org.ntk4j.arch.activation.Sin;

/**
 * The quadrature of docs/finite-width.md §4 against the closed-form dual maps: T = E[φφ] against
 * {@code nngp}, ∂T/∂c against {@code ntkFactor}, E[relu²relu²] against the degree-2 arc-cosine
 * kernel, and every second derivative against central differences of the closed form.
 */
class PairExpectationsTest {
    static final List<Activation> CLOSED =
            List.of(new Relu(), new LeakyRelu(0.2), new ABRelu(-0.5, 1.5), new Erf(), new Gelu(), new Sin(1, 1.3, 0.4));
    static final double[][] POINTS = {{1.0, 1.0, 0.5}, {2.0, 0.7, -0.9}, {0.3, 1.5, 0.6}, {1.2, 1.1, 1.1}};

    @Test
    void meanAndCovarianceDerivativeMatchTheClosedForms() {
        for (Activation phi : CLOSED)
            for (double[] p : POINTS) {
                PairExpectations e = PairExpectations.of(phi, p[0], p[1], p[2]);
                String at = phi.describe() + " at " + java.util.Arrays.toString(p);
                assertEquals(phi.nngp(p[2], p[0], p[1]), e.t()[2], 1e-12, at);
                assertEquals(phi.variance(p[0]), e.t()[0], 1e-12, at);
                assertEquals(phi.ntkFactor(p[2], p[0], p[1]), e.jacobian()[8], 1e-12, at);
            }
    }

    @Test
    void fourPointOfReluIsTheDegreeTwoArcCosineKernel() {
        Activation rm2 = new RectifiedMonomial(2);
        for (double[] p : POINTS) {
            PairExpectations e = PairExpectations.of(new Relu(), p[0], p[1], p[2]);
            double m22 = e.fourPoint()[8] + e.t()[2] * e.t()[2];
            assertEquals(rm2.nngp(p[2], p[0], p[1]), m22, 1e-13);
        }
    }

    @Test
    void derivativesMatchCentralDifferencesOfTheClosedForm() {
        for (Activation phi : CLOSED)
            for (double[] p : new double[][] {{1.0, 1.0, 0.5}, {2.0, 0.7, -0.9}, {0.3, 1.5, 0.6}}) {
                PairExpectations e = PairExpectations.of(phi, p[0], p[1], p[2]);
                for (int b = 0; b < 3; b++) {
                    double fd = difference(phi::nngp, p, b);
                    assertEquals(fd, e.jacobian()[6 + b], 1e-7 * (1 + Math.abs(fd)), phi.describe() + " d/d" + b);
                    for (int g = 0; g < 3; g++) {
                        double fd2 = difference2(phi::nngp, p, b, g);
                        assertEquals(
                                fd2,
                                e.hessian()[18 + 3 * b + g],
                                2e-5 * (1 + Math.abs(fd2)),
                                phi.describe() + " at " + java.util.Arrays.toString(p) + " d2/d" + b + "d" + g);
                    }
                }
            }
    }

    @Test
    void ntkFactorDerivativesMatchCentralDifferencesOfTheClosedForm() {
        for (Activation phi : CLOSED)
            for (double[] p : new double[][] {{1.0, 1.0, 0.5}, {2.0, 0.7, -0.9}, {0.3, 1.5, 0.6}}) {
                PairExpectations e = PairExpectations.of(phi, p[0], p[1], p[2]);
                String at = phi.describe() + " at " + java.util.Arrays.toString(p);
                assertEquals(phi.ntkFactor(p[2], p[0], p[1]), e.td()[2], 1e-12, at);
                for (int b = 0; b < 3; b++) {
                    double fd = difference(phi::ntkFactor, p, b);
                    assertEquals(fd, e.tdJacobian()[6 + b], 1e-7 * (1 + Math.abs(fd)), at + " d/d" + b);
                    for (int g = 0; g < 3; g++) {
                        double fd2 = difference2(phi::ntkFactor, p, b, g);
                        assertEquals(
                                fd2, e.tdHessian()[18 + 3 * b + g], 2e-5 * (1 + Math.abs(fd2)), at + " d2/d" + b + g);
                    }
                }
            }
    }

    @Test
    void numericalTanhAgreesWithItsOwnQuadratureAtHighDegree() {
        Activation tanh = Numerical.builtin("tanh", 150);
        for (double[] p : POINTS) {
            PairExpectations e = PairExpectations.of(tanh, p[0], p[1], p[2]);
            assertEquals(tanh.nngp(p[2], p[0], p[1]), e.t()[2], 1e-10);
        }
    }

    /** A dual map T(c, q1, q2) or Ṫ(c, q1, q2). */
    interface DualMap {
        double at(double c, double q1, double q2);
    }

    private static double t(DualMap phi, double[] p) {
        return phi.at(p[2], p[0], p[1]);
    }

    private static double difference(DualMap phi, double[] p, int b) {
        double h = 1e-5;
        double[] hi = p.clone(), lo = p.clone();
        hi[b] += h;
        lo[b] -= h;
        return (t(phi, hi) - t(phi, lo)) / (2 * h);
    }

    private static double difference2(DualMap phi, double[] p, int b, int g) {
        double h = 2e-4;
        double[] pp = p.clone(), pm = p.clone(), mp = p.clone(), mm = p.clone();
        pp[b] += h;
        pp[g] += h;
        pm[b] += h;
        pm[g] -= h;
        mp[b] -= h;
        mp[g] += h;
        mm[b] -= h;
        mm[g] -= h;
        return (t(phi, pp) - t(phi, pm) - t(phi, mp) + t(phi, mm)) / (4 * h * h);
    }
}
