package org.ntk4j.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.text.ArchParser;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.predict.Get;
import org.ntk4j.predict.PredictOptions;
import org.ntk4j.predict.Regularization;
import org.ntk4j.solve.ScalablePredict;
import org.ntk4j.solve.Solved;
import org.ntk4j.solve.SolverKind;
import org.ntk4j.solve.SolverOptions;

/**
 * Issue 8's scale benchmark (benchmarks/scale/run.sh). Synthetic data with a known function:
 * x ~ N(0, I_16), f(x) = sin(u) + 0.5·cos(v) for two fixed unit-variance projections u, v of x (see {@link #f}),
 * y = f(x) + σ·ε with σ = 0.1. Architecture: 2-layer ReLU network (NTK parameterization).
 *
 * <pre>
 * run   N M SUB GET OUTCSV  — Nyström on N points with M centers, 1000 test points with variances;
 *                              then the exact solver on the first SUB training points (SUB = 0: skip);
 *                              appends a CSV line: n,M,sub,get,seconds,rmse_nystrom,rmse_exact_sub,sigma
 * plot  CSV PNG             — time vs n (log-log)
 * </pre>
 * RMSE is against the known f at the test points (no noise); λ = σ² absolute (the GP noise model).
 */
public final class ScaleBenchmark {
    static final String ARCH =
            "Dense(512,W_std=1.5,b_std=0.05)->Relu->Dense(512,W_std=1.5,b_std=0.05)->Relu->Dense(1,W_std=1.5,b_std=0.05)";
    static final int D = 16, TEST = 1000;
    static final double SIGMA = 0.1;

    static double f(double[] x, int off, int stride) {
        double u = 0, v = 0;
        for (int j = 0; j < D; j++) {
            double xj = x[off + j * stride];
            u += xj * ((j % 2 == 0) ? 1 : -1);
            v += xj * (j < D / 2 ? 1 : 0.5);
        }
        u /= Math.sqrt(D);
        v /= Math.sqrt(D * 0.625);
        return Math.sin(u) + 0.5 * Math.cos(v);
    }

    /** n×D inputs (column-major), seeded. */
    static Matrix inputs(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] x = new double[n * D];
        for (int i = 0; i < x.length; i++) x[i] = gauss(r);
        return Matrix.wrapColumnMajor(n, D, x);
    }

    static double gauss(SplittableRandom r) {
        double u = r.nextDouble(), v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }

    static double[] truth(Matrix x) {
        double[] cm = x.toColumnMajor(), t = new double[x.rows()];
        for (int i = 0; i < t.length; i++) t[i] = f(cm, i, x.rows());
        return t;
    }

    static Matrix head(Matrix x, int n) {
        double[] cm = x.toColumnMajor(), s = new double[n * x.cols()];
        for (int j = 0; j < x.cols(); j++) System.arraycopy(cm, j * x.rows(), s, j * n, n);
        return Matrix.wrapColumnMajor(n, x.cols(), s);
    }

    static double rmse(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (a[i] - b[i]) * (a[i] - b[i]);
        return Math.sqrt(s / a.length);
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("plot")) {
            plot(Path.of(args[1]), Path.of(args[2]));
            return;
        }
        int n = Integer.parseInt(args[1]), m = Integer.parseInt(args[2]), sub = Integer.parseInt(args[3]);
        Get get = Get.parse(args[4]);
        Path csv = Path.of(args[5]);
        Architecture arch = ArchParser.parse(ARCH);
        Matrix x = inputs(n, 1), xt = inputs(TEST, 2);
        double[] ft = truth(x), ftest = truth(xt), y = new double[n];
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < n; i++) y[i] = ft[i] + SIGMA * gauss(r);
        Matrix ym = Matrix.wrapColumnMajor(n, 1, y);
        PredictOptions po = PredictOptions.defaults().withRegularization(Regularization.absolute(SIGMA * SIGMA));
        long t0 = System.nanoTime();
        Solved s = ScalablePredict.gpInference(
                arch,
                x,
                ym,
                xt,
                get,
                po,
                SolverOptions.defaults().withSolver(SolverKind.NYSTROM).withCenters(m));
        double sec = (System.nanoTime() - t0) / 1e9;
        double rn = rmse(s.posterior().meanOf(0), ftest);
        double[] v = s.posterior().variances();
        double mv = 0;
        for (double q : v) mv += q / v.length;
        System.out.printf(
                Locale.ROOT,
                "nystrom n=%d M=%d get=%s: %.1f s, test RMSE vs f %.4f (sigma %.2f), mean variance %.4g; %s%n",
                n,
                m,
                get,
                sec,
                rn,
                SIGMA,
                mv,
                s.report().summary());
        double re = Double.NaN, rs = Double.NaN, secE = Double.NaN;
        if (sub > 0) {
            Matrix xs = head(x, Math.min(sub, n)), ys = head(ym, Math.min(sub, n));
            long t1 = System.nanoTime();
            Solved e = ScalablePredict.gpInference(
                    arch, xs, ys, xt, get, po, SolverOptions.defaults().withSolver(SolverKind.EXACT));
            secE = (System.nanoTime() - t1) / 1e9;
            re = rmse(e.posterior().meanOf(0), ftest);
            Solved ns = ScalablePredict.gpInference(
                    arch,
                    xs,
                    ys,
                    xt,
                    get,
                    po,
                    SolverOptions.defaults().withSolver(SolverKind.NYSTROM).withCenters(Math.min(m, sub)));
            rs = rmse(ns.posterior().meanOf(0), ftest);
            System.out.printf(
                    Locale.ROOT,
                    "subsample %d: exact %.1f s, test RMSE vs f %.4f; nystrom M=%d on the same subsample %.4f%n",
                    xs.rows(),
                    secE,
                    re,
                    Math.min(m, sub),
                    rs);
        }
        String line = String.format(
                Locale.ROOT,
                "%d,%d,%d,%s,%.2f,%.5f,%.5f,%.5f,%.2f,%.2f%n",
                n,
                m,
                sub,
                get,
                sec,
                rn,
                re,
                rs,
                secE,
                SIGMA);
        if (!Files.exists(csv))
            Files.writeString(
                    csv, "n,M,sub,get,seconds,rmse_nystrom,rmse_exact_sub,rmse_nystrom_sub,seconds_exact_sub,sigma\n");
        Files.writeString(csv, line, java.nio.file.StandardOpenOption.APPEND);
    }

    static void plot(Path csv, Path png) throws Exception {
        List<Double> ns = new ArrayList<>(), ts = new ArrayList<>();
        for (String l : Files.readAllLines(csv)) {
            if (l.startsWith("n,") || l.isBlank()) continue;
            String[] p = l.split(",");
            ns.add(Double.parseDouble(p[0]));
            ts.add(Double.parseDouble(p[4]));
        }
        XYChart c = new XYChartBuilder()
                .width(700)
                .height(450)
                .title("Nystrom NTK regression: time vs n")
                .xAxisTitle("training points n")
                .yAxisTitle("seconds (fit + 1000 test points with variances)")
                .build();
        c.getStyler()
                .setXAxisLogarithmic(true)
                .setYAxisLogarithmic(true)
                .setLegendPosition(Styler.LegendPosition.InsideNW);
        c.addSeries("measured", ns, ts);
        BitmapEncoder.saveBitmap(c, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
