package org.ntk4j.finite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.Dense;
import org.ntk4j.arch.Parameterization;
import org.ntk4j.arch.activation.Relu;
import org.ntk4j.linalg.Matrix;

/** {@link FiniteNetwork#conditionalNngp}: Ĝ(a, b) = σ_b² + (σ_w²/n)·Σᵢ φ(zᵢ(a))·φ(zᵢ(b)) of the readout. */
class ConditionalNngpTest {
    static final Architecture ARCH = Architecture.of(Dense.of(3, 1.5, 0.1), new Relu(), Dense.of(2, 1.2, 0.3));
    static final Matrix X = Matrix.of(new double[][] {{1.0, -0.5}, {0.2, 0.8}, {-1.0, 0.3}});

    @Test
    void matchesTheFormulaOnExplicitParameters() {
        double[][] w1 = {{0.3, -1.1, 0.7}, {1.4, 0.2, -0.6}};
        double[] b1 = {0.5, -0.2, 1.0};
        FiniteNetwork net = FiniteNetwork.of(
                ARCH,
                List.of(
                        new DenseParameters(Matrix.of(w1), b1),
                        new DenseParameters(Matrix.of(new double[][] {{1, 0}, {0, 1}, {1, 1}}), new double[] {0, 0})));
        Matrix g = net.conditionalNngp(X, null);
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++) {
                double sum = 0;
                for (int i = 0; i < 3; i++) sum += relu(X, w1, b1, a, i) * relu(X, w1, b1, b, i);
                assertEquals(0.3 * 0.3 + 1.2 * 1.2 / 3 * sum, g.get(a, b), 1e-14);
            }
    }

    @Test
    void bothParameterizationsGiveTheSameValuesFromOneSeed() {
        FiniteNetwork ntk = FiniteNetwork.initialize(ARCH, 2, 64, 7);
        FiniteNetwork std = FiniteNetwork.initialize(ARCH.withParameterization(Parameterization.STANDARD), 2, 64, 7);
        Matrix a = ntk.conditionalNngp(X, Matrix.of(new double[][] {{0.1, 0.1}}));
        Matrix b = std.conditionalNngp(X, Matrix.of(new double[][] {{0.1, 0.1}}));
        for (int i = 0; i < 3; i++) assertEquals(a.get(i, 0), b.get(i, 0), 1e-12 * Math.abs(a.get(i, 0)));
    }

    private static double relu(Matrix x, double[][] w, double[] b, int a, int i) {
        double z = 0.1 * b[i];
        for (int k = 0; k < 2; k++) z += 1.5 / Math.sqrt(2) * x.get(a, k) * w[k][i];
        return Math.max(z, 0);
    }
}
