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
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The one look of ntk4j's plots (xchart): white background, light grid, legend top left; line and
 * scatter series; charts rendered to PNG bytes for an atomic write. Internal: used by the demo's and
 * the {@code calibrate} command's figures.
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

    /** A scatter series of circles. */
    public static XYSeries scatter(XYChart ch, String name, double[] x, double[] y, Color c) {
        XYSeries s = ch.addSeries(name, x, y);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setMarkerColor(c);
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
