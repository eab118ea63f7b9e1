package org.ntk4j.evidence;

/**
 * The derivatives of one entry M_ij of the training kernel (K or Θ) with respect to the shared
 * W_std and b_std, computed from the entry's input kernel K⁰(x_i, x_j) and per-point quantities
 * prepared once: either in closed form by forward-mode differentiation of the recursion
 * ({@link TangentPlan}) or by finite differences of it ({@link DifferencePlan}).
 */
interface EntryDerivatives {
    /** How the derivatives are obtained. */
    Evidence.GradientMethod method();

    /** An evaluator with its own scratch space: one per worker thread. */
    Evaluator evaluator();

    /** Evaluates entries (not thread-safe: each worker has its own). */
    interface Evaluator {
        /**
         * out[0] = ∂M_ij/∂W_std, out[1] = ∂M_ij/∂b_std for the entry (i, j), row point i and column
         * point j (the map's q1 is x_i's variance), whose input kernel is {@code gram}.
         */
        void derivatives(double gram, int i, int j, double[] out);
    }
}
