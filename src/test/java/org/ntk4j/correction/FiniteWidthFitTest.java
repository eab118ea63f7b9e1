package org.ntk4j.correction;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.ntk4j.arch.Activation;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.activation.Erf;
import org.ntk4j.arch.activation.Relu;
import org.ntk4j.linalg.Matrix;

/**
 * The 1/n approach (issue 18's validation, slow profile): at widths 16…256 with N = 40·n networks
 * each, a + b/n is fitted to the measured n·Var[Ĝ] and n·(E[Ĝ] − K), weighted by their standard
 * errors; the intercept a must agree with the predicted coefficient within 3 of its standard errors.
 */
@Tag("slow")
class FiniteWidthFitTest {
    static final int[] WIDTHS = {16, 32, 64, 128, 256};

    @Test
    void relu() {
        fit(new Relu(), 21);
    }

    @Test
    void erf() {
        fit(new Erf(), 22);
    }

    private static void fit(Activation phi, long seed) {
        Matrix x = FiniteWidthMonteCarloTest.X;
        int entries = 4;
        double[][] var = new double[entries][WIDTHS.length], varSe = new double[entries][WIDTHS.length];
        double[][] mean = new double[entries][WIDTHS.length], meanSe = new double[entries][WIDTHS.length];
        double[] inv = new double[WIDTHS.length];
        WidthCorrection c = null;
        for (int w = 0; w < WIDTHS.length; w++) {
            int n = WIDTHS[w];
            Architecture arch = FiniteWidthMonteCarloTest.twoHidden(phi, n);
            c = FiniteWidth.correction(arch, x, n);
            WidthMonteCarlo.Stats s = WidthMonteCarlo.run(arch, x, n, 40 * n, (seed << 32) + ((long) n << 20), false)
                    .nngp();
            inv[w] = 1.0 / n;
            double[] k = c.nngp().toColumnMajor();
            for (int e = 0; e < entries; e++) {
                var[e][w] = n * s.var()[e];
                varSe[e][w] = n * s.varSe()[e];
                mean[e][w] = n * (s.mean()[e] - k[e]);
                meanSe[e][w] = n * s.meanSe()[e];
            }
        }
        double[] v = c.nngpVarCoef().toColumnMajor(), k1 = c.nngpMeanCoef().toColumnMajor();
        for (int e : new int[] {0, 2, 3}) {
            check(phi, "n·Var[Ĝ] entry " + e, v[e], WeightedLine.fit(inv, var[e], varSe[e]));
            check(phi, "n·(E[Ĝ] − K) entry " + e, k1[e], WeightedLine.fit(inv, mean[e], meanSe[e]));
        }
    }

    private static void check(Activation phi, String what, double predicted, WeightedLine line) {
        String msg = String.format(
                Locale.ROOT,
                "%s, %s: predicted %.5g, fit a = %.5g ± %.2g, b = %.3g ± %.2g",
                phi.describe(),
                what,
                predicted,
                line.a(),
                line.seA(),
                line.b(),
                line.seB());
        System.out.println(msg);
        assertTrue(Math.abs(line.a() - predicted) <= 3 * line.seA() + 1e-9, msg);
    }
}
