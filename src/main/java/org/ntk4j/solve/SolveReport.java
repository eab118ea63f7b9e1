package org.ntk4j.solve;

/**
 * What a scalable solve did and how far its answer can be from the exact posterior.
 *
 * @param solver             the solver that ran (never AUTO)
 * @param reason             why it was chosen (AUTO's reasoning, or "requested")
 * @param preconditioner     CG's preconditioner (NONE for exact and Nyström)
 * @param rank               rank of the preconditioner (CG), 0 otherwise
 * @param centers            Nyström centers M (Nyström), 0 otherwise
 * @param iterations         CG iterations (0 otherwise)
 * @param maxRelativeResidual CG: the largest true relative residual over all right-hand sides; NaN otherwise
 * @param converged          CG: every right-hand side reached the tolerance; true for exact and Nyström
 * @param meanErrorBound     CG: a bound on |mean − exact mean| at every test point and output,
 *                           ‖m_t‖·max‖r‖/λ (since the regularized kernel's eigenvalues are ≥ λ); NaN otherwise
 * @param varianceErrorBound CG: a bound on |variance − exact variance| (for NNGP/NTKGP the CG value
 *                           is above the exact one by rᵀA⁻¹r ≤ ‖r‖²/λ); NaN otherwise or without variances
 * @param kernelPasses       full passes of kernel evaluation over the n×n (CG) or n×M (Nyström) kernel
 * @param cachedTiles        whether CG kept the kernel tiles in memory after the first pass
 * @param nanos              wall-clock time of the whole prediction
 */
public record SolveReport(SolverKind solver, String reason, PreconditionerKind preconditioner, int rank, int centers,
                          int iterations, double maxRelativeResidual, boolean converged, double meanErrorBound,
                          double varianceErrorBound, long kernelPasses, boolean cachedTiles, long nanos) {
    public SolveReport {
        if (solver == null || solver == SolverKind.AUTO) throw new IllegalArgumentException("solve report: a concrete solver is required");
        if (reason == null) reason = "";
        if (preconditioner == null) preconditioner = PreconditionerKind.NONE;
    }

    /** One line for logs and the CLI. */
    public String summary() {
        StringBuilder s = new StringBuilder("solver: ").append(solver);
        if (!reason.isEmpty()) s.append(" (").append(reason).append(')');
        if (solver == SolverKind.CG) {
            s.append(String.format(java.util.Locale.ROOT, ": %d iterations, preconditioner %s rank %d, max relative residual %.2g%s, "
                    + "|mean error| <= %.2g, |variance error| <= %.2g, %d kernel pass%s%s",
                iterations, preconditioner.name().toLowerCase(java.util.Locale.ROOT), rank, maxRelativeResidual,
                converged ? "" : " (NOT converged: raise --max-iterations or the tolerance)", meanErrorBound, varianceErrorBound,
                kernelPasses, kernelPasses == 1 ? "" : "es", cachedTiles ? ", tiles cached" : ""));
        } else if (solver == SolverKind.NYSTROM) {
            s.append(String.format(java.util.Locale.ROOT, ": M = %d centers; the Nystrom model's posterior, "
                + "not the exact one (compare against --solver exact on a subsample)", centers));
        }
        return s.toString();
    }
}
