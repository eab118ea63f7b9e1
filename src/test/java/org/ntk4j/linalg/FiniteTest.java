package org.ntk4j.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.error.NonFiniteResultException;

/** The one first-non-finite helper: 0-based positions, first by row then column, the count, both exception types. */
class FiniteTest {
    @Test
    void firstIsTheSmallestRowThenColumnAndAllAreCounted() {
        Matrix m = Matrix.of(
                new double[][] {{1, 2, 3}, {4, 5, Double.NaN}, {Double.POSITIVE_INFINITY, 8, Double.NEGATIVE_INFINITY}
                });
        Finite.Entry e = Finite.first(m);
        assertEquals(1, e.row());
        assertEquals(2, e.col());
        assertEquals(3, e.count());
        assertEquals("entry (row 1, column 2) is NaN (0-based), and 2 more non-finite entries", e.describe());
        assertNull(Finite.first(Matrix.of(new double[][] {{1, 2}})));
        try (NativeMatrix n = NativeMatrix.copyOf(m, "test")) {
            assertEquals(e, Finite.first(n));
        }
    }

    @Test
    void vectorsNameTheIndex() {
        Finite.Entry e = Finite.first(new double[] {0, 1, Double.NEGATIVE_INFINITY});
        assertEquals("entry 2 is -Inf (0-based)", e.describe());
        InvalidInputException in =
                assertThrows(InvalidInputException.class, () -> Finite.requireInput(new double[] {Double.NaN}, "u"));
        assertEquals("u", in.argument());
        assertTrue(in.getMessage().startsWith("u: entry 0 is NaN (0-based)"), in.getMessage());
    }

    @Test
    void resultsNameTheStageAndTheRemedy() {
        Matrix m = Matrix.of(new double[][] {{1, Double.POSITIVE_INFINITY}});
        NonFiniteResultException r = assertThrows(
                NonFiniteResultException.class, () -> Finite.requireResult(m, "posterior mean", "rescale y"));
        assertEquals("posterior mean", r.stage());
        assertEquals("posterior mean: entry (row 0, column 1) is +Inf (0-based); rescale y", r.getMessage());
        NonFiniteResultException f = assertThrows(
                NonFiniteResultException.class,
                () -> Finite.requireFloat32(Matrix.of(new double[][] {{1e39}}), "mean"));
        assertEquals("mean (float32)", f.stage());
        assertTrue(f.getMessage().contains("1.0E39"), f.getMessage());
    }
}
