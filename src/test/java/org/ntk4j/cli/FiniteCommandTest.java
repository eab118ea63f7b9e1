package org.ntk4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntk4j.arch.text.ArchParser;
import org.ntk4j.finite.EmpiricalKernels;
import org.ntk4j.finite.FiniteNetwork;
import org.ntk4j.io.Npy;
import org.ntk4j.linalg.Matrix;

/**
 * {@code ntk4j finite}: its files equal the Java API's results bit for bit (the API itself is
 * validated against neural-tangents and numpy in org.ntk4j.finite), and its documented failures.
 */
class FiniteCommandTest {
    static final String ARCH = "Dense(16,W_std=1.5,b_std=0.1)->Erf->Dense(2,W_std=1.5,b_std=0.1)";

    @TempDir
    Path dir;

    Path write(String name, double[][] v) {
        Path f = dir.resolve(name);
        Npy.write(f, Matrix.of(v));
        return f;
    }

    static final double[][] X1 = {{1, 2, 0.5}, {-0.3, 0.4, 1}, {0, 0, 0}, {0.7, -1.2, -0.1}};
    static final double[][] X2 = {{0.2, -1, 0.7}, {1, 2, 0.5}, {-0.5, -0.5, 2}};
    static final double[][] XT = {{0.1, 0.2, 0.3}, {-1, 0.5, 0.2}, {0.3, -0.7, 1.1}, {1.2, 0.1, -0.4}, {-0.2, -0.9, 0.6}
    };
    static final double[][] YT = {{1, -1}, {0.5, 0.2}, {-0.3, 0.8}, {0.1, 0.1}, {-1, 0.4}};

    CliRun finite(String... more) {
        List<String> a = new ArrayList<>(List.of(
                "finite",
                "--arch",
                ARCH,
                "--width",
                "256",
                "--seed",
                "7",
                "--x1",
                write("x1.npy", X1).toString(),
                "--out",
                dir.resolve("out").toString()));
        a.addAll(List.of(more));
        return CliRun.of(a.toArray(String[]::new));
    }

    Matrix read(String name) {
        return Npy.read(dir.resolve("out").resolve(name));
    }

