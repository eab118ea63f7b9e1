package org.ntk4j.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.ntk4j.io.Npy;
import org.ntk4j.linalg.Matrix;

/**
 * The training run for the launcher's class-data-sharing archive ({@code bin/ntk4j} runs it once
 * per build under {@code -XX:ArchiveClassesAtExit}): tiny {@code kernel} and {@code predict} runs,
 * in one JVM, so that the archive holds the classes of both paths (and, on JDK >= 25, the method
 * profiles of a 600-point kernel). Loading those classes from the archive instead of the jars saves
 * ~0.4 s of every later start. Not a user command.
 */
public final class CdsTraining {
    private CdsTraining() {}

    public static void main(String[] args) throws IOException {
        Path dir = Files.createTempDirectory("ntk4j-cds");
        try {
            double[][] x = new double[12][3], y = new double[12][1];
            for (int i = 0; i < 12; i++) {
                for (int j = 0; j < 3; j++) x[i][j] = Math.sin(1.3 * i + 0.7 * j);
                y[i][0] = Math.cos(i);
            }
            Npy.write(dir.resolve("x.npy"), Matrix.of(x));
            Npy.write(dir.resolve("y.npy"), Matrix.of(y));
            String arch = "Dense(8,W_std=1.5,b_std=0.1)->Relu->Dense(1,W_std=1.5,b_std=0.1)";
            String x1 = dir.resolve("x.npy").toString(),
                    out = dir.resolve("out").toString();
            PrintStream sink = new PrintStream(OutputStream.nullOutputStream());
            int rc = Main.run(new String[] {"kernel", "--arch", arch, "--x1", x1, "--out", out}, sink, sink);
            rc |= Main.run(
                    new String[] {
                        "predict",
                        "--arch",
                        arch,
                        "--x-train",
                        x1,
                        "--y-train",
                        dir.resolve("y.npy").toString(),
                        "--x-test",
                        x1,
                        "--get",
                        "nngp",
                        "--diag-reg",
                        "1e-3",
                        "--out",
                        out
                    },
                    sink,
                    sink);
            // a kernel large enough for the JIT to profile the recursion's loops (the AOT cache of JDK >= 25
            // keeps those profiles): 3 ReLU layers, the benchmark architecture's activation
            double[][] big = new double[600][32];
            for (int i = 0; i < big.length; i++) for (int j = 0; j < 32; j++) big[i][j] = Math.sin(0.7 * i + 1.9 * j);
            Npy.write(dir.resolve("big.npy"), Matrix.of(big));
            String deep =
                    "Dense(64,W_std=1.5,b_std=0.1)->Relu->Dense(64,W_std=1.5,b_std=0.1)->Relu->Dense(64,W_std=1.5,b_std=0.1)->Relu->Dense(1)";
            for (int r = 0; r < 3; r++)
                rc |= Main.run(
                        new String[] {
                            "kernel",
                            "--arch",
                            deep,
                            "--x1",
                            dir.resolve("big.npy").toString(),
                            "--out",
                            out
                        },
                        sink,
                        sink);
            if (rc != 0) throw new IllegalStateException("CDS training run failed with exit code " + rc);
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
