package org.ntk4j.solve;

import org.ntk4j.operator.KernelOperator;
import org.ntk4j.predict.Regularization;

/**
 * A CPU solver of the t = ∞ posterior, in Falkon's order: the request was checked
 * ({@link PosteriorRequest}); {@link #operator} builds the kernel operator this solver works on
 * (dense for the exact Cholesky, streamed tiles for CG and Nyström); {@link #solve(KernelOperator,
 * Regularization, PosteriorRequest, String)} solves on it. Every solver returns the same
 * {@link Solved}: a {@link org.ntk4j.predict.Posterior} and one {@link SolveReport}.
 */
public interface PosteriorSolver {
    /** Which solver this is (never AUTO). */
    SolverKind kind();

    /** The kernel operator of the request's training set that this solver works on. */
    KernelOperator operator(PosteriorRequest request);

    /**
     * The posterior of {@code request} from {@code kernels}, the training set's kernels, with the
     * inverted kernel regularized by {@code reg}.
     *
     * @param reason why this solver was chosen (for the report)
     */
    Solved solve(KernelOperator kernels, Regularization reg, PosteriorRequest request, String reason);

    /** Builds the operator, solves on it and frees it. */
    default Solved solve(PosteriorRequest request, String reason) {
        try (KernelOperator kernels = operator(request)) {
            return solve(kernels, request.options().regularization(), request, reason);
        }
    }

    /** The built-in solver of {@code kind}. */
    static PosteriorSolver of(SolverKind kind) {
        return switch (kind) {
            case EXACT -> ExactSolver.INSTANCE;
            case CG -> CgSolver.INSTANCE;
            case NYSTROM -> NystromSolver.INSTANCE;
            case FALKON -> FalkonSolver.INSTANCE;
            case AUTO ->
                throw new IllegalArgumentException("AUTO is a choice, not a solver: resolve it with SolverChoice");
        };
    }
}