    @Test
    void writesTheApisResults() {
        CliRun r = finite(
                "--x2",
                write("x2.npy", X2).toString(),
                "--x-train",
                write("xt.npy", XT).toString(),
                "--y-train",
                write("yt.npy", YT).toString(),
                "--steps",
                "50",
                "--learning-rate",
                "0.5");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("finite: width 256"), r.out());
        FiniteNetwork net = FiniteNetwork.initialize(ArchParser.parse(ARCH), 3, 256, 7);
        Matrix x1 = Matrix.of(X1), x2 = Matrix.of(X2);
        EmpiricalKernels k = net.kernels(x1, x2);
        assertEquals(net.apply(x1), read("f0_x1.npy"));
        assertEquals(net.apply(x2), read("f0_x2.npy"));
        assertEquals(k.nngp(), read("nngp.npy"));
        assertEquals(k.ntk(), read("ntk.npy"));
        FiniteNetwork trained = net.train(Matrix.of(XT), Matrix.of(YT), 50, 0.5);
        assertEquals(trained.apply(x1), read("trained_x1.npy"));
        assertEquals(trained.apply(x2), read("trained_x2.npy"));
        assertTrue(trained.loss(Matrix.of(XT), Matrix.of(YT)) < net.loss(Matrix.of(XT), Matrix.of(YT)));
    }

    @Test
    void withoutX2OrTrainingWritesOnlyTheInitialFiles() {
        assertEquals(0, finite().code());
        Path out = dir.resolve("out");
        assertTrue(Files.exists(out.resolve("f0_x1.npy"))
                && Files.exists(out.resolve("nngp.npy"))
                && Files.exists(out.resolve("ntk.npy")));
        assertFalse(Files.exists(out.resolve("f0_x2.npy")) || Files.exists(out.resolve("trained_x1.npy")));
        Matrix ntk = read("ntk.npy");
        assertEquals(4, ntk.rows());
        assertEquals(4, ntk.cols());
        FiniteNetwork net = FiniteNetwork.initialize(ArchParser.parse(ARCH), 3, 256, 7);
        assertArrayEquals(net.kernels(Matrix.of(X1), null).ntk().toColumnMajor(), ntk.toColumnMajor(), 0.0);
    }

    @Test
    void oneDimensionalTargetsAreOneColumn() {
        CliRun r = CliRun.of(
                "finite",
                "--arch",
                "Dense(8,W_std=1.5,b_std=0.1)->Relu->Dense(1,W_std=1.5,b_std=0.1)",
                "--width",
                "32",
                "--seed",
                "1",
                "--x1",
                write("x1.npy", X1).toString(),
                "--x-train",
                write("xt.npy", XT).toString(),
                "--y-train",
                writeVector("y.npy", new double[] {1, 0.5, -0.3, 0.1, -1}).toString(),
                "--steps",
                "10",
                "--out",
                dir.resolve("out").toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(1, read("trained_x1.npy").cols());
    }

    Path writeVector(String name, double[] v) {
        Path f = dir.resolve(name);
        Npy.writeVector(f, v);
        return f;
    }

    /**
     * The library's divergence error names {@code learningRate}; the CLI's error handler shows it as
     * the flag (the command no longer rewraps it by hand): the whole line, exit code 3.
     */
    @Test
    void divergenceNamesTheFlag() {
        CliRun r = finite(
                        "--x-train",
                        write("xt.npy", XT).toString(),
                        "--y-train",
                        write("yt.npy", YT).toString(),
                        "--steps",
                        "500",
                        "--learning-rate",
                        "1e6")
                .fails(3, "--learning-rate");
        assertEquals(
                "ntk4j: error: --learning-rate: training diverged (non-finite weights after 500 steps at rate 1000000.0);"
                        + " use a smaller learning rate",
                r.err().strip());
    }

    @Test
    void documentedFailures() {
        CliRun.of("finite", "--arch", ARCH, "--x1", "a.npy", "--out", "o")
                .fails(2, "Missing required options: '--width=W', '--seed=S'");
        finite("--x-train", write("xt.npy", XT).toString())
                .fails(3, "--y-train: training needs --x-train, --y-train and --steps together");
        finite(
                        "--x-train",
                        write("xt.npy", XT).toString(),
                        "--y-train",
                        write("yt.npy", YT).toString())
                .fails(3, "--steps: training needs");
        finite(
                        "--x-train",
                        write("xt.npy", XT).toString(),
                        "--y-train",
                        write("yt.npy", new double[][] {{1, 2}}).toString(),
                        "--steps",
                        "3")
                .fails(3, "--y-train: has 1 rows but --x-train has 5");
        finite(
                        "--x-train",
                        write("xt.npy", XT).toString(),
                        "--y-train",
                        write("yt.npy", new double[][] {{1}, {2}, {3}, {4}, {5}})
                                .toString(),
                        "--steps",
                        "3")
                .fails(3, "--y-train: has 1 columns but the network has 2 outputs");
        finite("--x2", write("x2.npy", new double[][] {{1, 2}}).toString())
                .fails(3, "--x2: has 2 features (columns) but --x1 has 3");
        finite(
                        "--x-train",
                        write("xt.npy", XT).toString(),
                        "--y-train",
                        write("yt.npy", YT).toString(),
                        "--steps",
                        "3",
                        "--learning-rate",
                        "-1")
                .fails(3, "--learning-rate: must be finite and > 0");
        finite(
                        "--x-train",
                        write("xt.npy", XT).toString(),
                        "--y-train",
                        write("yt.npy", YT).toString(),
                        "--steps",
                        "500",
                        "--learning-rate",
                        "1e6")
                .fails(3, "--learning-rate: training diverged");
        CliRun.of(
                        "finite",
                        "--arch",
                        ARCH,
                        "--width",
                        "0",
                        "--seed",
                        "1",
                        "--x1",
                        write("x1.npy", X1).toString(),
                        "--out",
                        dir.resolve("o2").toString())
                .fails(3, "--width: must be >= 1");
        Path bad = write("nan.npy", new double[][] {{1, Double.NaN, 0}});
        CliRun.of(
                        "finite",
                        "--arch",
                        ARCH,
                        "--width",
                        "4",
                        "--seed",
                        "1",
                        "--x1",
                        bad.toString(),
                        "--out",
                        dir.resolve("o3").toString())
                .fails(3, "--x1");
        CliRun.of(
                        "finite",
                        "--arch",
                        "Dense(4)->Relu->Relu",
                        "--width",
                        "4",
                        "--seed",
                        "1",
                        "--x1",
                        write("x1.npy", X1).toString(),
                        "--out",
                        dir.resolve("o4").toString())
                .fails(3, "--arch");
    }
}
