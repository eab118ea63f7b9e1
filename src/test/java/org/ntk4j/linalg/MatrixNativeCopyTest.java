package org.ntk4j.linalg;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.bytedeco.javacpp.DoublePointer;
import org.junit.jupiter.api.Test;

/** {@link Matrix#toNativeColumnMajor} and {@link Matrix#rowMeanSquares} against plain loops, float64 and float32. */
class MatrixNativeCopyTest {
    @Test
    void nativeCopyHoldsTheColumnMajorEntriesInFloat64() {
        Random r = new Random(5);
        // float32 above one conversion chunk (2^16 entries), so that the chunk loop is exercised
        for (int[] shape : new int[][] {{1, 1}, {7, 3}, {300, 250}}) {
            int rows = shape[0], cols = shape[1];
            double[] cm = new double[rows * cols];
            for (int k = 0; k < cm.length; k++) cm[k] = r.nextGaussian() * Math.pow(10, r.nextInt(7) - 3);
            for (Matrix m : new Matrix[] {
                Matrix.wrapColumnMajor(rows, cols, cm),
                Matrix.wrapColumnMajor(rows, cols, cm).as(DType.FLOAT32)
            }) {
                try (DoublePointer p = m.toNativeColumnMajor()) {
                    assertEquals(0, p.position());
                    for (int j = 0; j < cols; j++)
                        for (int i = 0; i < rows; i++)
                            assertEquals(
                                    Double.doubleToRawLongBits(m.get(i, j)),
                                    Double.doubleToRawLongBits(p.get(i + (long) j * rows)),
                                    "entry (" + i + ", " + j + ") of a " + m.dtype() + " matrix");
                }
            }
        }
    }

    @Test
    void rowMeanSquaresSumOverColumnsInOrder() {
        Random r = new Random(6);
        int rows = 13, cols = 9;
        double[] cm = new double[rows * cols];
        for (int k = 0; k < cm.length; k++) cm[k] = r.nextGaussian();
        for (Matrix m : new Matrix[] {
            Matrix.wrapColumnMajor(rows, cols, cm),
            Matrix.wrapColumnMajor(rows, cols, cm).as(DType.FLOAT32)
        }) {
            double[] q = m.rowMeanSquares();
            for (int i = 0; i < rows; i++) {
                double s = 0;
                for (int j = 0; j < cols; j++) s += m.get(i, j) * m.get(i, j);
                assertEquals(s / cols, q[i], 0.0, "row " + i);
            }
        }
        assertArrayEquals(
                new double[] {25.0 / 2},
                Matrix.wrapColumnMajor(1, 2, new double[] {3, 4}).rowMeanSquares());
    }
}
