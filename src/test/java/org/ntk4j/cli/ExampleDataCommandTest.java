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
        for (String f :
                new String[] {"x_train.npy", "y_train.npy", "x_test.npy", "y_test.npy", "f_test.npy", "run.json"})
            assertTrue(Files.isRegularFile(d.resolve(f)), f);
        Matrix x = Npy.read(d.resolve("x_train.npy")), xt = Npy.read(d.resolve("x_test.npy"));
        Matrix y = Npy.read(d.resolve("y_train.npy"));
        double[] ft = Npy.read(d.resolve("f_test.npy")).toColumnMajor();
        double[] yt = Npy.read(d.resolve("y_test.npy")).toColumnMajor();
        assertEquals(40, x.rows());
        assertEquals(1, x.cols());
        assertEquals(40, y.rows() * y.cols());
        assertEquals(101, xt.rows());
        assertEquals(101, ft.length);
        assertEquals(-3, xt.get(0, 0));
        assertEquals(3, xt.get(100, 0));
        double sq = 0;
        for (int j = 0; j < ft.length; j++) {
            assertEquals(Math.sin(2 * xt.get(j, 0)), ft[j]);
            sq += (yt[j] - ft[j]) * (yt[j] - ft[j]);
        }
        double sd = Math.sqrt(sq / ft.length);
        assertTrue(sd > 0.07 && sd < 0.13, "noise sd " + sd + " should be near 0.1");
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
        ExampleData d = ExampleData.generate(3, 4, 0, 5);
        assertArrayEquals(d.fTest(), d.yTest());
        for (int i = 0; i < 3; i++) assertEquals(ExampleData.f(d.xTrain().get(i, 0)), d.yTrain()[i]);
    }

    @Test
    void badValuesNameTheirFlag() {
        String out = dir.resolve("bad").toString();
        CliRun.of("example-data", "--n-train", "0", "--out", out).fails(3, "--n-train: must be >= 1");
        CliRun.of("example-data", "--n-test", "1", "--out", out).fails(3, "--n-test: must be >= 2");
        CliRun.of("example-data", "--noise", "-1", "--out", out).fails(3, "--noise: must be finite and >= 0");
        CliRun.of("example-data", "--noise", "NaN", "--out", out).fails(3, "--noise");
        CliRun.of("example-data").fails(2, "--out");
        assertTrue(!Files.exists(dir.resolve("bad")), "nothing is created for invalid values");
    }
}
