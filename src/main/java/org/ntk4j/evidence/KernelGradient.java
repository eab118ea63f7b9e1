package org.ntk4j.evidence;

import org.ntk4j.parallel.ParallelRegion;

/**
 * The contraction Σ_ij W_ij·∂M_ij/∂θ over the training kernel, for θ = W_std and b_std, without
 * storing any n×n derivative matrix: the entries of ∂M are produced column by column of the lower
 * triangle (the triangle the Cholesky factor reads) and multiplied by the symmetric weights W at
 * once, the strictly lower entries counted twice. The derivative of the log marginal likelihood is
 * such a contraction with W = ½·ααᵀ − (k/2)·(M + λI)⁻¹ (docs/evidence.md §1).
 *
 * <p>In parallel over columns; each column's sum is kept apart and the columns are added in order,
 * so the result does not depend on the thread count or on which worker ran a column.
 */
final class KernelGradient {
    private KernelGradient() {}

    /** The weights of one column of the lower triangle. */
    @FunctionalInterface
    interface ColumnWeights {
        /** Writes W_ij for i = j .. n−1 into {@code w[i − j]}; called from several threads at once. */
        void column(int j, double[] w);
    }

    /** Per worker: its evaluator and buffers. */
    private record Worker(EntryDerivatives.Evaluator eval, double[] weights, double[] out) {}

    /**
     * {Σ_ij W_ij ∂M_ij/∂W_std, Σ_ij W_ij ∂M_ij/∂b_std} over all i, j, reading only i ≥ j.
     *
     * @param threads workers (≥ 1)
     */
    static double[] contract(InputRows x, EntryDerivatives derivatives, ColumnWeights weights, int threads) {
        int n = x.size();
        double[] perColumn = new double[2 * n];
        ParallelRegion.forEach(
                "the marginal-likelihood gradient",
                "ntk4j-evidence",
                threads,
                n,
                () -> new Worker(derivatives.evaluator(), new double[n], new double[2]),
                (wk, j) -> {
                    weights.column(j, wk.weights());
                    double sw = 0, sb = 0;
                    for (int i = j; i < n; i++) {
                        wk.eval().derivatives(x.gram(i, j), i, j, wk.out());
                        double wij = i == j ? wk.weights()[0] : 2 * wk.weights()[i - j];
                        sw += wij * wk.out()[0];
                        sb += wij * wk.out()[1];
                    }
                    perColumn[2 * j] = sw;
                    perColumn[2 * j + 1] = sb;
                });
        double gw = 0, gb = 0;
        for (int j = 0; j < n; j++) {
            gw += perColumn[2 * j];
            gb += perColumn[2 * j + 1];
        }
        return new double[] {gw, gb};
    }
}
