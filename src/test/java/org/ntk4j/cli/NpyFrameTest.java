package org.ntk4j.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.error.Ntk4jException;
import org.ntk4j.io.Npy;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.spark.LoopbackSpark;
import org.ntk4j.spark.NtkRegression;

/**
 * {@link NpyFrame}: training rows read by the tasks from .npy files, in file order across partitions
 * and read blocks, labels scalar or vector; a bad value is a typed error naming the flag and the row
 * in the file, and mismatched headers fail on the driver before Spark runs a task.
 */
class NpyFrameTest {
    @TempDir
    static Path dir;

    static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = LoopbackSpark.session("local[2]", "NpyFrameTest");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    static Matrix random(int rows, int cols, long seed) {
        Random r = new Random(seed);
        double[] v = new double[rows * cols];
        for (int k = 0; k < v.length; k++) v[k] = r.nextGaussian();
        return Matrix.wrapColumnMajor(rows, cols, v);
    }

    @Test
    void rowsComeInFileOrderAcrossPartitionsAndBlocks() {
        Matrix x = random(101, 3, 1), y = random(101, 1, 2), y2 = random(101, 2, 3);
        Path xf = dir.resolve("x.npy"), yf = dir.resolve("y.npy"), y2f = dir.resolve("y2.npy");
        Npy.write(xf, x);
        Npy.writeVector(yf, y.toColumnMajor()); // 1-D labels
        Npy.write(y2f, y2);
        for (int p : new int[] {1, 4, 200}) {
            Dataset<Row> d = NpyFrame.frame(spark, xf, yf, NpyFrame.shapes(xf, yf), p, 7);
            assertEquals(Math.min(p, 101), d.javaRDD().getNumPartitions());
            List<Row> rows = d.collectAsList();
            assertEquals(101, rows.size());
            for (int i = 0; i < 101; i++) {
                assertArrayEquals(x.row(i), ((Vector) rows.get(i).get(0)).toArray(), "row " + i + ", p " + p);
                assertEquals(y.get(i, 0), rows.get(i).getDouble(1));
            }
        }
        List<Row> rows =
                NpyFrame.frame(spark, xf, y2f, NpyFrame.shapes(xf, y2f), 3, 5).collectAsList();
        for (int i = 0; i < 101; i++)
            assertArrayEquals(y2.row(i), ((Vector) rows.get(i).get(1)).toArray());
    }

    @Test
    void aNonFiniteValueNamesTheFlagAndItsRowInTheFile() {
        Matrix x = random(60, 2, 4);
        double[] v = x.toColumnMajor();
        v[57 + 60 * 1] = Double.POSITIVE_INFINITY; // row 57, column 1
        Path xf = dir.resolve("inf.npy"), yf = dir.resolve("yinf.npy");
        Npy.write(xf, Matrix.wrapColumnMajor(60, 2, v));
        Npy.writeVector(yf, new double[60]);
        Dataset<Row> d = NpyFrame.frame(spark, xf, yf, NpyFrame.shapes(xf, yf), 4, 6);
        Exception e = assertThrows(Exception.class, d::collectAsList);
        Ntk4jException cause = NtkRegression.ntk4jCause(e);
        assertNotNull(cause, () -> "no ntk4j error in " + e);
        assertTrue(
                cause.getMessage().startsWith("--x-train") && cause.getMessage().contains("row 57, column 1"),
                cause.getMessage());
    }

    @Test
    void headersThatDisagreeFailOnTheDriver() {
        Path xf = dir.resolve("hx.npy"), yf = dir.resolve("hy.npy"), empty = dir.resolve("he.npy");
        Npy.write(xf, random(10, 2, 5));
        Npy.writeVector(yf, new double[9]);
        Npy.write(empty, Matrix.wrapColumnMajor(0, 2, new double[0]));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> NpyFrame.shapes(xf, yf));
        assertTrue(e.getMessage().startsWith("--y-train: has 9 rows, --x-train 10"), e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> NpyFrame.shapes(empty, yf));
        assertTrue(e.getMessage().startsWith("--x-train: has shape (0, 2)"), e.getMessage());
    }

    @Test
    void theCommandReportsATasksBadValueInOneLine(@TempDir Path d) {
        Matrix x = random(50, 2, 6);
        double[] v = x.toColumnMajor();
        v[33] = Double.NaN; // row 33, column 0
        Npy.write(d.resolve("x.npy"), Matrix.wrapColumnMajor(50, 2, v));
        Npy.writeVector(d.resolve("y.npy"), new double[50]);
        Npy.write(d.resolve("xt.npy"), random(3, 2, 7));
        CliRun.of(
                        "spark",
                        "--master",
                        "local[2]",
                        "--partitions",
                        "3",
                        "--x-train",
                        d.resolve("x.npy").toString(),
                        "--y-train",
                        d.resolve("y.npy").toString(),
                        "--x-test",
                        d.resolve("xt.npy").toString(),
                        "--arch",
                        "Dense(8)->Relu->Dense(1)",
                        "--diag-reg",
                        "1e-3",
                        "--centers",
                        "5",
                        "--out",
                        d.resolve("o").toString())
                .fails(3, "x.npy has NaN at row 33, column 0 (0-based)");
    }
}
