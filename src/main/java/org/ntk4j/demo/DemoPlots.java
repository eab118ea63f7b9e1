package org.ntk4j.demo;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The demo's PNG plots (XChart, rendered headless): the policies ordered by proxy mean with the
 * ±2σ band, the true utility, the prior and each policy distribution; and the Goodhart curve.
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
        double[] u = run.proxy(), sd = run.sd(), v = run.world().trueUtility(), g = run.world().prior().weights();
        int n = u.length;
        Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(i -> u[i]));
        double[] rank = new double[n], us = new double[n], hi = new double[n], lo = new double[n], vs = new double[n];
        for (int k = 0; k < n; k++) {
            int i = order[k];
            rank[k] = k;
            us[k] = u[i];
            hi[k] = u[i] + 2 * sd[i];
            lo[k] = u[i] - 2 * sd[i];
            vs[k] = v[i];
        }
        int argRank = indexOfOne(run.distributions().get("argmax"), order);

        XYChart top = base("Policies ordered by proxy utility U (NTK posterior mean), seed " + run.seed(),
            "policy rank by U", "utility");
        line(top, "U + 2σ", rank, hi, BAND, 1f);
        line(top, "U − 2σ", rank, lo, BAND, 1f);
        line(top, "proxy U (posterior mean)", rank, us, PROXY, 2.5f);
        scatter(top, "true utility V (hidden)", rank, vs, TRUE, 3);
        double ymin = Math.max(-1.0, min(lo)), ymax = Math.min(3.0, max(hi));
        line(top, "argmax", new double[] {argRank, argRank}, new double[] {ymin, ymax}, ARGMAX, 1.5f);
        top.getStyler().setYAxisMin(ymin).setYAxisMax(ymax);

        XYChart bottom = base("Prior and policy distributions (argmax is a point mass at the black line)",
            "policy rank by U", "probability");
        double pmax = 0;
        String[] names = {"maximin", "maximin_lower_band", GoodhartDemo.quantilizerName(0.1)};
        Color[] colors = {MAXIMIN, LOWER, QUANT};
        scatter(bottom, "prior γ", rank, sorted(g, order), PRIOR, 3);
        for (double x : g) pmax = Math.max(pmax, x);
        for (int s = 0; s < names.length; s++) {
            double[] p = run.distributions().get(names[s]);
            if (p == null) continue;
            double[] ps = sorted(p, order);
            pmax = Math.max(pmax, max(ps));
            scatter(bottom, label(names[s], run), rank, ps, colors[s], 3);
        }
        line(bottom, "argmax (p = 1)", new double[] {argRank, argRank}, new double[] {0, 1.05 * pmax}, ARGMAX, 1.5f);
        bottom.getStyler().setYAxisMin(0.0).setYAxisMax(1.05 * pmax);
        return png(List.of(top, bottom), 2, 1);
    }

    /** goodhart.png: E[V] and E[U] of the q-quantilizer against q (log axis), maximin marked. */
    public static byte[] goodhart(SeedRun run) {
        GoodhartCurve c = run.curve();
        XYChart ch = base("Goodhart curve: the q-quantilizer on the proxy, seed " + run.seed(),
            "q (kept prior mass, log scale)", "expected utility");
        ch.getStyler().setXAxisLogarithmic(true);
        line(ch, "proxy E[U] (what the agent expects)", c.q(), c.proxyUtility(), PROXY, 2.5f);
        line(ch, "true E[V] (what it gets)", c.q(), c.trueUtility(), TRUE, 2.5f);
        double[] lb = c.lowerBound();
        double lo = Math.min(min(c.trueUtility()), c.guaranteed()) - 0.05;
        double[] clipped = lb.clone();
        for (int k = 0; k < clipped.length; k++) clipped[k] = Math.max(clipped[k], lo);
        line(ch, "guaranteed E[U] − ε/q (clipped)", c.q(), clipped, PRIOR, 1.5f);
        double hi = Math.max(max(c.proxyUtility()), max(c.trueUtility())) + 0.05;
        line(ch, String.format(Locale.ROOT, "maximin q* = %.3f", c.qStar()), new double[] {c.qStar(), c.qStar()},
            new double[] {lo, hi}, MAXIMIN, 1.5f);
        XYSeries pt = ch.addSeries(String.format(Locale.ROOT, "guaranteed value t* = %.3f", c.guaranteed()),
            new double[] {c.qStar()}, new double[] {c.guaranteed()});
        pt.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        pt.setMarker(SeriesMarkers.DIAMOND);
        pt.setMarkerColor(MAXIMIN);
        ch.getStyler().setYAxisMin(lo).setYAxisMax(hi);
        return png(List.of(ch), 1, 1);
    }

    private static String label(String name, SeedRun run) {
        MethodResult m = run.result(name);
        return String.format(Locale.ROOT, "%s (q = %.3g)", name, m.q());
    }

    private static XYChart base(String title, String x, String y) {
        XYChart ch = new XYChartBuilder().width(1100).height(520).title(title).xAxisTitle(x).yAxisTitle(y).build();
        org.knowm.xchart.style.XYStyler st = ch.getStyler();
        st.setLegendPosition(Styler.LegendPosition.InsideNW);
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotGridLinesColor(new Color(225, 225, 225));
        st.setLegendBackgroundColor(new Color(255, 255, 255, 220));
        ch.getStyler().setMarkerSize(3);
        return ch;
    }

    private static void line(XYChart ch, String name, double[] x, double[] y, Color c, float width) {
        XYSeries s = ch.addSeries(name, x, y);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(c);
        s.setLineStyle(new BasicStroke(width));
    }

    private static void scatter(XYChart ch, String name, double[] x, double[] y, Color c, int size) {
        XYSeries s = ch.addSeries(name, x, y);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setMarkerColor(c);
    }

    private static byte[] png(List<XYChart> charts, int rows, int cols) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            if (charts.size() == 1) out.write(BitmapEncoder.getBitmapBytes(charts.get(0), BitmapEncoder.BitmapFormat.PNG));
            else BitmapEncoder.saveBitmap(charts, rows, cols, out, BitmapEncoder.BitmapFormat.PNG);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("rendering a plot failed", e);
        }
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

    private static double min(double[] a) { double m = Double.POSITIVE_INFINITY; for (double x : a) m = Math.min(m, x); return m; }
    private static double max(double[] a) { double m = Double.NEGATIVE_INFINITY; for (double x : a) m = Math.max(m, x); return m; }
}
