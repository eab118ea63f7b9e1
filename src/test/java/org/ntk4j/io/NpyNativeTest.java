package org.ntk4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.linalg.NativeMatrix;

/** {@link Npy#writeColumnMajor} and {@link Npy#readNative}: off-heap matrices to and from .npy, bit for bit. */
class NpyNativeTest {
    @TempDir
    Path dir;

    static Matrix random(int rows, int cols) {
        Random r = new Random(rows * 31L + cols);
        double[][] a = new double[rows][cols];
        for (double[] row : a)
            for (int j = 0; j < cols; j++) row[j] = r.nextGaussian() * Math.exp(r.nextGaussian() * 20);
        return Matrix.of(a);
    }

    static void sameBits(Matrix a, NativeMatrix b) {
        assertEquals(a.rows(), b.rows());
        assertEquals(a.cols(), b.cols());
        for (int j = 0; j < a.cols(); j++)
            for (int i = 0; i < a.rows(); i++)
                assertEquals(Double.doubleToRawLongBits(a.get(i, j)), Double.doubleToRawLongBits(b.get(i, j)));
    }

    @Test
    void columnMajorRoundTripsAndNumpyOrderIsReadToo() {
        for (int[] shape : new int[][] {{7, 5}, {1, 9}, {9, 1}, {300, 200}, {0, 3}}) {
            Matrix m = random(shape[0], shape[1]);
            Path f = dir.resolve("f" + shape[0] + "x" + shape[1] + ".npy");
            try (NativeMatrix nm = NativeMatrix.copyOf(m, "m")) {
                Npy.writeColumnMajor(f, nm);
            }
            try (NativeMatrix back = Npy.readNative(f, ReadOptions.defaults())) {
                sameBits(m, back);
            }
            assertEquals(m.toColumnMajor().length, Npy.read(f).toColumnMajor().length);
            assertTrue(Arrays.equals(m.toColumnMajor(), Npy.read(f).toColumnMajor()), "the heap reader agrees");
            Path c = dir.resolve("c" + shape[0] + "x" + shape[1] + ".npy");
            Npy.write(c, m); // C order
            try (NativeMatrix back = Npy.readNative(c, ReadOptions.defaults())) {
                sameBits(m, back);
            }
        }
    }

    @Test
    void otherDtypesShapesAndTruncationAreRefused() throws IOException {
        Path f32 = dir.resolve("f32.npy");
        Npy.write(f32, random(3, 3), DType.FLOAT32);
        assertThrows(InvalidInputException.class, () -> Npy.readNative(f32, ReadOptions.forArgument("m")));
        Path v = dir.resolve("v.npy");
        Npy.writeVector(v, new double[] {1, 2, 3});
        assertThrows(InvalidInputException.class, () -> Npy.readNative(v, ReadOptions.forArgument("m")));
        Path t = dir.resolve("t.npy");
        try (NativeMatrix nm = NativeMatrix.copyOf(random(4, 4), "m")) {
            Npy.writeColumnMajor(t, nm);
        }
        byte[] b = Files.readAllBytes(t);
        Files.write(t, Arrays.copyOf(b, b.length - 1));
        InvalidInputException e =
                assertThrows(InvalidInputException.class, () -> Npy.readNative(t, ReadOptions.forArgument("m")));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        Path nan = dir.resolve("nan.npy");
        Npy.write(nan, Matrix.of(new double[][] {{1, Double.NaN}}));
        assertThrows(InvalidInputException.class, () -> Npy.readNative(nan, ReadOptions.forArgument("m")));
    }
}
