package org.ntk4j.bench;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.XYChart;
import org.ntk4j.arch.Activation;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.Dense;
import org.ntk4j.arch.text.ArchParser;
import org.ntk4j.correction.FiniteWidth;
import org.ntk4j.correction.WidthCorrection;
import org.ntk4j.finite.FiniteNetwork;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.plot.Charts;

/**
 * The 1/n predictions of {@code org.ntk4j.correction} against actual networks (issue 18):
 *   benchmarks/bench.sh org.ntk4j.bench.FiniteWidthBench [activations] [plot.png] [hidden layers]
 * For each activation (ARCH names, comma-separated; default Relu,Erf,tanh) the network
 * Dense(n,1.5,0.2) → φ → Dense(n,1.3,0.3) → φ → Dense(1,1.1,0.1) (2 hidden layers; a third is
 * Dense(n,1.2,0.1) → φ) at widths 16…256 with N = 40·n
 * initializations (seeds fixed), on two inputs; prints the agreement table (width, quantity,
 * predicted, Monte Carlo ± SE) and the fit a + b/n weighted by the standard errors, as Markdown,
 * and writes a plot of n·Var against 1/n with the fits and the predicted intercepts.
 */
public final class FiniteWidthBench {
    private FiniteWidthBench() {}

    static final int[] WIDTHS = {16, 32, 64, 128, 256};
    static final Matrix X = Matrix.of(new double[][] {{1.0, -0.5, 0.3}, {0.2, 0.8, -1.0}});
    /** Entries reported: (0,0) and (0,1), column-major indices. */
    static final int[] ENTRIES = {0, 2};

    static final String[] QUANTITIES = {"n·Var[Ĝ]", "n·(E[Ĝ]−K)", "n·Var[Θ̂]", "n·(E[Θ̂]−Θ)"};

