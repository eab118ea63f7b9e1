package org.ntk4j.finite;

import org.ntk4j.arch.Activation;

/**
 * One step of a finite network's forward pass, compiled from an architecture layer. Arrays are
 * owned by the immutable {@link FiniteNetwork} and never handed out.
 */
sealed interface Step {
    /** Width of this step's output. */
    int outWidth();

    /**
     * A Dense layer h = wMul·a·W + bMul·b with W (nIn×nOut, column-major) and b the stored
     * parameters. NTK parameterization: wMul = W_std/√nIn, bMul = b_std; standard: wMul = bMul = 1.
     * The empirical NTK contribution is (wMul²·⟨a, a'⟩ + bMul²·[bias])·⟨δ, δ'⟩, and a gradient step
     * on W is −η·wMul·aᵀδ, so both parameterizations share one code path.
     */
    record DenseStep(int nIn, int nOut, double wMul, double bMul, double[] w, double[] b) implements Step {
        boolean hasBias() {
            return b != null;
        }

        @Override
        public int outWidth() {
            return nOut;
        }
    }

    /** An elementwise nonlinearity; {@code width} equals its input's width. */
    record ActivationStep(Activation activation, int width) implements Step {
        @Override
        public int outWidth() {
            return width;
        }
    }
}
