package org.ntk4j.io;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.linalg.NativeMatrix;

/**
 * The CSV writer ({@code --format csv}): the layout (no header, a row per line, commas), every value
 * the shortest decimal of {@link Double#toString}, and a bit-exact round trip, both by parsing the
 * text and through {@link Csv#read}, the reader every command's inputs go through.
 */
class CsvWriteTest {
    @TempDir
    Path dir;

    /** Values whose decimals are hard: subnormals, extremes, powers of two, negative zero, long fractions. */
    static final double[] HARD = {
        0.1,
        -0.0,
        0.0,
        1.0 / 3,
        Double.MIN_VALUE,
        -Double.MIN_NORMAL,
        Double.MAX_VALUE,
        -Double.MAX_VALUE,
        Math.ulp(1.0),
        1e23,
        9007199254740993.0,
        2e-308,
        123456789.125,
        -1e-5,
        Math.PI,
        5e-324
    };

    /** A rows×cols matrix of HARD values and random doubles of every exponent (row-major). */
    static double[][] values(int rows, int cols, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] v = new double[rows][cols];
        int k = 0;
        for (double[] row : v)
            for (int j = 0; j < cols; j++, k++)
                row[j] = k < HARD.length
                        ? HARD[k]
                        : (r.nextBoolean() ? -1 : 1) * Math.scalb(r.nextDouble(1, 2), r.nextInt(-1074, 1023));
        return v;
    }

    /** The file parsed back field by field with {@link Double#parseDouble}, checking the layout. */
    static double[][] parse(Path f, int rows, int cols) throws IOException {
        List<String> lines = Files.readAllLines(f);
        assertEquals(rows, lines.size());
        double[][] v = new double[rows][];
        for (int i = 0; i < rows; i++) {
            String[] fields = lines.get(i).split(",", -1);
            assertEquals(cols, fields.length, lines.get(i));
            v[i] = new double[cols];
            for (int j = 0; j < cols; j++) v[i][j] = Double.parseDouble(fields[j]);
        }
        return v;
    }

    static void assertBitwise(double[][] expected, double[][] actual) {
        for (int i = 0; i < expected.length; i++)
            for (int j = 0; j < expected[i].length; j++)
                assertEquals(
                        Double.doubleToRawLongBits(expected[i][j]),
                        Double.doubleToRawLongBits(actual[i][j]),
                        "(" + i + "," + j + "): " + expected[i][j] + " read back as " + actual[i][j]);
    }

    @Test
    void matrixRoundTripsBitForBitAndEveryValueIsDoubleToString() throws IOException {
        double[][] v = values(37, 11, 1);
        Path f = dir.resolve("m.csv");
        Csv.write(f, Matrix.of(v), DType.FLOAT64);
        assertBitwise(v, parse(f, 37, 11));
        List<String> lines = Files.readAllLines(f);
        for (int i = 0; i < v.length; i++)
            for (int j = 0; j < v[i].length; j++)
                assertEquals(Double.toString(v[i][j]), lines.get(i).split(",")[j]);
        // the reader of every command's inputs takes it back unchanged (no header detected, -0.0 kept)
        assertEquals(Matrix.of(v), Csv.read(f));
        assertTrue(
                lines.get(0).startsWith("0.1,-0.0,0.0,0.3333333333333333,4.9E-324,-2.2250738585072014E-308,"),
                lines.get(0));
    }

    @Test
    void nativeMatricesWriteTheSameTextAsHeapOnesInBothLayouts() throws IOException {
        double[][] v = values(9, 4, 2);
        Path heap = dir.resolve("heap.csv"), nat = dir.resolve("native.csv");
        Csv.write(heap, Matrix.of(v), DType.FLOAT64);
        try (NativeMatrix m = NativeMatrix.copyOf(Matrix.of(v), "test")) {
            Csv.write(nat, m, DType.FLOAT64, false);
        }
        assertEquals(Files.readString(heap), Files.readString(nat));
        // an exactly symmetric matrix is read as columns: the same text as its heap twin
        double[][] s = new double[6][6];
        for (int i = 0; i < 6; i++) for (int j = 0; j <= i; j++) s[i][j] = s[j][i] = values(6, 6, 3)[i][j];
        Path sh = dir.resolve("sym-heap.csv"), sn = dir.resolve("sym-native.csv");
        Csv.write(sh, Matrix.of(s), DType.FLOAT64);
        try (NativeMatrix m = NativeMatrix.copyOf(Matrix.of(s), "test")) {
            Csv.write(sn, m, DType.FLOAT64, true);
            try (NativeMatrix r = NativeMatrix.copyOf(Matrix.of(v), "test")) {
                assertThrows(
                        IllegalArgumentException.class, () -> Csv.write(dir.resolve("x.csv"), r, DType.FLOAT64, true));
            }
        }
        assertEquals(Files.readString(sh), Files.readString(sn));
    }

    @Test
    void largeMatricesSpanSeveralBlocksAndFlushes() throws IOException {
        double[][] v = values(300, 700, 4); // 210k values: several row blocks and ~4 MB of text
        Path f = dir.resolve("big.csv");
        try (NativeMatrix m = NativeMatrix.copyOf(Matrix.of(v), "test")) {
            Csv.write(f, m, DType.FLOAT64, false);
        }
        assertBitwise(v, parse(f, 300, 700));
    }

    @Test
    void vectorIsOneValuePerLine() throws IOException {
        double[] v = values(1, 40, 5)[0];
        Path f = dir.resolve("v.csv");
        Csv.writeVector(f, v, DType.FLOAT64);
        double[][] back = parse(f, 40, 1);
        for (int i = 0; i < v.length; i++)
            assertEquals(Double.doubleToRawLongBits(v[i]), Double.doubleToRawLongBits(back[i][0]));
        assertEquals(Matrix.column(v), Csv.read(f));
    }

    @Test
    void float32IsTheShortestDecimalOfTheRoundedValue() throws IOException {
        double[][] v = {{0.1, 1.0 / 3, 1e-40}, {3.4e38, -2.5, 16777217}};
        Path f = dir.resolve("f.csv");
        Csv.write(f, Matrix.of(v), DType.FLOAT32);
        assertEquals("0.1,0.33333334,1.0E-40\n3.4E38,-2.5,1.6777216E7\n", Files.readString(f));
        double[][] back = parse(f, 2, 3);
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 3; j++)
                assertEquals(Float.floatToRawIntBits((float) v[i][j]), Float.floatToRawIntBits((float) back[i][j]));
    }

    @Test
    void nonFiniteValuesAreSpelledAsJavaSpellsThemAndReadBack() throws IOException {
        double[][] v = {{Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1}};
        Path f = dir.resolve("nf.csv");
        Csv.write(f, Matrix.of(v), DType.FLOAT64);
        assertEquals("NaN,Infinity,-Infinity,1.0\n", Files.readString(f));
        assertEquals(Matrix.of(v), Csv.read(f, ReadOptions.defaults().withCheckFinite(false)));
    }

    @Test
    void arrayFormatNamesFilesAndWritesEach() throws IOException {
        assertEquals("mean.csv", ArrayFormat.CSV.fileName("mean"));
        assertEquals("mean.npy", ArrayFormat.parse(" NPY ").fileName("mean"));
        assertThrows(IllegalArgumentException.class, () -> ArrayFormat.parse("json"));
        double[][] v = values(3, 2, 6);
        ArrayFormat.CSV.write(dir.resolve("a.csv"), Matrix.of(v), DType.FLOAT64);
        ArrayFormat.NPY.write(dir.resolve("a.npy"), Matrix.of(v), DType.FLOAT64);
        assertEquals(Npy.read(dir.resolve("a.npy")), Csv.read(dir.resolve("a.csv")));
        // nothing but the final file is left (written through a renamed temporary)
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count());
        }
    }
}
