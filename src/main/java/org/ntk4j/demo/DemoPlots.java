package org.ntk4j.demo;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.ntk4j.plot.Charts;

/**
 * The demo's PNG plots (XChart, rendered headless): the policies ordered by proxy mean with the
 * ±2σ band, the true utility, the prior and each policy distribution; the Goodhart curve; and the
 * coverage study's ε against what it bounds, with the fractions of worlds where the bounds held.
 */
public final class DemoPlots {
    private static final Color PROXY = new Color(31, 119, 180);
    private static final Color BAND = new Color(31, 119, 180, 90);
    private static final Color TRUE = new Color(214, 39, 40);
    private static final Color PRIOR = new Color(110, 110, 110);
    private static final Color MAXIMIN = new Color(44, 160, 44);
    private static final Color LOWER = new Color(148, 103, 189);
    private static final Color QUANT = new Color(255, 127, 14);
    private static final Color ARGMAX = Color.BLACK;

    private DemoPlots() {}

    static {
        System.setProperty("java.awt.headless", "true");
    }

    /** policies.png: two panels over policies sorted by proxy mean U. */
    public static byte[] policies(SeedRun run) {
        double[] u = run.proxy();
        int n = u.length;
        Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(i -> u[i]));
        int argRank = indexOfOne(run.distributions().get("argmax"), order);
        return png(List.of(utilityPanel(run, order, argRank), massPanel(run, order, argRank)), 2, 1);
    }

    /** Top panel: U with its ±2σ band and the hidden V at each rank, the argmax marked. */
    private static XYChart utilityPanel(SeedRun run, Integer[] order, int argRank) {
        double[] u = run.proxy(), sd = run.sd(), v = run.world().trueUtility();
        int n = u.length;
        double[] rank = new double[n], us = new double[n], hi = new double[n], lo = new double[n], vs = new double[n];
        for (int k = 0; k < n; k++) {
            int i = order[k];
            rank[k] = k;
            us[k] = u[i];
            hi[k] = u[i] + 2 * sd[i];
            lo[k] = u[i] - 2 * sd[i];
            vs[k] = v[i];
        }
        XYChart top = base(
                "Policies ordered by proxy utility U (NTK posterior mean), seed " + run.seed(),
                "policy rank by U",
                "utility");
        Charts.scatter(top, "U ± 2σ (posterior band)", concat(rank, rank), concat(hi, lo), BAND);
        Charts.line(top, "proxy U (posterior mean)", rank, us, PROXY, 2.5f);
        Charts.scatter(top, "true utility V (hidden)", rank, vs, TRUE);
        // the frame fits the band and V: a hand-picked model's band reaches far above 1, a fitted one's does not
        double ymin = Math.min(min(lo), min(vs)) - 0.1, ymax = Math.max(max(hi), max(vs)) + 0.1;
        Charts.line(top, "argmax", new double[] {argRank, argRank}, new double[] {ymin, ymax}, ARGMAX, 1.5f);
        top.getStyler().setYAxisMin(ymin).setYAxisMax(ymax).setMarkerSize(3);
        return top;
    }

    /**
     * Bottom panel: the prior's and each method's mass per bin of ranks. Per-policy probabilities
     * interleave wildly when sorted by U; mass per bin of ranks reads better.
     */
    private static XYChart massPanel(SeedRun run, Integer[] order, int argRank) {
        int n = order.length;
        int bins = Math.min(60, n), width = (n + bins - 1) / bins;
        double[] centre = new double[bins];
        for (int b = 0; b < bins; b++) centre[b] = Math.min(n - 1, b * width + (width - 1) / 2.0);
        XYChart bottom = base(
                "Probability mass per bin of " + width + " consecutive policies (by U rank)",
                "policy rank by U",
                "mass in bin");
        String[] names = {"maximin", "maximin_posterior", "maximin_lower_band", GoodhartDemo.quantilizerName(0.1)};
        Color[] colors = {MAXIMIN, PROXY, LOWER, QUANT};
        double[] gb = binned(sorted(run.world().prior().weights(), order), bins, width);
        double pmax = max(gb);
        Charts.line(bottom, "prior γ", centre, gb, PRIOR, 2.5f);
        for (int k = 0; k < names.length; k++) {
            double[] p = run.distributions().get(names[k]);
            if (p == null) continue;
            double[] pb = binned(sorted(p, order), bins, width);
            pmax = Math.max(pmax, max(pb));
            Charts.line(bottom, label(names[k], run), centre, pb, colors[k], 2f);
        }
        Charts.line(
                bottom,
                "argmax (all mass on one policy)",
                new double[] {argRank, argRank},
                new double[] {0, 1.05 * pmax},
                ARGMAX,
                1.5f);
        bottom.getStyler().setYAxisMin(0.0).setYAxisMax(1.05 * pmax);
        return bottom;
    }

    /** goodhart.png: E[V] and E[U] of the q-quantilizer against q (log axis), maximin marked. */
    public static byte[] goodhart(SeedRun run) {
        GoodhartCurve c = run.curve();
        XYChart ch = base(
                "Goodhart curve: the q-quantilizer on the proxy, seed " + run.seed(),
                "q (kept prior mass, log scale)",
                "expected utility");
        ch.getStyler().setXAxisLogarithmic(true);
        Charts.line(ch, "proxy E[U] (what the agent expects)", c.q(), c.proxyUtility(), PROXY, 2.5f);
        Charts.line(ch, "true E[V] (what it gets)", c.q(), c.trueUtility(), TRUE, 2.5f);
        double lo = Math.min(min(c.trueUtility()), c.guaranteed()) - 0.05;
        double hi = Math.max(max(c.proxyUtility()), max(c.trueUtility())) + 0.05;
        // the lower bound E_Q U − ε/q plunges to −∞ as q → 0: draw only the part inside the frame
        double[] q = c.q(), lb = c.lowerBound();
        int first = 0;
        while (first < q.length && lb[first] < lo) first++;
        if (first < q.length)
            Charts.line(
                    ch,
                    "guaranteed E[U] − ε/q",
                    Arrays.copyOfRange(q, first, q.length),
                    Arrays.copyOfRange(lb, first, q.length),
                    PRIOR,
                    1.5f);
        Charts.line(
                ch,
                String.format(Locale.ROOT, "maximin q* = %.3f", c.qStar()),
                new double[] {c.qStar(), c.qStar()},
                new double[] {lo, hi},
                MAXIMIN,
                1.5f);
        XYSeries level = ch.addSeries(
                String.format(Locale.ROOT, "guaranteed value t* = %.3f", c.guaranteed()),
                new double[] {q[0], c.qStar()},
                new double[] {c.guaranteed(), c.guaranteed()});
        level.setMarker(SeriesMarkers.NONE);
        level.setLineColor(MAXIMIN);
        level.setLineStyle(
                new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        XYSeries pt = ch.addSeries("maximin (q*, t*)", new double[] {c.qStar()}, new double[] {c.guaranteed()});
        pt.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        pt.setMarker(SeriesMarkers.DIAMOND);
        pt.setMarkerColor(MAXIMIN);
        ch.getStyler().setYAxisMin(lo).setYAxisMax(hi).setMarkerSize(12);
        return png(List.of(ch), 1, 1);
    }

    /**
     * coverage.png: top, ε against the true E_γ|U − V| per world and method (log-log; a point above the
     * diagonal is a covered world); bottom, per method the fraction of worlds where ε covered and where
     * the maximin's guarantee held, ± one binomial standard error, with the nominal 1 − δ.
     */
    public static byte[] coverage(CoverageResult c) {
        XYChart top = base(
                "ε against what it bounds, one point per world (above the diagonal: ε covered)",
                "true E_γ|U − V| (log scale)",
                "ε (log scale)");
        top.getStyler().setXAxisLogarithmic(true).setYAxisLogarithmic(true).setMarkerSize(6);
        Color[] colors = {QUANT, MAXIMIN, TRUE};
        double lo = Double.POSITIVE_INFINITY, hi = 0;
        for (int k = 0; k < CoverageResult.METHODS.size(); k++) {
            String m = CoverageResult.METHODS.get(k);
            int n = c.worlds().size();
            double[] x = new double[n], y = new double[n];
            for (int w = 0; w < n; w++) {
                CoverageResult.Bound b = c.worlds().get(w).bound(m);
                // a log axis needs positive values; an exact zero (impossible in practice) is drawn at the floor
                x[w] = Math.max(b.trueMeanAbsError(), 1e-12);
                y[w] = Math.max(b.epsilon(), 1e-12);
                lo = Math.min(lo, Math.min(x[w], y[w]));
                hi = Math.max(hi, Math.max(x[w], y[w]));
            }
            Charts.scatter(top, m, x, y, colors[k]);
        }
        Charts.line(top, "ε = E_γ|U − V|", new double[] {lo, hi}, new double[] {lo, hi}, ARGMAX, 1.5f);

        int n = c.worlds().size();
        CategoryChart bottom = new CategoryChartBuilder()
                .width(1100)
                .height(520)
                .title(String.format(Locale.ROOT, "How often the bounds held over %d worlds (± 1 binomial SE)", n))
                .xAxisTitle("ε from")
                .yAxisTitle("fraction of worlds")
                .build();
        org.knowm.xchart.style.CategoryStyler cs = bottom.getStyler();
        cs.setLegendPosition(Styler.LegendPosition.OutsideE);
        cs.setChartBackgroundColor(Color.WHITE);
        cs.setPlotGridLinesColor(new Color(225, 225, 225));
        cs.setYAxisMin(0.0).setYAxisMax(1.05);
        cs.setErrorBarsColorSeriesColor(true);
        List<String> names = CoverageResult.METHODS;
        List<Double> cov = new ArrayList<>(),
                covSe = new ArrayList<>(),
                held = new ArrayList<>(),
                heldSe = new ArrayList<>();
        List<Double> nominal = new ArrayList<>();
        for (String m : names) {
            int kc = c.epsilonCovered(m), kh = c.guaranteeHeld(m);
            cov.add(kc / (double) n);
            covSe.add(CoverageResult.standardError(kc, n));
            held.add(kh / (double) n);
            heldSe.add(CoverageResult.standardError(kh, n));
            nominal.add(1 - c.config().delta());
        }
        bottom.addSeries("ε ≥ E_γ|U − V|", names, cov, covSe).setFillColor(PROXY);
        bottom.addSeries("t* ≤ E_p*[V]", names, held, heldSe).setFillColor(MAXIMIN);
        CategorySeries nom = bottom.addSeries(
                String.format(Locale.ROOT, "nominal 1 − δ = %s", 1 - c.config().delta()), names, nominal);
        nom.setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line);
        nom.setMarker(SeriesMarkers.NONE);
        nom.setLineColor(ARGMAX);
        nom.setLineStyle(
                new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        return png(List.of(top, bottom), 2, 1);
    }

    private static String label(String name, SeedRun run) {
        MethodResult m = run.result(name);
        return String.format(Locale.ROOT, "%s (q = %.3g)", name, m.q());
    }

    private static XYChart base(String title, String x, String y) {
        return Charts.xy(title, x, y, 1100, 520);
    }

    private static byte[] png(List<? extends Chart<?, ?>> charts, int rows, int cols) {
        return Charts.png(charts, rows, cols, "a demo plot");
    }

    private static double[] binned(double[] a, int bins, int width) {
        double[] b = new double[bins];
        for (int k = 0; k < a.length; k++) b[Math.min(bins - 1, k / width)] += a[k];
        return b;
    }

    private static double[] concat(double[] a, double[] b) {
        double[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static double[] sorted(double[] a, Integer[] order) {
        double[] s = new double[a.length];
        for (int k = 0; k < a.length; k++) s[k] = a[order[k]];
        return s;
    }

    private static int indexOfOne(double[] p, Integer[] order) {
        for (int k = 0; k < order.length; k++) if (p[order[k]] == 1) return k;
        return order.length - 1;
    }

    private static double min(double[] a) {
        double m = Double.POSITIVE_INFINITY;
        for (double x : a) m = Math.min(m, x);
        return m;
    }

    private static double max(double[] a) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : a) m = Math.max(m, x);
        return m;
    }
}
