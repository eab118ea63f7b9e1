package org.ntk4j.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.SplittableRandom;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.text.ArchParser;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.predict.CovarianceMode;
import org.ntk4j.predict.Get;
import org.ntk4j.predict.PredictOptions;
import org.ntk4j.predict.Regularization;
import org.ntk4j.solve.ScalablePredict;
import org.ntk4j.solve.SolveReport;
import org.ntk4j.solve.Solved;
import org.ntk4j.solve.SolverKind;
import org.ntk4j.solve.SolverOptions;

/**
 * Issue 17's Falkon benchmark (benchmarks/falkon/run.sh): the scale benchmark's data and network
 * ({@link ScaleBenchmark}: d = 16, 2-layer ReLU, known f, σ = 0.1, λ = σ² absolute, 1000 test
 * points, same seeds), Falkon's mean at several M against the exact solution on the first SUB
 * training points, each compared by its test RMSE against the known f.
 *
 * <pre>
 * run N SUB GET TOL MAXIT VAR OUTCSV M...  — per M: Falkon, mean only (--cov none), tolerance TOL,
 *     iteration cap MAXIT (0 = automatic); with VAR = 1 also the Nyström model's variances at the
 *     first M (timed separately: one more pass of O(n·M²) flops); with SUB &gt; 0 first the exact
 *     solver on the first SUB points and, for M ≤ NYMAX (system property ntk4j.bench.nystromMax,
 *     default 5000), NYSTROM's direct solve at the same M for the time and the agreement.
 *     Appends one CSV line per solve: wall and process CPU seconds (the CPU time stays comparable
 *     when other jobs share the cores), kernel passes, iterations, residual, stopping rule, RMSE.
 * </pre>
 */
public final class FalkonBenchmark {
    private FalkonBenchmark() {}

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[1]), sub = Integer.parseInt(args[2]);
        Get get = Get.parse(args[3]);
        double tol = Double.parseDouble(args[4]);
        int maxIt = Integer.parseInt(args[5]);
        boolean variances = args[6].equals("1");
        Path csv = Path.of(args[7]);
        int nyMax = Integer.getInteger("ntk4j.bench.nystromMax", 5000);
        Architecture arch = ArchParser.parse(ScaleBenchmark.ARCH);
        Matrix x = ScaleBenchmark.inputs(n, 1), xt = ScaleBenchmark.inputs(ScaleBenchmark.TEST, 2);
        double[] ft = ScaleBenchmark.truth(x), ftest = ScaleBenchmark.truth(xt), y = new double[n];
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < n; i++) y[i] = ft[i] + ScaleBenchmark.SIGMA * ScaleBenchmark.gauss(r);
        Matrix ym = Matrix.wrapColumnMajor(n, 1, y);
        PredictOptions po = PredictOptions.defaults()
                .withRegularization(Regularization.absolute(ScaleBenchmark.SIGMA * ScaleBenchmark.SIGMA));
        PredictOptions meanOnly = po.withCovariance(CovarianceMode.NONE);
        if (!Files.exists(csv))
            Files.writeString(
                    csv,
                    "n,M,get,solver,what,seconds,cpu_seconds,kernel_passes,iterations,residual,stop,rmse,"
                            + "rmse_over_exact_sub,max_rel_diff_to_nystrom,sub\n");
        double exactRmse = Double.NaN;
        if (sub > 0) {
            Matrix xs = ScaleBenchmark.head(x, Math.min(sub, n)), ys = ScaleBenchmark.head(ym, Math.min(sub, n));
            long t0 = System.nanoTime();
            double c0 = cpu();
            Solved e = ScalablePredict.gpInference(
                    arch, xs, ys, xt, get, meanOnly, SolverOptions.defaults().withSolver(SolverKind.EXACT));
            double sec = (System.nanoTime() - t0) / 1e9;
            exactRmse = ScaleBenchmark.rmse(e.posterior().meanOf(0), ftest);
            line(csv, xs.rows(), 0, get, "exact", "mean", sec, cpu() - c0, null, exactRmse, exactRmse, Double.NaN, sub);
        }
        for (int q = 8; q < args.length; q++) {
            int m = Integer.parseInt(args[q]);
            SolverOptions so =
                    SolverOptions.defaults().withCenters(m).withTolerance(tol).withMaxIterations(maxIt);
            long t0 = System.nanoTime();
            double c0 = cpu();
            Solved f = ScalablePredict.gpInference(arch, x, ym, xt, get, meanOnly, so.withSolver(SolverKind.FALKON));
            double sec = (System.nanoTime() - t0) / 1e9, cpuF = cpu() - c0;
            double rf = ScaleBenchmark.rmse(f.posterior().meanOf(0), ftest);
            double agree = Double.NaN;
            if (m <= nyMax) {
                long t1 = System.nanoTime();
                double c1 = cpu();
                Solved ny =
                        ScalablePredict.gpInference(arch, x, ym, xt, get, meanOnly, so.withSolver(SolverKind.NYSTROM));
                double secN = (System.nanoTime() - t1) / 1e9, cpuN = cpu() - c1;
                double rn = ScaleBenchmark.rmse(ny.posterior().meanOf(0), ftest);
                agree = maxRelDiff(f.posterior().meanOf(0), ny.posterior().meanOf(0));
                line(csv, n, m, get, "nystrom", "mean", secN, cpuN, null, rn, rn / exactRmse, 0, sub);
            }
            line(csv, n, m, get, "falkon", "mean", sec, cpuF, f.report(), rf, rf / exactRmse, agree, sub);
            if (variances && q == 8) {
                long t2 = System.nanoTime();
                double c2 = cpu();
                Solved v = ScalablePredict.gpInference(arch, x, ym, xt, get, po, so.withSolver(SolverKind.FALKON));
                double secV = (System.nanoTime() - t2) / 1e9, cpuV = cpu() - c2;
                line(
                        csv,
                        n,
                        m,
                        get,
                        "falkon",
                        "mean+variances",
                        secV,
                        cpuV,
                        v.report(),
                        rf,
                        rf / exactRmse,
                        Double.NaN,
                        sub);
            }
        }
    }

    /** CPU seconds of the whole process so far (all threads): comparable when other jobs share the cores. */
    private static double cpu() {
        return ((com.sun.management.OperatingSystemMXBean)
                                java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                        .getProcessCpuTime()
                / 1e9;
    }

    private static double maxRelDiff(double[] a, double[] b) {
        double d = 0, s = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
            s = Math.max(s, Math.abs(b[i]));
        }
        return d / s;
    }

    private static void line(
            Path csv,
            int n,
            int m,
            Get get,
            String solver,
            String what,
            double sec,
            double cpuSec,
            SolveReport rep,
            double rmse,
            double overExact,
            double agree,
            int sub)
            throws java.io.IOException {
        String l = String.format(
                Locale.ROOT,
                "%d,%d,%s,%s,%s,%.2f,%.2f,%s,%s,%s,%s,%.5f,%.4f,%.3g,%d%n",
                n,
                m,
                get,
                solver,
                what,
                sec,
                cpuSec,
                rep == null ? "" : Long.toString(rep.kernelPasses()),
                rep == null ? "" : Integer.toString(rep.iterations()),
                rep == null ? "" : String.format(Locale.ROOT, "%.3g", rep.maxRelativeResidual()),
                rep == null ? "" : rep.stoppingRule(),
                rmse,
                overExact,
                agree,
                sub);
        System.out.print(l);
        System.out.flush();
        Files.writeString(csv, l, StandardOpenOption.APPEND);
    }
}
