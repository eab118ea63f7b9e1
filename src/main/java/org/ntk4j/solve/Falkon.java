package org.ntk4j.solve;

import org.ntk4j.operator.LinearOperator;

/**
 * Falkon's iteration (Rudi, Carratino &amp; Rosasco 2017): the Nyström model's M-dimensional system
 * <pre>  (K_MnK_nM + λ·K̃_MM)·α = K_Mn·y  </pre>
 * solved by conjugate gradients on the preconditioned system Pᵀ·H·P·β = Pᵀ·b, α = P·β, with
 * {@link FalkonPreconditioner}'s P. Each iteration applies the data term D = K_MnK_nM once (one
 * pass over the training rows: O(n·M) kernel entries) and four M×M triangular solves; K_nM is never
 * needed whole.
 *
 * <p><b>The contract for an engine that supplies the data term</b> (this library's
 * {@link FalkonSolver} streams row blocks; a distributed engine sums partitions):
 * <ol>
 *   <li>Draw or take the centers ({@link CenterSelection}) and compute K_MM on the driver;
 *       resolve λ (ntk4j's absolute λ, i.e. Falkon's n·λ_F); build
 *       {@code FalkonPreconditioner.of(kMM, lambda, n)}.</li>
 *   <li>Right-hand sides: b = K_Mn·Y = Σ over row blocks (or partitions) p of K_pMᵀ·Y_p, M×k
 *       column-major (one pass).</li>
 *   <li>{@code dataTerm}: a {@link LinearOperator} V ↦ K_MnK_nM·V = Σ_p K_pMᵀ·(K_pM·V) for V
 *       column-major M×k, returning a new M×k array — the raw kernel K_pM, <em>without</em> the
 *       jitter the preconditioner may have added to K_MM (that jitter is part of λ·K̃_MM, which the
 *       preconditioned operator accounts for itself). Called once per iteration plus once at the end
 *       (the true residual); the block of columns it is given shrinks as columns converge.</li>
 *   <li>{@link #solve}; then the mean at test points is K_tM·α (and the model's variances need
 *       G = K_MnK_nM formed once, as the direct Nyström solve does: O(n·M²)).</li>
 * </ol>
 * The stopping rule: a column stops when the relative residual of the preconditioned system,
 * ‖Pᵀb − PᵀHP·β‖/‖Pᵀb‖, is at most {@code tolerance}; or all stop at {@code maxIterations}. The
 * reported residual is recomputed from β after the loop ({@link BlockCg}).
 *
 * <p>Internal API (shared with other engines of the same model); it may change in any release.
 */
public final class Falkon {
    private Falkon() {}

    /**
     * The result of one Falkon solve.
     *
     * @param alpha       the coefficients α, column-major M×k: the mean at x is K(x, centers)·α
     * @param k           the number of right-hand sides
     * @param cg          the CG run on the preconditioned system (iterations, true relative residuals
     *                    of Pᵀ·H·P·β = Pᵀ·b, whether every column reached the tolerance)
     */
    public record Result(double[] alpha, int k, CgResult cg) {
        public Result {
            if (alpha == null || cg == null || cg.k() != k)
                throw new IllegalArgumentException("falkon result: inconsistent parts");
            alpha = alpha.clone();
        }

        @Override
        public double[] alpha() {
            return alpha.clone();
        }

        /** Why the iteration stopped: {@code tolerance} (every column reached it) or {@code iteration cap}. */
        public String stoppingRule() {
            return cg.converged() ? TOLERANCE : ITERATION_CAP;
        }
    }

    /** {@link Result#stoppingRule()} when every column reached the tolerance. */
    public static final String TOLERANCE = "tolerance";

    /** {@link Result#stoppingRule()} when the iteration cap stopped it first. */
    public static final String ITERATION_CAP = "iteration cap";

    /**
     * Solves (D + λ·K̃_MM)·α = b for k right-hand sides, D = K_MnK_nM supplied by {@code dataTerm} (see
     * the class comment for the contract).
     *
     * @param dataTerm      V ↦ K_MnK_nM·V (M×k column-major in, new M×k array out)
     * @param p             the preconditioner (holds K̃_MM's factor and λ)
     * @param b             the right-hand sides K_Mn·Y, column-major M×k
     * @param k             the number of right-hand sides, ≥ 1
     * @param tolerance     the relative residual of the preconditioned system at which a column stops, in (0, 1)
     * @param maxIterations the iteration cap, ≥ 1
     */
    public static Result solve(
            LinearOperator dataTerm, FalkonPreconditioner p, double[] b, int k, double tolerance, int maxIterations) {
        if (!(tolerance > 0 && tolerance < 1))
            throw new IllegalArgumentException("falkon: tolerance must be in (0, 1), got " + tolerance);
        if (maxIterations < 1)
            throw new IllegalArgumentException("falkon: maxIterations must be >= 1, got " + maxIterations);
        if (k < 1) throw new IllegalArgumentException("falkon: need k >= 1 right-hand sides, got " + k);
        int m = p.size();
        double[] rhs = p.transposeTimes(b, k);
        CgResult cg = BlockCg.solve(
                (v, cols) -> p.preconditioned(dataTerm, v, cols),
                Preconditioner.IDENTITY,
                rhs,
                m,
                k,
                tolerance,
                maxIterations);
        return new Result(p.times(cg.x(), k), k, cg);
    }
}
