package org.ntk4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntk4j.demo.ExampleData;
import org.ntk4j.io.Npy;
import org.ntk4j.linalg.Matrix;

/**
 * {@code ntk4j example-data}: the tour's data set. Its files hold what {@link ExampleData} generates
 * (shapes, ranges, the function plus noise of the stated size), the same seed gives the same bytes,
 * and bad sizes are one-line usage-free errors naming the flag.
 */
class ExampleDataCommandTest {
    @TempDir
    Path dir;

    @Test
    void writesTheFilesWithTheirShapesAndRanges() {
        CliRun r = CliRun.of("example-data", "--out", dir.resolve("d").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("example-data: y = sin(2x)"), r.out());
        Path d = dir.resolve("d");
        for (String f : new String[] {
            "x_train.npy", "y_train.npy", "x_test.npy", "f_test.npy", "x_val.npy", "y_val.npy", "f_val.npy", "run.json"
        }) assertTrue(Files.isRegularFile(d.resolve(f)), f);
        Matrix x = Npy.read(d.resolve("x_train.npy")), xt = Npy.read(d.resolve("x_test.npy"));
        Matrix y = Npy.read(d.resolve("y_train.npy"));
        double[] ft = Npy.read(d.resolve("f_test.npy")).toColumnMajor();
        Matrix xv = Npy.read(d.resolve("x_val.npy"));
        double[] yv = Npy.read(d.resolve("y_val.npy")).toColumnMajor();
        double[] fv = Npy.read(d.resolve("f_val.npy")).toColumnMajor();
        assertEquals(40, x.rows());
        assertEquals(1, x.cols());
        assertEquals(40, y.rows() * y.cols());
        assertEquals(101, xt.rows());
        assertEquals(101, ft.length);
        assertEquals(-3, xt.get(0, 0));
        assertEquals(3, xt.get(100, 0));
        for (int j = 0; j < ft.length; j++) assertEquals(Math.sin(2 * xt.get(j, 0)), ft[j]);
        assertEquals(200, xv.rows());
        double sq = 0;
        for (int j = 0; j < fv.length; j++) {
            assertEquals(Math.sin(2 * xv.get(j, 0)), fv[j]);
            assertTrue(xv.get(j, 0) >= -2 && xv.get(j, 0) <= 2);
            sq += (yv[j] - fv[j]) * (yv[j] - fv[j]);
        }
        double sd = Math.sqrt(sq / fv.length);
        assertTrue(sd > 0.08 && sd < 0.12, "noise sd " + sd + " should be near 0.1");
        for (int i = 0; i < x.rows(); i++) assertTrue(x.get(i, 0) >= -2 && x.get(i, 0) <= 2);
    }

    @Test
    void theSameSeedGivesTheSameBytesAndAnotherSeedOthers() throws Exception {
        String[] sizes = {"--n-train", "7", "--n-test", "5", "--noise", "0.3"};
        for (String[] run : new String[][] {{"a", "1"}, {"b", "1"}, {"c", "2"}}) {
            String[] args = new String[sizes.length + 5];
            args[0] = "example-data";
            System.arraycopy(sizes, 0, args, 1, sizes.length);
            args[sizes.length + 1] = "--seed";
            args[sizes.length + 2] = run[1];
            args[sizes.length + 3] = "--out";
            args[sizes.length + 4] = dir.resolve(run[0]).toString();
            assertEquals(0, CliRun.of(args).code());
        }
        byte[] a = Files.readAllBytes(dir.resolve("a/y_train.npy"));
        assertArrayEquals(a, Files.readAllBytes(dir.resolve("b/y_train.npy")));
        assertTrue(!java.util.Arrays.equals(a, Files.readAllBytes(dir.resolve("c/y_train.npy"))));
        assertEquals(7, Npy.read(dir.resolve("a/x_train.npy")).rows());
    }

    @Test
    void zeroNoiseGivesTheFunctionItself() {
        ExampleData d = ExampleData.generate(3, 4, 2, 0, 5);
        assertArrayEquals(d.fVal(), d.yVal());
        for (int i = 0; i < 3; i++) assertEquals(ExampleData.f(d.xTrain().get(i, 0)), d.yTrain()[i]);
    }

    @Test
    void badValuesNameTheirFlag() {
        String out = dir.resolve("bad").toString();
        CliRun.of("example-data", "--n-train", "0", "--out", out).fails(3, "--n-train: must be >= 1");
        CliRun.of("example-data", "--n-test", "1", "--out", out).fails(3, "--n-test: must be >= 2");
        CliRun.of("example-data", "--n-val", "0", "--out", out).fails(3, "--n-val: must be >= 1");
        CliRun.of("example-data", "--noise", "-1", "--out", out).fails(3, "--noise: must be finite and >= 0");
        CliRun.of("example-data", "--noise", "NaN", "--out", out).fails(3, "--noise");
        CliRun.of("example-data").fails(2, "--out");
        assertTrue(!Files.exists(dir.resolve("bad")), "nothing is created for invalid values");
    }
}
