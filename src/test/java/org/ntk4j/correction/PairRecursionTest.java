package org.ntk4j.correction;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.Dense;
import org.ntk4j.arch.Layer;
import org.ntk4j.arch.activation.Relu;

/** The exact anchors of issue 18: ReLU, no bias, W_std = √2, L hidden layers. */
class PairRecursionTest {
    static Architecture relu(int hidden) {
        Layer[] layers = new Layer[2 * hidden + 1];
        for (int l = 0; l < hidden; l++) {
            layers[2 * l] = Dense.noBias(8, Math.sqrt(2));
            layers[2 * l + 1] = new Relu();
        }
        layers[2 * hidden] = Dense.noBias(1, Math.sqrt(2));
        return Architecture.of(layers);
    }

    @Test
    void reluDiagonalVarianceIsFiveLAndItsMeanIsExact() {
        for (int hidden = 1; hidden <= 4; hidden++) {
            PairRecursion.State s = PairRecursion.run(CorrectionPlan.of(relu(hidden)), 1.3, 1.3, 1.3);
            double k = s.k()[0];
            assertEquals(2 * 1.3, k, 1e-14);
            assertEquals(5.0 * hidden, s.v()[0] / (k * k), 1e-11, "L = " + hidden);
            assertEquals(0.0, s.k1()[0], 1e-11);
            // the coincident pair is the diagonal itself
            assertEquals(s.v()[0], s.v()[14], 1e-11);
            assertEquals(s.k1()[0], s.k1()[2], 1e-11);
        }
    }
}
