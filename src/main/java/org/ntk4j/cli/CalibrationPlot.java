package org.ntk4j.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.ntk4j.calibration.Calibrate;
import org.ntk4j.calibration.Calibration;
import org.ntk4j.plot.Charts;

/**
 * calibration.png (XChart, rendered headless): beside each other, the reliability diagram — the
 * observed coverage of the central predictive intervals against their nominal level, for y and, when
 * known, f; on the diagonal when calibrated, below it when the intervals are too narrow — and the
 * histogram of y's PIT values as a density (1 everywhere when calibrated).
 */
final class CalibrationPlot {
    private static final Color Y = new Color(31, 119, 180);
    private static final Color Y_FILL = new Color(31, 119, 180, 110);
    private static final Color F = new Color(214, 39, 40);
    private static final Color IDEAL = new Color(110, 110, 110);
    /** Nominal levels of the reliability curve: 0, 0.02, ..., 1. */
    private static final int STEPS = 50;
    /** Bins of the PIT histogram (20: about 100 values per bin at m = 2000). */
    private static final int BINS = 20;

    private CalibrationPlot() {}

    static {
        System.setProperty("java.awt.headless", "true");
    }

    /** The two panels as one PNG. */
    static byte[] png(Calibration c, String title) {
        List<XYChart> charts = List.of(reliability(c, title), pitHistogram(c));
        return Charts.png(charts, 1, charts.size(), "calibration.png");
    }

    private static XYChart reliability(Calibration c, String title) {
        XYChart ch = Charts.xy(
                "Reliability: " + title, "nominal level of the central interval", "observed coverage", 640, 560);
        double[] p = new double[STEPS + 1], y = new double[STEPS + 1], f = new double[STEPS + 1];
        for (int s = 0; s <= STEPS; s++) {
            p[s] = (double) s / STEPS;
            y[s] = c.coverage(p[s]);
            if (c.hasLatent()) f[s] = c.latentCoverage(p[s]);
        }
        XYSeries ideal = Charts.line(ch, "calibrated", new double[] {0, 1}, new double[] {0, 1}, IDEAL, 1.5f);
        ideal.setLineStyle(
                new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        Charts.line(ch, "y (posterior variance + noise)", p, y, Y, 2.5f);
        if (c.hasLatent()) Charts.line(ch, "f (posterior variance)", p, f, F, 2.5f);
        double[] levels =
                Calibrate.LEVELS.stream().mapToDouble(Double::doubleValue).toArray();
        double[] observed = c.pooled().coverage().fractions().stream()
                .mapToDouble(Double::doubleValue)
                .toArray();
        XYSeries pts = ch.addSeries("y at the reported levels", levels, observed);
        pts.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        pts.setMarker(SeriesMarkers.CIRCLE);
        pts.setMarkerColor(Y);
        ch.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0);
        return ch;
    }

    /** The PIT histogram as a density outline (area = 1), the uniform density 1 for reference. */
    private static XYChart pitHistogram(Calibration c) {
        long[] h = c.pitHistogram(BINS);
        long total = 0;
        for (long v : h) total += v;
        double[] x = new double[2 * BINS + 2], d = new double[2 * BINS + 2];
        double top = 1;
        for (int b = 0; b < BINS; b++) {
            double density = (double) h[b] * BINS / total;
            top = Math.max(top, density);
            x[2 * b + 1] = (double) b / BINS;
            x[2 * b + 2] = (double) (b + 1) / BINS;
            d[2 * b + 1] = density;
            d[2 * b + 2] = density;
        }
        x[2 * BINS + 1] = 1;
        XYChart ch = Charts.xy("PIT histogram of y: Φ((y − mean)/sd)", "PIT value", "density", 640, 560);
        XYSeries s = ch.addSeries("y (" + total + " values)", x, d);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(Y);
        s.setFillColor(Y_FILL);
        Charts.line(ch, "uniform (calibrated)", new double[] {0, 1}, new double[] {1, 1}, IDEAL, 1.5f);
        ch.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.1 * top);
        return ch;
    }
}
