package org.ntk4j.bench.gpu;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.Parameterization;
import org.ntk4j.arch.text.ArchParser;
import org.ntk4j.device.Device;
import org.ntk4j.gpu.GpuInfo;
import org.ntk4j.gpu.GpuKernelEngine;
import org.ntk4j.gpu.GpuLinalg;
import org.ntk4j.gpu.GpuRuntime;
import org.ntk4j.kernel.KernelOptions;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.predict.CovarianceMode;
import org.ntk4j.predict.Get;
import org.ntk4j.predict.Posterior;
import org.ntk4j.predict.PredictOptions;
import org.ntk4j.predict.Regularization;
import org.ntk4j.solve.ScalablePredict;
import org.ntk4j.solve.Solved;
import org.ntk4j.solve.SolverKind;
import org.ntk4j.solve.SolverOptions;

/**
 * The Java half of benchmarks/gpu/device-check.sh (run on the GPU machine with a carried jlink
 * runtime; needs no ND4J). Commands:
 * <pre>
 *   info                       the probe result, one line
 *   jobs JOBFILE OUTDIR        correctness jobs (one per line, key=value; arrays are raw
 *                              little-endian float64 files in C order); writes NAME.KEY.bin
 *                              results and prints "job NAME ok|FAILED reason" lines
 *   bench N D M REPS           timings for one size: lines "time KEY N MILLIS"
 *   gemm N                     GEMM engine throughput at N x N x N (float64 and float32)
 * </pre>
 * This is a benchmark driver, so it prints to stdout (library code never does).
 */
public final class DeviceCheck {
    private static final PrintStream OUT = System.out;

