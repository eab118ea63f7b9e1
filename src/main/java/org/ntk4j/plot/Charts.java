package org.ntk4j.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The one look of ntk4j's plots (xchart): white background, light grid, legend top left; line,
 * dashed-line, scatter and shaded-band series, fixed tick-label formats; charts rendered to PNG bytes
 * for an atomic write. Internal: used by the demo's and the {@code calibrate} command's figures.
 */
public final class Charts {
    private Charts() {}

    /** An empty XY chart of {@code width}×{@code height} pixels with the project's style. */
    public static XYChart xy(String title, String xAxis, String yAxis, int width, int height) {
        XYChart ch = new XYChartBuilder()
                .width(width)
                .height(height)
                .title(title)
                .xAxisTitle(xAxis)
                .yAxisTitle(yAxis)
                .build();
        XYStyler st = ch.getStyler();
        st.setLegendPosition(Styler.LegendPosition.InsideNW);
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotGridLinesColor(new Color(225, 225, 225));
        st.setLegendBackgroundColor(new Color(255, 255, 255, 220));
        return ch;
    }

    /** A line series without markers. */
    public static XYSeries line(XYChart ch, String name, double[] x, double[] y, Color c, float width) {
        XYSeries s = ch.addSeries(name, x, y);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(c);
        s.setLineStyle(new BasicStroke(width));
        return s;
    }

    /**
     * A shaded band between {@code lo} and {@code hi} over {@code x}: one closed polygon (along
     * {@code hi}, back along {@code lo}) filled with {@code fill} and no outline, so that a line drawn
     * after it stays on top and visible through it.
     *
     * @throws IllegalArgumentException when the three arrays differ in length
     */
    public static XYSeries band(XYChart ch, String name, double[] x, double[] lo, double[] hi, Color fill) {
        int n = x.length;
        if (lo.length != n || hi.length != n)
            throw new IllegalArgumentException("band " + name + ": x, lo and hi differ in length (" + n + ", "
                    + lo.length + ", " + hi.length + ")");
        double[] px = new double[2 * n], py = new double[2 * n];
        for (int k = 0; k < n; k++) {
            px[k] = x[k];
            py[k] = hi[k];
            px[2 * n - 1 - k] = x[k];
            py[2 * n - 1 - k] = lo[k];
        }
        XYSeries s = ch.addSeries(name, px, py);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
        s.setMarker(SeriesMarkers.NONE);
        s.setFillColor(fill);
        s.setLineColor(fill);
        s.setLineStyle(new BasicStroke(0f));
        return s;
    }

    /**
     * Tick labels with a fixed format: {@code yDecimals} decimals on the y axis (so that 0.05 and 0.25
     * read alike; XChart's default drops the leading zero on some ticks and not others) and plain
     * integers on the x axis when {@code integerX} (no thousands separator, which made labels such as
     * "1,050" collide), with at least {@code xTickPixels} between x ticks.
     */
    public static void tickFormat(XYChart ch, int yDecimals, boolean integerX, int xTickPixels) {
        XYStyler st = ch.getStyler();
        st.setYAxisDecimalPattern(yDecimals == 0 ? "0" : "0." + "0".repeat(yDecimals));
        if (integerX) st.setXAxisDecimalPattern("0");
        st.setXAxisTickMarkSpacingHint(xTickPixels);
    }

    /** A scatter series of circles. */
    public static XYSeries scatter(XYChart ch, String name, double[] x, double[] y, Color c) {
        return points(ch, name, x, y, c, SeriesMarkers.CIRCLE);
    }

    /** A scatter series with the given marker (e.g. {@link SeriesMarkers#SQUARE}). */
    public static XYSeries points(XYChart ch, String name, double[] x, double[] y, Color c, Marker marker) {
        XYSeries s = ch.addSeries(name, x, y);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        s.setMarker(marker);
        s.setMarkerColor(c);
        return s;
    }

    /** A dashed line series without markers (reference levels and positions, not data). */
    public static XYSeries dashed(XYChart ch, String name, double[] x, double[] y, Color c, float width) {
        XYSeries s = line(ch, name, x, y, c, width);
        s.setLineStyle(
                new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        return s;
    }

    /**
     * The charts as one PNG, on a grid of {@code rows}×{@code cols} (one chart: that chart alone).
     *
     * @param what names the figure in the exception if rendering fails
     */
    public static byte[] png(List<? extends Chart<?, ?>> charts, int rows, int cols, String what) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            if (charts.size() == 1)
                out.write(BitmapEncoder.getBitmapBytes(charts.get(0), BitmapEncoder.BitmapFormat.PNG));
            else
                BitmapEncoder.saveBitmap(
                        List.<Chart<?, ?>>copyOf(charts), rows, cols, out, BitmapEncoder.BitmapFormat.PNG);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("rendering " + what + " failed", e);
        }
    }
}
