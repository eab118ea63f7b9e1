package org.ntk4j.predict;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.text.ArchParser;
import org.ntk4j.linalg.Matrix;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * End to end fit + predict through the public API, as {@code bin/ntk4j predict --get nngp
 * --diag-reg 1e-4 --cov diag} runs it (minus the JVM start and file I/O): train-train NNGP kernel
 * (off-heap), Cholesky, solve, test-train kernel, posterior mean and per-point variances, for
 * {@code [Dense(512, 1.5, 0.1) -> Relu] x 2 -> Dense(1)}, n training points, m test points, d inputs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class PredictBench {
    static final String ARCH =
            "Dense(512,W_std=1.5,b_std=0.1)->Relu->Dense(512,W_std=1.5,b_std=0.1)->Relu->Dense(1,W_std=1.5,b_std=0.1)";

    @Param({"1000", "2000", "4000"})
    public int n;

    @Param({"1000"})
    public int m;

    @Param({"64"})
    public int d;

    private Architecture arch;
    private Matrix x, y, xt;
    private PredictOptions options;

    @Setup
    public void setup() {
        arch = ArchParser.parse(ARCH);
        Random r = new Random(3);
        double[] xs = new double[n * d], ys = new double[n], ts = new double[m * d];
        for (int i = 0; i < xs.length; i++) xs[i] = r.nextGaussian();
        for (int i = 0; i < ts.length; i++) ts[i] = r.nextGaussian();
        for (int i = 0; i < n; i++) ys[i] = Math.sin(xs[i]) + 0.1 * r.nextGaussian(); // column 0 of x (column-major)
        x = Matrix.wrapColumnMajor(n, d, xs);
        y = Matrix.wrapColumnMajor(n, 1, ys);
        xt = Matrix.wrapColumnMajor(m, d, ts);
        options = PredictOptions.defaults()
                .withRegularization(Regularization.relative(1e-4))
                .withCovariance(CovarianceMode.DIAGONAL);
    }

    @Benchmark
    public double fitPredictNngp() {
        Posterior p = Predict.gpInference(arch, x, y, xt, Get.NNGP, options);
        double[] v = p.variances();
        if (v == null || v.length != m || !Double.isFinite(v[0])) throw new IllegalStateException("no variances");
        return p.meanOf(0)[0] + v[0];
    }
}
