package org.ntk4j.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntk4j.io.Csv;
import org.ntk4j.io.Npy;
import org.ntk4j.linalg.Matrix;

/**
 * {@code predict --time T1,T2,...}: one set of files per time, named {@code mean_t=<T>.npy} etc.
 * with T as predict prints it, each bit for bit the file of a run with that time alone; one time
 * keeps the plain names; the list's errors.
 */
class PredictTimesTest {
    static final String ARCH = "Dense(64,W_std=1.5,b_std=0.1)->Relu->Dense(2,W_std=1.5,b_std=0.1)";

    @TempDir
    Path dir;

    String x, y, xt, f0, g0;

    void data() {
        x = npy("x.npy", CliKernelTest.random(9, 3, 1));
        y = npy("y.npy", CliKernelTest.random(9, 2, 2));
        xt = npy("xt.npy", CliKernelTest.random(4, 3, 3));
        f0 = npy("f0.npy", CliKernelTest.random(9, 2, 4));
        g0 = npy("g0.npy", CliKernelTest.random(4, 2, 5));
    }

    String npy(String name, Matrix m) {
        Path f = dir.resolve(name);
        Npy.write(f, m);
        return f.toString();
    }

    CliRun predict(String out, String... more) {
        List<String> a = new ArrayList<>(
                List.of("predict", "--arch", ARCH, "--x-train", x, "--y-train", y, "--x-test", xt, "--out", out));
        a.addAll(List.of(more));
        return CliRun.of(a.toArray(String[]::new));
    }

    /** The list run's files for each time equal the single-time runs' plain files, bit for bit. */
    void sameAsSingleRuns(String[] times, String[] labels, String[] arrays, String... flags) {
        Path multi = dir.resolve("multi" + String.join("", flags).hashCode());
        List<String> f = new ArrayList<>(List.of(flags));
        f.addAll(List.of("--time", String.join(",", times)));
        CliRun r = predict(multi.toString(), f.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        for (int i = 0; i < times.length; i++) {
            Path single = dir.resolve("single" + String.join("", flags).hashCode() + "-" + i);
            List<String> g = new ArrayList<>(List.of(flags));
            g.addAll(List.of("--time", times[i]));
            CliRun s = predict(single.toString(), g.toArray(String[]::new));
            assertEquals(0, s.code(), s.err());
            for (String a : arrays) {
                Path plain = single.resolve(a + ".npy"), timed = multi.resolve(a + "_t=" + labels[i] + ".npy");
                assertTrue(Files.exists(timed), timed + " missing; have: " + r.out());
                assertEquals(Npy.read(plain), Npy.read(timed), timed.toString());
            }
        }
        for (String a : List.of("mean", "var", "cov")) assertFalse(Files.exists(multi.resolve(a + ".npy")), a);
    }

    @Test
    void ensembleTimesEqualSingleRunsBitForBit() {
        data();
        String[] times = {"0", "1.5", "10", "1e-4", "inf"}, labels = {"0", "1.5", "10", "1.0E-4", "inf"};
        sameAsSingleRuns(times, labels, new String[] {"mean", "var"}, "--diag-reg", "1e-3");
        sameAsSingleRuns(
                times, labels, new String[] {"mean", "cov"}, "--get", "nngp", "--cov", "full", "--diag-reg", "1e-2");
        sameAsSingleRuns(
                new String[] {"2", "INF", "0.5"},
                new String[] {"2", "inf", "0.5"},
                new String[] {"mean"},
                "--cov",
                "none",
                "--diag-reg",
                "1e-3");
    }

    @Test
    void linearizedTimesEqualSingleRunsBitForBit() {
        data();
        sameAsSingleRuns(
                new String[] {"3", "inf", "0.25"},
                new String[] {"3", "inf", "0.25"},
                new String[] {"mean"},
                "--fx-train-0",
                f0,
                "--fx-test-0",
                g0,
                "--learning-rate",
                "0.5",
                "--diag-reg",
                "0.01");
    }

    @Test
    void oneTimeKeepsThePlainNamesAndTheSummaryNamesEveryTime() {
        data();
        Path one = dir.resolve("one");
        assertEquals(
                0, predict(one.toString(), "--time", "10", "--diag-reg", "1e-3").code());
        assertTrue(Files.exists(one.resolve("mean.npy")) && Files.exists(one.resolve("var.npy")));
        Path two = dir.resolve("two");
        CliRun r = predict(two.toString(), "--time", "10,inf", "--diag-reg", "1e-3", "--format", "csv");
        assertEquals(0, r.code(), r.err());
        assertTrue(
                r.out().startsWith("predict: ntk ensemble at t=10; ntk posterior at t=inf, 9 train, 4 test, 2 outputs"),
                r.out());
        for (String f : List.of("mean_t=10.csv", "var_t=10.csv", "mean_t=inf.csv", "var_t=inf.csv"))
            assertTrue(r.out().contains(f), r.out());
        assertEquals(Npy.read(one.resolve("mean.npy")), Csv.read(two.resolve("mean_t=10.csv")));
    }

    @Test
    void timeListErrors() {
        data();
        String out = dir.resolve("o").toString();
        predict(out, "--time", "1,1.0").fails(3, "--time: t=1 is given twice");
        predict(out, "--time", "inf,Infinity").fails(3, "--time: t=inf is given twice");
        predict(out, "--time", "1,,2").fails(3, "--time: '1,,2' has an empty entry");
        predict(out, "--time", "1,").fails(3, "has an empty entry");
        predict(out, "--time", "1,-2").fails(3, "--time: must be >= 0");
        predict(out, "--time", "1,soon").fails(3, "--time: 'soon' is not a number");
        predict(out, "--get", "ntkgp", "--time", "inf,1").fails(3, "--time: there is no finite-time NTKGP");
        predict(out, "--solver", "cg", "--diag-reg", "1e-3", "--time", "1,inf")
                .fails(3, "--solver: cg computes the t = inf posterior only");
        assertFalse(Files.exists(Path.of(out)));
    }
}
