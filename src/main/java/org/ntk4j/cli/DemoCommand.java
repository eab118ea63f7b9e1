package org.ntk4j.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.apache.commons.rng.simple.RandomSource;
import org.ntk4j.arch.ArchParser;
import org.ntk4j.arch.Architecture;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.Matrix;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ntk4j demo}: placeholder until the soft-optimization demo (issue 4) replaces this class.
 * Prints the NNGP and NTK of a small built-in example (4 seeded random points, a ReLU network).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run the built-in demo (for now: the kernels of a small example; the soft-optimization demo is coming).")
public final class DemoCommand implements Callable<Integer> {
    static final String ARCH = "Dense(512,W_std=1.5,b_std=0.05)->Relu->Dense(512,W_std=1.5,b_std=0.05)->Relu->Dense(1,W_std=1.5,b_std=0.05)";

    @ParentCommand Main main;

    @Option(names = "--out", paramLabel = "DIR", description = "Also write x.npy, nngp.npy, ntk.npy, cov1.npy here.")
    Path out;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed of the example points (default: 0).")
    long seed;

    @Override public Integer call() {
        OutputDir dir = out == null ? null : OutputDir.create("--out", out);
        Architecture a = ArchParser.parse(ARCH);
        Matrix x = points(4, 3, seed);
        Kernels k = KernelFunction.of(a).compute(x, null);
        PrintStream o = main.out();
        o.println("ntk4j demo (placeholder): the soft-optimization demo is coming; here are the kernels of a small example.");
        o.println("architecture: " + ARCH);
        print(o, "x (4 points, standard normal, seed " + seed + ")", x);
        print(o, "NNGP K(x, x)", k.nngp());
        print(o, "NTK Theta(x, x)", k.ntk());
        if (dir != null) {
            dir.writeMatrix("x.npy", x, DType.FLOAT64);
            dir.writeMatrix("nngp.npy", k.nngp(), DType.FLOAT64);
            dir.writeMatrix("ntk.npy", k.ntk(), DType.FLOAT64);
            dir.writeVector("cov1.npy", k.cov1(), DType.FLOAT64);
            o.println("wrote " + String.join(", ", dir.written().stream().map(Path::toString).toList()));
        }
        return 0;
    }

    static Matrix points(int n, int d, long seed) {
        UniformRandomProvider rng = RandomSource.XO_SHI_RO_256_PP.create(seed);
        ZigguratSampler.NormalizedGaussian g = ZigguratSampler.NormalizedGaussian.of(rng);
        double[][] x = new double[n][d];
        for (double[] row : x) for (int j = 0; j < d; j++) row[j] = g.sample();
        return Matrix.of(x);
    }

    private static void print(PrintStream o, String title, Matrix m) {
        o.println(title + ":");
        for (int i = 0; i < m.rows(); i++) {
            StringBuilder b = new StringBuilder("  ");
            for (int j = 0; j < m.cols(); j++) b.append(String.format(Locale.ROOT, "%12.6f", m.get(i, j)));
            o.println(b);
        }
    }
}
