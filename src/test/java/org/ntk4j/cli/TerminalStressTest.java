package org.ntk4j.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntk4j.io.Npy;
import org.ntk4j.linalg.Matrix;

/**
 * Issue 13's terminal case through {@code benchmarks/terminal_stress.sh}: {@code bin/ntk4j predict}
 * under a pseudo-terminal (script(1): the progress bar is active), n = 6000 training rows (d = 784),
 * m = 1000 test rows, a 3-hidden-layer ReLU NTK; every run must exit 0 with its outputs, no crash
 * file and no exception or error text on the terminal. 50 runs by default (about 20 s each on two
 * cores); {@code -Dntk4j.stress.runs=N} sets the count.
 */
@Tag("slow")
class TerminalStressTest {
    @TempDir
    Path data;

    @Test
    void predictUnderATerminalNeverCrashesOrPrintsAnException() throws Exception {
        int runs = Integer.parseInt(System.getProperty("ntk4j.stress.runs", "50"));
        Random r = new Random(13);
        Matrix x = gaussian(6000, 784, r), xt = gaussian(1000, 784, r);
        double[] y = new double[6000];
        for (int i = 0; i < y.length; i++) y[i] = Math.sin(x.get(i, 0) + x.get(i, 1));
        Npy.write(data.resolve("x_train.npy"), x);
        Npy.write(data.resolve("x_test.npy"), xt);
        Npy.write(data.resolve("y_train.npy"), Matrix.column(y));

        Path root = Path.of("").toAbsolutePath();
        Path log = data.resolve("stress.log");
        Process p = new ProcessBuilder(
                        root.resolve("benchmarks/terminal_stress.sh").toString(),
                        Integer.toString(runs),
                        data.toString())
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        assertTrue(p.waitFor(runs * 180L + 300, TimeUnit.SECONDS), "the stress script hung");
        String out = Files.readString(log);
        System.out.println(out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(
                out.contains("terminal stress: " + runs
                        + " runs, 0 crashes, 0 with exception/error text, 0 other failed exits, 0 without outputs"),
                out);
    }

    private static Matrix gaussian(int rows, int cols, Random r) {
        double[] v = new double[rows * cols];
        for (int i = 0; i < v.length; i++) v[i] = r.nextGaussian();
        return Matrix.wrapColumnMajor(rows, cols, v);
    }
}
