package org.ntk4j.demo;

import java.awt.BasicStroke;
import java.awt.Color;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
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
    /** Where, as a fraction of the mass panel's height, the argmax's marker and note sit. */
    private static final double ARGMAX_MARK = 0.95;

    private DemoPlots() {}

    static {
        System.setProperty("java.awt.headless", "true");
    }

    /** policies.png: two panels over policies sorted by proxy mean U ({@link #policyCharts}). */
    public static byte[] policies(SeedRun run) {
        return png(policyCharts(run), 2, 1);
    }

    /** policies.png's two panels, before rendering: the utilities by U rank, and the mass per bin of ranks. */
    static List<XYChart> policyCharts(SeedRun run) {
        double[] u = run.proxy();
        int n = u.length;
        Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(i -> u[i]));
        int argRank = indexOfOne(run.distributions().get("argmax"), order);
        return List.of(utilityPanel(run, order, argRank), massPanel(run, order, argRank));
    }

    /** Top panel: U with its ±2σ band and the hidden V at each rank, the argmax's rank marked. */
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
        // one shaded area drawn first, so that U and V stay visible on top of it; its edges are ragged
        // because neighbours in U rank can lie far apart in feature space, with different σ
        Charts.band(top, "U ± 2σ (posterior band)", rank, lo, hi, BAND);
        Charts.line(top, "proxy U (posterior mean)", rank, us, PROXY, 2.5f);
        Charts.scatter(top, "true utility V (hidden)", rank, vs, TRUE);
        // the frame covers the whole band and every V, with a margin: nothing is cut
        double[] frame = padded(Math.min(min(lo), min(vs)), Math.max(max(hi), max(vs)));
        Charts.dashed(
                top,
                "argmax: the policy with the largest U (rank " + argRank + ")",
                new double[] {argRank, argRank},
                frame,
                ARGMAX,
                1.5f);
        top.getStyler().setYAxisMin(frame[0]).setYAxisMax(frame[1]).setMarkerSize(3);
        rankAxis(top, n);
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
        // headroom above the highest curve for the argmax's mark, which must not sit on any curve
        double top = 1.25 * pmax;
        // argmax puts mass 1 on a single policy: a line up to 1 would squash every other curve, and one cut at
        // the frame would read as a mass of `top`. So, unless 1 fits the frame (then it is drawn where it is),
        // its place is marked, pointing up out of the frame, and its mass is said in words instead of drawn.
        boolean onScale = top >= 1;
        double markY = onScale ? 1 : ARGMAX_MARK * top;
        Charts.points(
                bottom,
                "argmax: all its mass (1) on the one policy of rank " + argRank
                        + (onScale ? "" : ", far above this scale"),
                new double[] {argRank},
                new double[] {markY},
                ARGMAX,
                SeriesMarkers.TRIANGLE_UP);
        if (!onScale)
            bottom.addAnnotation(new AnnotationText("argmax: mass 1 here ↑", argRank - 0.09 * n, markY, false));
        bottom.getStyler().setAnnotationTextFont(bottom.getStyler().getLegendFont());
        bottom.getStyler().setYAxisMin(0.0).setYAxisMax(top).setMarkerSize(11);
        rankAxis(bottom, n);
        return bottom;
    }

    /** goodhart.png: the Goodhart curve with the table's points ({@link #goodhartChart}). */
    public static byte[] goodhart(SeedRun run) {
        return png(List.of(goodhartChart(run)), 1, 1);
    }

    /**
     * goodhart.png's chart, before rendering: E[V] and E[U] of the q-quantilizer against q (log axis),
     * the bound E_Q U − ε/q, the maximin's q* and t*; and this seed's values of the table's rows
     * that are not already marked and live on the q axis — argmax (at q = γ of its policy) and the
     * fixed-q quantilizers — so that the table and the curve can be read against each other.
     */
    static XYChart goodhartChart(SeedRun run) {
        GoodhartCurve c = run.curve();
        XYChart ch = base(
                "Goodhart curve: the q-quantilizer on the proxy, seed " + run.seed(),
                "q (kept prior mass, log scale)",
                "expected utility");
        // outside the frame: inside, any corner lies on a curve for some seed (the proxy starts top left)
        ch.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        ch.getStyler().setXAxisLogarithmic(true);
        Charts.line(ch, "proxy E[U] (what the agent expects)", c.q(), c.proxyUtility(), PROXY, 2.5f);
        Charts.line(ch, "true E[V] (what it gets)", c.q(), c.trueUtility(), TRUE, 2.5f);
        TablePoints rows = TablePoints.of(run);
        double[] q = c.q(), lb = c.lowerBound();
        // the frame covers every curve and point; of the lower bound E_Q U − ε/q, which plunges to −∞ as q → 0,
        // it covers the right end (q = 1: E_γ U − ε) and what lies above it, and the legend says the rest is cut
        double lo = Math.min(Math.min(min(c.trueUtility()), c.guaranteed()), Math.min(rows.lowest(), lb[q.length - 1]))
                - 0.05;
        double hi = Math.max(Math.max(max(c.proxyUtility()), max(c.trueUtility())), rows.highest()) + 0.05;
        int first = 0;
        while (first < q.length && lb[first] < lo) first++;
        if (first < q.length)
            Charts.line(
                    ch,
                    "guaranteed E[U] − ε/q (below the frame as q → 0)",
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
        Charts.dashed(
                ch,
                String.format(Locale.ROOT, "guaranteed value t* = %.3f", c.guaranteed()),
                new double[] {Math.min(q[0], rows.argmaxQ()), c.qStar()},
                new double[] {c.guaranteed(), c.guaranteed()},
                MAXIMIN,
                1.5f);
        Charts.points(
                ch,
                "maximin (q*, t*)",
                new double[] {c.qStar()},
                new double[] {c.guaranteed()},
                MAXIMIN,
                SeriesMarkers.DIAMOND);
        rows.draw(ch);
        ch.getStyler().setYAxisMin(lo).setYAxisMax(hi).setMarkerSize(10);
        Charts.tickFormat(ch, 2, false, 74);
        return ch;
    }

    /**
     * One seed's values of the table rows argmax (q = γ of its policy) and the fixed-q quantilizers:
     * true E[V] and proxy E[U] of each.
     */
    private record TablePoints(MethodResult argmax, List<MethodResult> quantilizers) {
        static TablePoints of(SeedRun run) {
            List<MethodResult> qs = run.results().stream()
                    .filter(m -> GoodhartDemo.isQuantilizer(m.name()))
                    .toList();
            return new TablePoints(run.result("argmax"), qs);
        }

        double argmaxQ() {
            return argmax.q();
        }

        double lowest() {
            return all().mapToDouble(m -> Math.min(m.trueUtility(), m.proxyUtility()))
                    .min()
                    .orElseThrow();
        }

        double highest() {
            return all().mapToDouble(m -> Math.max(m.trueUtility(), m.proxyUtility()))
                    .max()
                    .orElseThrow();
        }

        private java.util.stream.Stream<MethodResult> all() {
            return java.util.stream.Stream.concat(quantilizers.stream(), java.util.stream.Stream.of(argmax));
        }

        /**
         * Filled markers at true E[V] (red), crosses at proxy E[U] (blue): where the two coincide the cross
         * sits on the marker and both stay visible. Squares for the quantilizers, triangles for argmax.
         */
        void draw(XYChart ch) {
            String qs = quantilizers.stream()
                    .map(m -> BigDecimal.valueOf(m.q())
                            .round(new MathContext(3))
                            .stripTrailingZeros()
                            .toPlainString())
                    .collect(Collectors.joining(", "));
            double[] x = quantilizers.stream().mapToDouble(MethodResult::q).toArray();
            Charts.points(
                    ch,
                    "table: quantilizers q = " + qs + ", E[V]",
                    x,
                    quantilizers.stream().mapToDouble(MethodResult::trueUtility).toArray(),
                    TRUE,
                    SeriesMarkers.SQUARE);
            Charts.points(
                    ch,
                    "table: argmax (q = γ(π) = " + String.format(Locale.ROOT, "%.2g", argmax.q()) + "), E[V]",
                    new double[] {argmax.q()},
                    new double[] {argmax.trueUtility()},
                    TRUE,
                    SeriesMarkers.TRIANGLE_UP);
            Charts.points(
                    ch,
                    "table: quantilizers and argmax, E[U]",
                    append(x, argmax.q()),
                    append(
                            quantilizers.stream()
                                    .mapToDouble(MethodResult::proxyUtility)
                                    .toArray(),
                            argmax.proxyUtility()),
                    PROXY,
                    SeriesMarkers.CROSS);
        }
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

    /** The rank axis of policies.png's panels: 0 to n − 1 with a margin, so the argmax's rank is not on the frame. */
    private static void rankAxis(XYChart ch, int n) {
        double margin = 0.01 * n;
        ch.getStyler().setXAxisMin(-margin).setXAxisMax(n - 1 + margin);
        Charts.tickFormat(ch, 2, true, 90);
    }

    /** [lo, hi] widened by 5 % of its span on each side. */
    private static double[] padded(double lo, double hi) {
        double m = 0.05 * (hi - lo);
        return new double[] {lo - m, hi + m};
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

    private static double[] append(double[] a, double x) {
        double[] c = Arrays.copyOf(a, a.length + 1);
        c[a.length] = x;
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
