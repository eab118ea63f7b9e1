package org.ntk4j.correction;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.ntk4j.arch.Activation;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.Dense;
import org.ntk4j.arch.activation.Erf;
import org.ntk4j.arch.activation.Gelu;
import org.ntk4j.arch.activation.Numerical;
import org.ntk4j.arch.activation.Relu;
import org.ntk4j.linalg.Matrix;

/**
 * The predicted 1/n statistics against actual networks at width 256, one small case per activation
 * family (2 hidden layers, 2 inputs, 1000 networks): the conditional NNGP Ĝ and the NTK Θ̂. Tolerance: 4 Monte-Carlo standard errors plus
 * the O(1/n²) remainder, allowed as 10·|coefficient|/n (the slow fits in
 * {@link FiniteWidthFitTest} measure that remainder at |b| ≲ 3·|a|).
 */
class FiniteWidthMonteCarloTest {
    static final Matrix X = Matrix.of(new double[][] {{1.0, -0.5, 0.3}, {0.2, 0.8, -1.0}});
    static final int WIDTH = 256, SAMPLES = 1000;

    static Architecture twoHidden(Activation phi, int width) {
        return Architecture.of(Dense.of(width, 1.5, 0.2), phi, Dense.of(width, 1.3, 0.3), phi, Dense.of(1, 1.1, 0.1));
    }

    @Test
    void arcCosineFamily() {
        check(new Relu(), 11);
    }

    @Test
    void erf() {
        check(new Erf(), 12);
    }

    @Test
    void smoothClosedForm() {
        check(new Gelu(), 13);
    }

    @Test
    void numerical() {
        check(Numerical.builtin("tanh", 25), 14);
    }

    /**
     * The NTK at other depths than the two hidden layers above (kept from an exploratory run): one
     * hidden layer, where Θ⁽¹⁾ = 0 and W_Θ is exact at every width (§5.4), and three.
     */
    @Test
    void ntkAtOneAndThreeHiddenLayers() {
        for (Architecture arch : new Architecture[] {
            Architecture.of(Dense.of(WIDTH, 1.5, 0.2), new Relu(), Dense.of(1, 1.1, 0.1)),
            Architecture.of(
                    Dense.of(WIDTH, 1.5, 0.2),
                    new Erf(),
                    Dense.of(WIDTH, 1.3, 0.3),
                    new Erf(),
                    Dense.of(WIDTH, 1.2, 0.1),
                    new Erf(),
                    Dense.of(1, 1.1, 0.1))
        }) {
            Activation phi = (Activation) arch.layers().get(1);
            WidthCorrection c = FiniteWidth.correction(arch, X, WIDTH);
            WidthMonteCarlo.Stats s = WidthMonteCarlo.run(arch, X, WIDTH, SAMPLES, 15L << 32, true)
                    .ntk();
            double[] th = c.ntk().toColumnMajor(), th1 = c.ntkMeanCoef().toColumnMajor();
            double[] w = c.ntkVarCoef().toColumnMajor();
            for (int e : new int[] {0, 2, 3}) {
                agree(phi, "n·Var[Θ̂] entry " + e, w[e], WIDTH * s.var()[e], WIDTH * s.varSe()[e]);
                agree(phi, "n·(E[Θ̂] − Θ) entry " + e, th1[e], WIDTH * (s.mean()[e] - th[e]), WIDTH * s.meanSe()[e]);
            }
        }
    }

    private static void check(Activation phi, long seed) {
        Architecture arch = twoHidden(phi, WIDTH);
        WidthCorrection c = FiniteWidth.correction(arch, X, WIDTH);
        WidthMonteCarlo.Stats s =
                WidthMonteCarlo.run(arch, X, WIDTH, SAMPLES, seed << 32, false).nngp();
        double[] k = c.nngp().toColumnMajor(), k1 = c.nngpMeanCoef().toColumnMajor();
        double[] v = c.nngpVarCoef().toColumnMajor();
        for (int e : new int[] {0, 2, 3}) {
            agree(phi, "n·Var[Ĝ] entry " + e, v[e], WIDTH * s.var()[e], WIDTH * s.varSe()[e]);
            agree(phi, "n·(E[Ĝ] − K) entry " + e, k1[e], WIDTH * (s.mean()[e] - k[e]), WIDTH * s.meanSe()[e]);
        }
    }

    static void agree(Activation phi, String what, double predicted, double measured, double se) {
        double tol = 4 * se + 10 * Math.abs(predicted) / WIDTH;
        assertTrue(
                Math.abs(predicted - measured) <= tol,
                String.format(
                        Locale.ROOT,
                        "%s, %s: predicted %.5g, Monte Carlo %.5g ± %.2g (tolerance %.2g)",
                        phi.describe(),
                        what,
                        predicted,
                        measured,
                        se,
                        tol));
    }
}
