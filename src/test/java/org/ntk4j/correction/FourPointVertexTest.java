package org.ntk4j.correction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.ntk4j.arch.Activation;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.activation.Erf;
import org.ntk4j.arch.activation.Gelu;
import org.ntk4j.arch.activation.Numerical;
import org.ntk4j.arch.activation.Relu;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.finite.FiniteNetwork;
import org.ntk4j.linalg.Matrix;

/**
 * The full four-point vertex (docs/finite-width.md §9): its diagonal is the pair recursion's
 * variance, its layout and symmetries, its limit, and its off-diagonal entries against the
 * covariances of Ĝ's entries across actual networks.
 */
class FourPointVertexTest {
    /** Four inputs: entries over one to four distinct inputs. */
    static final Matrix X =
            Matrix.of(new double[][] {{1.0, -0.5, 0.3}, {0.2, 0.8, -1.0}, {-0.7, 0.1, 0.9}, {0.5, 0.6, 0.4}});

    @Test
    void diagonalIsThePairRecursionsVariance() {
        for (Activation phi : new Activation[] {new Relu(), new Erf(), new Gelu(), Numerical.builtin("tanh", 25)}) {
            Architecture arch = FiniteWidthMonteCarloTest.twoHidden(phi, 64);
            FourPointVertex v = FiniteWidth.vertex(arch, X);
            double[] pair = FiniteWidth.correction(arch, X, 64).nngpVarCoef().toColumnMajor();
            int m = X.rows();
            for (int a = 0; a < m; a++)
                for (int b = 0; b < m; b++) {
                    double want = pair[a + b * m];
                    assertEquals(want, v.get(a, b, a, b), 1e-12 * Math.abs(want), phi.describe() + " " + a + "," + b);
                    assertEquals(0, v.standardError(a, b, a, b), phi.describe());
                }
        }
    }

    @Test
    void layoutAndSymmetries() {
        FourPointVertex v = FiniteWidth.vertex(FiniteWidthMonteCarloTest.twoHidden(new Relu(), 8), X);
        int m = v.inputs();
        double[] all = v.toArray();
        assertEquals(m * m * m * m, all.length);
        for (int a = 0; a < m; a++)
            for (int b = 0; b < m; b++)
                for (int c = 0; c < m; c++)
                    for (int d = 0; d < m; d++) {
                        double x = v.get(a, b, c, d);
                        assertEquals(x, all[((a * m + b) * m + c) * m + d]);
                        assertEquals(x, v.get(b, a, c, d));
                        assertEquals(x, v.get(a, b, d, c));
                        assertEquals(x, v.get(c, d, a, b));
                    }
        assertTrue(v.maxStandardError() > 0, "ReLU's 4-input entries are estimates");
        assertEquals(
                0,
                FiniteWidth.vertex(FiniteWidthMonteCarloTest.twoHidden(new Erf(), 8), X)
                        .maxStandardError());
    }

    @Test
    void refusesMoreThan64InputsAndBadArguments() {
        Matrix x = Matrix.of(new double[65][2]);
        InvalidInputException e = assertThrows(
                InvalidInputException.class,
                () -> FiniteWidth.vertex(FiniteWidthMonteCarloTest.twoHidden(new Relu(), 8), x));
        assertTrue(e.getMessage().contains("limited to 64 inputs"), e.getMessage());
        FourPointVertex v = FiniteWidth.vertex(FiniteWidthMonteCarloTest.twoHidden(new Relu(), 8), X);
        assertEquals(v.get(0, 1, 2, 3) / 128, v.covariance(0, 1, 2, 3, 128));
        assertThrows(InvalidInputException.class, () -> v.covariance(0, 1, 2, 3, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> v.get(0, 1, 2, 4));
    }

    @Test
    void reluAgainstNetworks() {
        againstNetworks(new Relu(), 31);
    }

    @Test
    void erfAgainstNetworks() {
        againstNetworks(new Erf(), 32);
    }

    /**
     * n·Cov[Ĝ(a,b), Ĝ(c,d)] over {@value #SAMPLES} networks of width {@value #WIDTH} against V for
     * entries over three and four distinct inputs; tolerance 4 Monte-Carlo standard errors plus the
     * O(1/n²) allowance of {@link FiniteWidthMonteCarloTest} plus 4 standard errors of the vertex.
     */
    private static void againstNetworks(Activation phi, long seed) {
        Architecture arch = FiniteWidthMonteCarloTest.twoHidden(phi, WIDTH);
        FourPointVertex v = FiniteWidth.vertex(arch, X);
        int m = X.rows();
        double[][] g = new double[SAMPLES][];
        for (int s = 0; s < SAMPLES; s++)
            g[s] = FiniteNetwork.initialize(arch, X.cols(), WIDTH, (seed << 32) + s)
                    .conditionalNngp(X, null)
                    .toColumnMajor();
        int[][] entries = {{0, 1, 2, 3}, {0, 2, 1, 3}, {0, 0, 1, 2}, {0, 1, 0, 2}, {3, 3, 1, 2}, {2, 1, 3, 1}};
        for (int[] e : entries) {
            int p = e[0] + e[1] * m, q = e[2] + e[3] * m;
            double mp = 0, mq = 0;
            for (double[] s : g) {
                mp += s[p];
                mq += s[q];
            }
            mp /= SAMPLES;
            mq /= SAMPLES;
            double sum = 0, sum2 = 0;
            for (double[] s : g) {
                double c = (s[p] - mp) * (s[q] - mq);
                sum += c;
                sum2 += c * c;
            }
            double cov = sum / (SAMPLES - 1), se = Math.sqrt((sum2 / SAMPLES - Math.pow(sum / SAMPLES, 2)) / SAMPLES);
            double predicted = v.get(e[0], e[1], e[2], e[3]);
            double measured = WIDTH * cov, mcSe = WIDTH * se;
            double tol = 4 * mcSe + 10 * Math.abs(predicted) / WIDTH + 4 * v.standardError(e[0], e[1], e[2], e[3]);
            assertTrue(
                    Math.abs(predicted - measured) <= tol,
                    String.format(
                            Locale.ROOT,
                            "%s, V%s: predicted %.5g, Monte Carlo %.5g ± %.2g (tolerance %.2g)",
                            phi.describe(),
                            java.util.Arrays.toString(e),
                            predicted,
                            measured,
                            mcSe,
                            tol));
        }
    }

    static final int WIDTH = 256, SAMPLES = 1000;
}
