package org.ntk4j.linalg;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class RowsTest {
    private static final Matrix A = Matrix.of(new double[][] {{1, 2, 3}, {-4, 5, 6}});
    private static final Matrix B = Matrix.of(new double[][] {{0.5, -1, 2}, {3, 0, -2}});

    @Test
    void rowReductionsAddTheColumnsInOrder() {
        try (NativeMatrix a = NativeMatrix.copyOf(A, "a");
                NativeMatrix b = NativeMatrix.copyOf(B, "b")) {
            assertArrayEquals(
                    new double[] {((0 + 1 * 0.5) + 2 * -1.0) + 3 * 2.0, ((0 + -4 * 3.0) + 5 * 0.0) + 6 * -2.0},
                    Rows.dots(a, b),
                    0);
            assertArrayEquals(
                    new double[] {
                        ((0 + 1 * 1 * 2.0) + 2 * 2 * 3.0) + 3 * 3 * 0.5, ((0 + 16 * 2.0) + 25 * 3.0) + 36 * 0.5
                    },
                    Rows.weightedSquares(a, new double[] {2, 3, 0.5}),
                    0);
        }
    }

    @Test
    void selectTakesRowsOfColumnMajorData() {
        double[] cm = {1, 2, 3, 10, 20, 30}; // 3×2, column-major
        Matrix range = Rows.select(cm, 3, 2, 1, 3);
        assertEquals(2, range.rows());
        assertEquals(2, range.get(0, 0));
        assertEquals(30, range.get(1, 1));
        Matrix picked = Rows.select(cm, 3, 2, new int[] {2, 0});
        assertEquals(3, picked.get(0, 0));
        assertEquals(10, picked.get(1, 1));
    }

    @Test
    void roundOffClampsAndCountsNegatives() {
        double[] v = {1, -1e-17, 0, -2};
        assertEquals(2, RoundOff.clampNegative(v));
        assertArrayEquals(new double[] {1, 0, 0, 0}, v, 0);
        try (NativeMatrix c = NativeMatrix.copyOf(Matrix.of(new double[][] {{-1e-18, -5}, {-5, 2}}), "c")) {
            assertEquals(1, RoundOff.clampNegativeDiagonal(c));
            assertEquals(0, c.get(0, 0));
            assertEquals(-5, c.get(0, 1)); // off-diagonal entries are left alone
        }
    }
}
