package org.ntk4j.io;

import static org.junit.jupiter.api.Assertions.*;
import static org.ntk4j.io.NpyTest.doubles;
import static org.ntk4j.io.NpyTest.message;
import static org.ntk4j.io.NpyTest.raw;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.Matrix;

/** {@link Npy#shape} and {@link Npy#readRows}: any row range equals the same rows of the whole-file read. */
class NpyRowsTest {
    @TempDir
    Path dir;

    private static final ReadOptions X = ReadOptions.forArgument("--x-train");

    /** Rows [first, first + count) of m, bit for bit. */
    private static void assertRows(Matrix whole, long first, Matrix block) {
        assertEquals(whole.cols(), block.cols());
        for (int i = 0; i < block.rows(); i++)
            for (int j = 0; j < block.cols(); j++)
                assertEquals(
                        Double.doubleToRawLongBits(whole.get((int) first + i, j)),
                        Double.doubleToRawLongBits(block.get(i, j)),
                        "row " + (first + i) + ", column " + j);
    }

    @Test
    void everyRangeOfACOrderFileIsThoseRows() {
        Matrix m = NpyTest.random(257, 5, 3);
        Path f = dir.resolve("c.npy");
        Npy.write(f, m);
        NpyShape s = Npy.shape(f, X);
        assertEquals(new NpyShape(257, 5, false, NpyDType.FLOAT64), s);
        Random r = new Random(7);
        for (int t = 0; t < 50; t++) {
            int first = r.nextInt(258), count = r.nextInt(258 - first);
            assertRows(m, first, Npy.readRows(f, first, count, X));
        }
        assertRows(m, 0, Npy.readRows(f, 0, 257, X));
        assertEquals(0, Npy.readRows(f, 257, 0, X).rows());
    }

    @Test
    void fortranOrderVectorsFloat32AndIntegers() throws IOException {
        // 3×2 [[1,2],[3,4],[5,6]] stored column-major: 1,3,5,2,4,6
        Path fo = raw(
                dir.resolve("f.npy"),
                1,
                "{'descr': '<f8', 'fortran_order': True, 'shape': (3, 2), }",
                doubles(1, 3, 5, 2, 4, 6));
        assertEquals(Matrix.of(new double[][] {{3, 4}, {5, 6}}), Npy.readRows(fo, 1, 2, X));
        Path v = raw(
                dir.resolve("v.npy"),
                1,
                "{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }",
                doubles(9, 8, 7, 6));
        NpyShape vs = Npy.shape(v, X);
        assertTrue(vs.vector());
        assertEquals(4, vs.rows());
        assertEquals(1, vs.cols());
        assertEquals(Matrix.of(new double[][] {{8}, {7}}), Npy.readRows(v, 1, 2, X));
        Matrix m32 = NpyTest.random(40, 3, 11);
        Path f32 = dir.resolve("f32.npy");
        Npy.write(f32, m32, DType.FLOAT32);
        assertRows(Npy.read(f32), 13, Npy.readRows(f32, 13, 20, X));
        ByteBuffer i8 = ByteBuffer.allocate(48).order(ByteOrder.LITTLE_ENDIAN);
        for (long x : new long[] {1, 2, 3, 4, (1L << 53) + 1, 6}) i8.putLong(x);
        Path ints = raw(
                dir.resolve("i8.npy"), 1, "{'descr': '<i8', 'fortran_order': False, 'shape': (3, 2), }", i8.array());
        assertEquals(Matrix.of(new double[][] {{1, 2}}), Npy.readRows(ints, 0, 1, X));
        String msg = message(() -> Npy.readRows(ints, 1, 2, X));
        assertTrue(msg.contains("at row 2, column 0"), msg); // the row in the file, not in the block
    }

    @Test
    void errorsNameTheArgumentAndTheRowInTheFile() throws IOException {
        double[] v = new double[30];
        for (int k = 0; k < v.length; k++) v[k] = k;
        v[2 * 3 + 1] = Double.NaN; // C order, 10×3: row 2, column 1
        Path f = raw(
                dir.resolve("nan.npy"), 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (10, 3), }", doubles(v));
        assertEquals(2, Npy.readRows(f, 0, 2, X).rows()); // the rows before it read
        String msg = message(() -> Npy.readRows(f, 1, 5, X));
        assertTrue(msg.startsWith("--x-train") && msg.contains("row 2, column 1"), msg);
        assertTrue(Double.isNaN(Npy.readRows(f, 2, 1, X.withCheckFinite(false)).get(0, 1)));
        msg = message(() -> Npy.readRows(f, 8, 3, X));
        assertTrue(msg.contains("rows [8, 11) are outside") && msg.contains("10 rows"), msg);
        msg = message(() -> Npy.readRows(f, -1, 1, X));
        assertTrue(msg.contains("outside"), msg);
        Path cut = raw(
                dir.resolve("cut.npy"),
                1,
                "{'descr': '<f8', 'fortran_order': False, 'shape': (10, 3), }",
                doubles(1, 2));
        msg = message(() -> Npy.shape(cut, X));
        assertTrue(msg.contains("truncated"), msg);
        Path cube = raw(
                dir.resolve("cube.npy"),
                1,
                "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1, 2), }",
                doubles(1, 2));
        msg = message(() -> Npy.readRows(cube, 0, 1, X));
        assertTrue(msg.contains("expected 1-D (n,) or 2-D (n, d)"), msg);
        msg = message(() -> Npy.shape(dir.resolve("missing.npy"), X));
        assertTrue(msg.contains("file not found"), msg);
    }
}
