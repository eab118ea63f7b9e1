package org.ntk4j.bench;

import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.ntk4j.plot.Charts;

/**
 * Plots a measured time-versus-n series (e.g. {@code benchmarks/spark/local_scaling.sh}'s table) with its
 * least-squares line t = a + b·n, so a reader sees whether the cost is linear in n, and prints a and b.
 *
 * <pre>benchmarks/bench.sh org.ntk4j.bench.ScalingPlot OUT.png "TITLE" n1:t1 n2:t2 ...</pre>
 */
public final class ScalingPlot {
    private ScalingPlot() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: ScalingPlot OUT.png TITLE n1:seconds1 n2:seconds2 [...] (at least two points)");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        int k = args.length - 2;
        double[] n = new double[k], t = new double[k];
        for (int i = 0; i < k; i++) {
            String[] p = args[i + 2].split(":");
            n[i] = Double.parseDouble(p[0]);
            t[i] = Double.parseDouble(p[1]);
        }
        double[] fit = leastSquaresLine(n, t);
        System.out.printf("t = %.4g s + %.4g s per row (%d points)%n", fit[0], fit[1], k);

        double nMax = java.util.Arrays.stream(n).max().orElseThrow();
        XYChart ch = Charts.xy(args[1], "training rows n", "wall time (s)", 800, 500);
        Charts.points(ch, "measured", n, t, new Color(0x1f77b4), org.knowm.xchart.style.markers.SeriesMarkers.CIRCLE);
        Charts.dashed(
                ch,
                String.format("least squares: %.0f s + %.3g s per 10⁶ rows", fit[0], fit[1] * 1e6),
                new double[] {0, nMax},
                new double[] {fit[0], fit[0] + fit[1] * nMax},
                Color.DARK_GRAY,
                1.5f);
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        Files.write(tmp, Charts.png(List.of(ch), 1, 1, "the scaling plot"));
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** {a, b} minimizing Σ (tᵢ − a − b·nᵢ)². */
    static double[] leastSquaresLine(double[] n, double[] t) {
        double mn = 0, mt = 0;
        for (int i = 0; i < n.length; i++) {
            mn += n[i] / n.length;
            mt += t[i] / n.length;
        }
        double sxy = 0, sxx = 0;
        for (int i = 0; i < n.length; i++) {
            sxy += (n[i] - mn) * (t[i] - mt);
            sxx += (n[i] - mn) * (n[i] - mn);
        }
        double b = sxy / sxx;
        return new double[] {mt - b * mn, b};
    }
}