    private DeviceCheck() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            OUT.println("usage: DeviceCheck info | jobs JOBFILE OUTDIR | bench N D M REPS | gemm N");
            return;
        }
        GpuInfo info = GpuRuntime.probe();
        switch (args[0]) {
            case "info" -> OUT.println(info.describe());
            case "jobs" -> jobs(Path.of(args[1]), Path.of(args[2]));
            case "bench" ->
                DeviceTimings.bench(
                        Integer.parseInt(args[1]),
                        Integer.parseInt(args[2]),
                        Integer.parseInt(args[3]),
                        Integer.parseInt(args[4]));
            case "gemm" -> DeviceTimings.gemm(Integer.parseInt(args[1]));
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
        OUT.flush();
    }

    static void jobs(Path file, Path outDir) throws IOException {
        Files.createDirectories(outDir);
        for (String line : Files.readAllLines(file)) {
            line = line.trim();
            if (line.isEmpty() || line.startsWith("#")) continue;
            Map<String, String> kv = new HashMap<>();
            String[] parts = line.split("\t");
            String kind = parts[0];
            for (int i = 1; i < parts.length; i++) {
                int eq = parts[i].indexOf('=');
                kv.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
            }
            String name = kv.get("name");
            long t0 = System.nanoTime();
            try {
                run(kind, kv, outDir.resolve(name));
                OUT.printf(Locale.ROOT, "job %s ok %.1f ms%n", name, (System.nanoTime() - t0) / 1e6);
            } catch (Throwable e) {
                String msg = String.valueOf(e.getMessage()).replace('\n', ' ');
                OUT.printf(
                        Locale.ROOT,
                        "job %s FAILED %s: %s%n",
                        name,
                        e.getClass().getSimpleName(),
                        msg);
            }
            OUT.flush();
        }
    }

    private static void run(String kind, Map<String, String> kv, Path out) throws IOException {
        DType dt = DType.parse(kv.getOrDefault("dtype", "float64"));
        switch (kind) {
            case "kernel" -> {
                Architecture a = arch(kv);
                Matrix x1 = read(kv, "x1", "n1", "d"), x2 = kv.containsKey("x2") ? read(kv, "x2", "n2", "d") : null;
                Kernels k = GpuKernelEngine.compute(
                        a, x1, x2, KernelOptions.defaults().withDtype(dt).withComputeNtk(!"0".equals(kv.get("ntk"))));
                write(out, "nngp", k.nngp());
                if (k.ntk() != null) write(out, "ntk", k.ntk());
                write(out, "cov1", Matrix.column(k.cov1()));
                if (k.cov2() != null) write(out, "cov2", Matrix.column(k.cov2()));
            }
            case "chol" ->
                write(out, "L", GpuLinalg.cholesky(read(kv, "a", "n", "n").as(dt)));
            case "gp" -> {
                Get get = "ntkgp".equals(kv.get("mode")) ? Get.NTKGP : Get.NNGP;
                PredictOptions o = PredictOptions.defaults()
                        .withRegularization(Regularization.relative(Double.parseDouble(kv.get("diagreg"))))
                        .withCovariance(CovarianceMode.DIAGONAL)
                        .withKernelOptions(
                                KernelOptions.defaults().withDtype(dt).withDevice(Device.GPU));
                Solved s = ScalablePredict.gpInference(
                        arch(kv),
                        read(kv, "xtrain", "n", "d"),
                        read(kv, "ytrain", "n", "k"),
                        read(kv, "xtest", "m", "d"),
                        get,
                        o,
                        SolverOptions.defaults().withSolver(SolverKind.EXACT));
                // a request the GPU posterior does not take is solved on the CPU: that is not what this job checks
                if (s.report().device() != Device.GPU)
                    throw new IllegalStateException(
                            "solved on the CPU, not the GPU: " + s.report().summary());
                write(out, "mean", s.posterior().mean());
                write(out, "var", Matrix.column(s.posterior().variances()));
            }
            case "solve" -> {
                Matrix kdd = read(kv, "kdd", "n", "n").as(dt),
                        ktd = read(kv, "ktd", "m", "n").as(dt);
                double[] ktt = read(kv, "kttdiag", "m", "one").toColumnMajor();
                Regularization reg = Regularization.relative(Double.parseDouble(kv.get("diagreg")));
                Posterior p = GpuLinalg.solve(Get.NNGP, kdd, read(kv, "y", "n", "k"), ktd, ktt, reg);
                write(out, "mean", p.mean());
                write(out, "var", Matrix.column(p.variances()));
            }
            default -> throw new IllegalArgumentException("unknown job kind " + kind);
        }
    }

    private static Architecture arch(Map<String, String> kv) {
        return ArchParser.parse(kv.get("arch"), Parameterization.parse(kv.getOrDefault("param", "ntk")));
    }

    /** Reads a raw little-endian float64 C-order array of shape (kv[rowsKey], kv[colsKey]). */
    static Matrix read(Map<String, String> kv, String key, String rowsKey, String colsKey) throws IOException {
        int r = Integer.parseInt(kv.get(rowsKey)), c = "one".equals(colsKey) ? 1 : Integer.parseInt(kv.get(colsKey));
        ByteBuffer bb =
                ByteBuffer.wrap(Files.readAllBytes(Path.of(kv.get(key)))).order(ByteOrder.LITTLE_ENDIAN);
        double[] v = new double[r * c];
        bb.asDoubleBuffer().get(v);
        return Matrix.fromRowMajor(r, c, v);
    }

    /** Writes a matrix as raw little-endian float64 in C order to PREFIX.KEY.bin. */
    static void write(Path prefix, String key, Matrix m) throws IOException {
        double[] v = m.toRowMajor();
        ByteBuffer bb = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        bb.asDoubleBuffer().put(v);
        try (FileChannel ch = FileChannel.open(
                Path.of(prefix + "." + key + ".bin"),
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ch.write(bb);
        }
    }

    /** n×d standard normal inputs (row-major source). */
    static Matrix randn(Random r, int n, int d) {
        double[] v = new double[n * d];
        for (int i = 0; i < v.length; i++) v[i] = r.nextGaussian();
        return Matrix.wrapColumnMajor(n, d, v);
    }

    static List<String> sizes(String s) {
        return new ArrayList<>(List.of(s.split(",")));
    }
}
