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

    @Test
    void oneHiddenReluLayerHasTheExactNtkVarianceAndNoMeanShift() {
        // Θ̂(x,x) = σ_b² + (σ_w²/n)·Σ_k (φ_k² + W_k²·1[z_k > 0]·K¹): an average of independent terms whose
        // variance is σ_w⁴·(E[φ⁴] + 2K¹E[φ²] + 3K¹²/2 − K¹²) = 3σ_w⁴K¹² with E[φ²] = K¹/2, E[φ⁴] = 3K¹²/2
        Architecture arch = Architecture.of(Dense.of(8, 1.5, 0.2), new Relu(), Dense.of(1, 1.1, 0.1));
        double q0 = 0.7, k1 = 0.04 + 2.25 * q0;
        PairRecursion.State s = PairRecursion.run(CorrectionPlan.of(arch), q0, q0, q0);
        assertEquals(3 * 1.21 * 1.21 * k1 * k1, s.ntkVar(), 1e-12);
        assertEquals(0.0, s.lam1()[2], 1e-12);
        assertEquals(0.0, s.k1()[2], 1e-12);
    }
}
