package org.ntk4j.linalg;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link NativeMatrix} splits element access into chunks (1 GiB each; a direct buffer cannot span
 * 2 GiB): with 16-entry chunks every accessor must still address the same native memory that
 * BLAS/LAPACK see through {@link NativeMatrix#pointer()}.
 */
class NativeMatrixChunksTest {
    @Test
    void smallChunksAddressTheSameMemoryAsThePointer() {
        int r = 13, c = 11, n = r * c;
        Random rnd = new Random(5);
        double[] ref = new double[n];
        try (NativeMatrix m = NativeMatrix.allocate(r, c, "chunked", 4)) {
            for (int k = 0; k < n; k++) {
                ref[k] = rnd.nextGaussian();
                m.setAt(k, ref[k]);
            }
            assertArrayEquals(ref, m.toColumnMajorArray(), 0.0); // read through the pointer (memcpy)
            // runs that straddle one and several chunk boundaries
            for (int[] run : new int[][] {{0, 16}, {14, 5}, {30, 40}, {100, 43}, {n - 1, 1}, {7, 0}}) {
                double[] src = new double[run[1] + 3];
                for (int i = 0; i < src.length; i++) src[i] = rnd.nextGaussian();
                m.putRun(run[0], src, 2, run[1]);
                System.arraycopy(src, 2, ref, run[0], run[1]);
                assertArrayEquals(ref, m.toColumnMajorArray(), 0.0, "run " + run[0] + "+" + run[1]);
            }
            for (int k = 0; k < n; k++) assertEquals(ref[k], m.at(k), 0.0);
            for (int j = 0; j < c; j++) for (int i = 0; i < r; i++) assertEquals(ref[i + j * r], m.get(i, j), 0.0);
            assertThrows(IndexOutOfBoundsException.class, () -> m.putRun(n - 2, new double[3], 0, 3));
        }
        try (NativeMatrix sq = NativeMatrix.allocate(9, 9, "chunked square", 3)) {
            double[] a = new double[81];
            for (int k = 0; k < 81; k++) {
                a[k] = rnd.nextGaussian();
                sq.setAt(k, a[k]);
            }
            sq.mirrorUpperToLower();
            for (int j = 0; j < 9; j++)
                for (int i = 0; i < 9; i++) assertEquals(a[Math.min(i, j) + Math.max(i, j) * 9], sq.get(i, j), 0.0);
            sq.addToDiagonal(1.5);
            for (int i = 0; i < 9; i++) assertEquals(a[i + i * 9] + 1.5, sq.diagonal()[i], 0.0);
        }
    }
}