    public static void main(String[] args) throws IOException {
        String[] acts = (args.length > 0 ? args[0] : "Relu,Erf,tanh").split(",");
        Path plot = Path.of(args.length > 1 ? args[1] : "benchmarks/results/finite-width-2026-12-07.png");
        int hidden = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        List<XYChart> charts = new ArrayList<>();
        StringBuilder fits = new StringBuilder();
        System.out.println("| activation | quantity | entry | n | predicted | Monte Carlo ± SE |");
        System.out.println("|---|---|---|---|---|---|");
        fits.append("| activation | quantity | entry | predicted | fit a ± SE | fit b ± SE | |a − pred|/SE |\n");
        fits.append("|---|---|---|---|---|---|---|\n");
        for (String act : acts) {
            Activation phi = activation(act);
            double[][][] y = new double[QUANTITIES.length][ENTRIES.length][WIDTHS.length];
            double[][][] se = new double[QUANTITIES.length][ENTRIES.length][WIDTHS.length];
            double[][] pred = new double[QUANTITIES.length][ENTRIES.length];
            double[] inv = new double[WIDTHS.length];
            for (int w = 0; w < WIDTHS.length; w++) {
                int n = WIDTHS[w];
                inv[w] = 1.0 / n;
                Architecture arch = architecture(phi, n, hidden);
                WidthCorrection c = FiniteWidth.correction(arch, X, n);
                double[][] g = new double[40 * n][], t = new double[40 * n][];
                for (int s = 0; s < 40 * n; s++) {
                    FiniteNetwork net = FiniteNetwork.initialize(arch, X.cols(), n, ((long) n << 32) + s);
                    g[s] = net.conditionalNngp(X, null).toColumnMajor();
                    t[s] = net.kernels(X, null).ntk().toColumnMajor();
                }
                for (int q = 0; q < ENTRIES.length; q++) {
                    int e = ENTRIES[q];
                    double[] sg = stats(g, e), st = stats(t, e);
                    double[][] m = {
                        {n * sg[2], n * sg[3]},
                        {n * (sg[0] - c.nngp().toColumnMajor()[e]), n * sg[1]},
                        {n * st[2], n * st[3]},
                        {n * (st[0] - c.ntk().toColumnMajor()[e]), n * st[1]}
                    };
                    double[] p = {
                        c.nngpVarCoef().toColumnMajor()[e],
                        c.nngpMeanCoef().toColumnMajor()[e],
                        c.ntkVarCoef().toColumnMajor()[e],
                        c.ntkMeanCoef().toColumnMajor()[e]
                    };
                    for (int k = 0; k < QUANTITIES.length; k++) {
                        y[k][q][w] = m[k][0];
                        se[k][q][w] = m[k][1];
                        pred[k][q] = p[k];
                        System.out.printf(
                                Locale.ROOT,
                                "| %s | %s | %s | %d | %.4f | %.4f ± %.4f |%n",
                                act,
                                QUANTITIES[k],
                                entry(e),
                                n,
                                p[k],
                                m[k][0],
                                m[k][1]);
                    }
                }
            }
            XYChart ch = Charts.xy(
                    act + ": measured n·Var / predicted coefficient, against 1/n",
                    "1/n",
                    "n·Var / predicted",
                    720,
                    400);
            ch.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
            Color[] colors = {
                new Color(31, 119, 180), new Color(214, 39, 40), new Color(44, 160, 44), new Color(148, 103, 189)
            };
            int series = 0;
            for (int k = 0; k < QUANTITIES.length; k++)
                for (int q = 0; q < ENTRIES.length; q++) {
                    double[] line = fit(inv, y[k][q], se[k][q]);
                    fits.append(String.format(
                            Locale.ROOT,
                            "| %s | %s | %s | %.4f | %.4f ± %.4f | %.3f ± %.3f | %.2f |%n",
                            act,
                            QUANTITIES[k],
                            entry(ENTRIES[q]),
                            pred[k][q],
                            line[0],
                            line[2],
                            line[1],
                            line[3],
                            Math.abs(line[0] - pred[k][q]) / line[2]));
                    if (k % 2 == 1) continue; // the plot shows the variances; the means are in the table
                    Color col = colors[series++ % colors.length];
                    String name = QUANTITIES[k] + " " + entry(ENTRIES[q]);
                    double p = pred[k][q];
                    double[] rel = new double[WIDTHS.length];
                    for (int w = 0; w < WIDTHS.length; w++) rel[w] = y[k][q][w] / p;
                    Charts.scatter(ch, name, inv, rel, col);
                    Charts.line(
                            ch,
                            name + ": fit a + b/n",
                            new double[] {0, inv[0]},
                            new double[] {line[0] / p, (line[0] + line[1] * inv[0]) / p},
                            col,
                            1f);
                }
            Charts.line(ch, "prediction (1/n → 0)", new double[] {0, inv[0]}, new double[] {1, 1}, Color.BLACK, 1.5f);
            charts.add(ch);
        }
        System.out.println();
        System.out.print(fits);
        Path tmp = plot.resolveSibling(plot.getFileName() + ".tmp");
        Files.write(tmp, Charts.png(charts, charts.size(), 1, "the finite-width plot"));
        Files.move(tmp, plot, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("\nplot: " + plot);
    }

    /** Dense(n,1.5,0.2) → φ → Dense(n,1.3,0.3) → φ [→ Dense(n,1.2,0.1) → φ …] → Dense(1,1.1,0.1). */
    static Architecture architecture(Activation phi, int n, int hidden) {
        double[][] wb = {{1.5, 0.2}, {1.3, 0.3}, {1.2, 0.1}};
        List<org.ntk4j.arch.Layer> layers = new ArrayList<>();
        for (int l = 0; l < hidden; l++) {
            double[] p = wb[Math.min(l, wb.length - 1)];
            layers.add(Dense.of(n, p[0], p[1]));
            layers.add(phi);
        }
        layers.add(Dense.of(1, 1.1, 0.1));
        return new Architecture(layers, org.ntk4j.arch.Parameterization.NTK);
    }

    private static Activation activation(String name) {
        if (name.equals("tanh")) return org.ntk4j.arch.activation.Numerical.builtin("tanh", 25);
        return (Activation) ArchParser.parse("Dense(1,W_std=1)->" + name + "->Dense(1,W_std=1)")
                .layers()
                .get(1);
    }

    private static String entry(int e) {
        return e == 0 ? "(a,a)" : "(a,b)";
    }

    /** Mean, its SE, variance, its SE (from the fourth central moment) of entry e over the samples. */
    static double[] stats(double[][] xs, int e) {
        int n = xs.length;
        double m = 0;
        for (double[] x : xs) m += x[e];
        m /= n;
        double m2 = 0, m4 = 0;
        for (double[] x : xs) {
            double d = x[e] - m;
            m2 += d * d;
            m4 += d * d * d * d;
        }
        m2 /= n;
        m4 /= n;
        double var = m2 * n / (n - 1);
        return new double[] {m, Math.sqrt(var / n), var, Math.sqrt(Math.max(m4 - m2 * m2, 0) / n)};
    }

    /** Weighted least squares y ≈ a + b·x, weights 1/se²: {a, b, se(a), se(b)}. */
    static double[] fit(double[] x, double[] y, double[] se) {
        double s = 0, sx = 0, sxx = 0, sy = 0, sxy = 0;
        for (int i = 0; i < x.length; i++) {
            double w = 1 / (se[i] * se[i]);
            s += w;
            sx += w * x[i];
            sxx += w * x[i] * x[i];
            sy += w * y[i];
            sxy += w * x[i] * y[i];
        }
        double det = s * sxx - sx * sx;
        return new double[] {
            (sxx * sy - sx * sxy) / det, (s * sxy - sx * sy) / det, Math.sqrt(sxx / det), Math.sqrt(s / det)
        };
    }
}
