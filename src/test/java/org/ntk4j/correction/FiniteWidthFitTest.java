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
 * each, a + b/n is fitted to the measured n·Var and n·(E − limit) of Ĝ and Θ̂, weighted by their standard
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
        int entries = 4, q = 2 * 2 * entries; // (Ĝ, Θ̂) × (mean, variance) × entries
        double[][] y = new double[q][WIDTHS.length], se = new double[q][WIDTHS.length];
        double[] inv = new double[WIDTHS.length];
        WidthCorrection c = null;
        for (int w = 0; w < WIDTHS.length; w++) {
            int n = WIDTHS[w];
            Architecture arch = FiniteWidthMonteCarloTest.twoHidden(phi, n);
            c = FiniteWidth.correction(arch, x, n);
            WidthMonteCarlo.Result r = WidthMonteCarlo.run(arch, x, n, 40 * n, (seed << 32) + ((long) n << 20), true);
            inv[w] = 1.0 / n;
            for (int kind = 0; kind < 2; kind++) {
                WidthMonteCarlo.Stats s = kind == 0 ? r.nngp() : r.ntk();
                double[] k = (kind == 0 ? c.nngp() : c.ntk()).toColumnMajor();
                for (int e = 0; e < entries; e++) {
                    int row = 4 * e + 2 * kind;
                    y[row][w] = n * s.var()[e];
                    se[row][w] = n * s.varSe()[e];
                    y[row + 1][w] = n * (s.mean()[e] - k[e]);
                    se[row + 1][w] = n * s.meanSe()[e];
                }
            }
        }
        for (int kind = 0; kind < 2; kind++) {
            String name = kind == 0 ? "Ĝ" : "Θ̂";
            double[] v = (kind == 0 ? c.nngpVarCoef() : c.ntkVarCoef()).toColumnMajor();
            double[] k1 = (kind == 0 ? c.nngpMeanCoef() : c.ntkMeanCoef()).toColumnMajor();
            for (int e : new int[] {0, 2, 3}) {
                int row = 4 * e + 2 * kind;
                check(phi, "n·Var[" + name + "] entry " + e, v[e], WeightedLine.fit(inv, y[row], se[row]));
                check(
                        phi,
                        "n·(E[" + name + "] − limit) entry " + e,
                        k1[e],
                        WeightedLine.fit(inv, y[row + 1], se[row + 1]));
            }
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
