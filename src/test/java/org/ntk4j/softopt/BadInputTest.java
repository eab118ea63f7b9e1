package org.ntk4j.softopt;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.ntk4j.error.InvalidInputException;

/** Documented errors: each bad input raises InvalidInputException naming the argument. */
class BadInputTest {
    static final double[] U = {1, 2, 3};
    static final Prior G = Prior.uniform(3);

    static void names(String argument, Executable call) {
        InvalidInputException e = assertThrows(InvalidInputException.class, call);
        assertEquals(argument, e.argument(), e.getMessage());
        assertTrue(e.getMessage().startsWith(argument + ": "), e.getMessage());
    }

    @Test
    void prior() {
        names("prior", () -> Prior.of(new double[] {0.5, 0.6, -0.1}));
        names("prior", () -> Prior.of(new double[] {0.5, 0.6, 0.1})); // not normalized
        names("prior", () -> Prior.normalize(new double[] {0, 0, 0}));
        names("prior", () -> Prior.normalize(new double[] {1, Double.NaN}));
        names("prior", () -> Prior.normalize(new double[] {1, -1e-3}));
        names("prior", () -> Prior.of(new double[0]));
        names("n", () -> Prior.uniform(0));
        assertEquals(0.25, Prior.normalize(new double[] {1, 3}).weight(0), 1e-16);
    }

    @Test
    void utilityAndLengths() {
        names("utility", () -> Maximin.solve(G, new double[] {1, Double.NaN, 3}, 0.1));
        names("utility", () -> Maximin.solve(G, new double[] {1, 2}, 0.1));
        names("utility", () -> Quantilizer.of(G, new double[] {1, Double.POSITIVE_INFINITY, 3}, 0.5));
        names("utility", () -> Quantilizer.of(G, new double[] {1, 2, 3, 4}, 0.5));
        names("sd", () -> LowerBandMaximin.solve(G, U, new double[] {1, 2}, 1, 0.1));
        names("sd", () -> LowerBandMaximin.solve(G, U, new double[] {1, -2, 0}, 1, 0.1));
        names("kappa", () -> LowerBandMaximin.solve(G, U, new double[] {1, 2, 0}, -1, 0.1));
        names("labels", () -> EpsilonBound.hoeffding(U, new double[] {1, 2}, 1, 0.05));
        names("p", () -> Maximin.guaranteedValue(G, U, new double[] {1, 0}, 0.1));
    }

    @Test
    void epsilonAndQ() {
        names("epsilon", () -> Maximin.solve(G, U, -0.1));
        names("epsilon", () -> Maximin.solve(G, U, Double.NaN));
        names("epsilon", () -> LowerBandMaximin.solve(G, U, new double[3], 1, -1));
        names("epsilon", () -> EmpiricalMaximin.cutoff(U, -1));
        names("q", () -> Quantilizer.of(G, U, 0));
        names("q", () -> Quantilizer.of(G, U, 1.5));
        names("q", () -> Quantilizer.of(G, U, -0.2));
        names("q", () -> Quantilizer.of(G, U, Double.NaN));
    }

    @Test
    void epsilonEstimation() {
        names("range", () -> EpsilonBound.hoeffding(U, new double[] {1, 2, 5}, 1, 0.05)); // |3 − 5| > R
        names("range", () -> EpsilonBound.hoeffding(U, U, 0, 0.05));
        names("delta", () -> EpsilonBound.hoeffding(U, U, 1, 0));
        names("delta", () -> EpsilonBound.hoeffding(U, U, 1, 1));
        names("jointSamples", () -> EpsilonBound.posteriorQuantile(G, U, new double[0][], 0.05));
    }
}
