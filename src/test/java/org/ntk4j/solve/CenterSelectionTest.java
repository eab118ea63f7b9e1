package org.ntk4j.solve;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.Matrix;

/** The centers' draw is pinned (another engine reproduces it from docs/falkon.md); counts and points are checked. */
class CenterSelectionTest {
    @Test
    void theDrawIsPinned() {
        // Random(seed), partial Fisher–Yates over [0, n), the first M sorted: values an engine in another
        // language can check itself against
        assertArrayEquals(new int[] {0, 3, 5, 8}, CenterSelection.sampleIndices(10, 4, 0));
        assertArrayEquals(new int[] {0, 4, 6, 7}, CenterSelection.sampleIndices(10, 4, 42));
        assertArrayEquals(CenterSelection.sampleIndices(10, 4, 0), LowRankPreconditioner.sample(10, 4, 0));
        int[] all = CenterSelection.sampleIndices(7, 7, 3);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6}, all);
        assertEquals(0, CenterSelection.sampleIndices(5, 0, 1).length);
        assertThrows(IllegalArgumentException.class, () -> CenterSelection.sampleIndices(5, 6, 1));
    }

    @Test
    void countsAndPoints() {
        assertEquals(2000, CenterSelection.sampled(0, 0).count(1_000_000));
        assertEquals(30, CenterSelection.sampled(0, 0).count(30));
        assertEquals(30, CenterSelection.sampled(30, 0).count(30));
        InvalidInputException e = assertThrows(
                InvalidInputException.class,
                () -> CenterSelection.sampled(31, 0).count(30));
        assertEquals("centers", e.argument());
        assertEquals(
                "centers",
                assertThrows(InvalidInputException.class, () -> CenterSelection.sampled(-1, 0))
                        .argument());
        Matrix z = Matrix.of(new double[][] {{1, 2}, {3, 4}, {5, 6}});
        assertEquals(3, CenterSelection.points(z).count(2)); // points need not be training rows
        assertEquals(
                CenterSelection.points(z),
                SolverOptions.defaults().withCenterPoints(z).centerSelection());
        assertEquals(
                CenterSelection.sampled(12, 9),
                SolverOptions.defaults().withCenters(12).withSeed(9).centerSelection());
    }
}
