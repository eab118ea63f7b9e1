package org.ntk4j.solve;

import org.ntk4j.device.Device;

/**
 * What a scalable solve did and how far its answer can be from the exact posterior.
 *
 * @param solver             the solver that ran (never AUTO)
 * @param reason             why it was chosen (AUTO's reasoning, or "requested")
 * @param device             where the solve ran: {@link Device#CPU} or {@link Device#GPU} (the kernels
 *                           may have been computed on the GPU for a CPU solve)
 * @param preconditioner     CG's preconditioner (NONE for exact and Nyström)
 * @param rank               rank of the preconditioner (CG), 0 otherwise
 * @param centers            Nyström centers M (Nyström, Falkon), 0 otherwise
 * @param iterations         CG or Falkon iterations (0 otherwise)
 * @param maxRelativeResidual CG: the largest true relative residual over all right-hand sides; Falkon: the
 *                           same on its preconditioned M-dimensional system; NaN otherwise
 * @param converged          CG, Falkon: every right-hand side reached the tolerance; true for exact and Nyström
 * @param meanErrorBound     CG: a bound on |mean − exact mean| at every test point and output,
 *                           ‖m_t‖·max‖r‖/λ (since the regularized kernel's eigenvalues are ≥ λ); NaN otherwise
 * @param varianceErrorBound CG: a bound on |variance − exact variance| (for NNGP/NTKGP the CG value
 *                           is above the exact one by rᵀA⁻¹r ≤ ‖r‖²/λ); NaN otherwise or without variances
 * @param kernelPasses       full passes of kernel evaluation over the n×n (CG) or n×M (Nyström, Falkon) kernel
 * @param cachedTiles        whether CG kept the kernel tiles in memory after the first pass
 * @param nanos              wall-clock time of the whole prediction
 *
 * <p>Solvers build it with {@link #builder}, naming each part they fill in; the defaults are what a
 * direct (exact or Nyström) solve reports.
 */
public record SolveReport(
        SolverKind solver,
        String reason,
        Device device,
        PreconditionerKind preconditioner,
        int rank,
        int centers,
        int iterations,
        double maxRelativeResidual,
        boolean converged,
        double meanErrorBound,
        double varianceErrorBound,
        long kernelPasses,
        boolean cachedTiles,
        long nanos) {
    public SolveReport {
        if (solver == null || solver == SolverKind.AUTO)
            throw new IllegalArgumentException("solve report: a concrete solver is required");
        if (reason == null) reason = "";
        if (device == null || device == Device.AUTO) device = Device.CPU;
        if (preconditioner == null) preconditioner = PreconditionerKind.NONE;
    }

    /**
     * Why an iterative solve stopped: {@code tolerance} (every right-hand side reached it) or
     * {@code iteration cap}; {@code direct} for the exact and Nyström solves.
     */
    public String stoppingRule() {
        if (solver != SolverKind.CG && solver != SolverKind.FALKON) return "direct";
        return converged ? Falkon.TOLERANCE : Falkon.ITERATION_CAP;
    }

    /** One line for logs and the CLI. */
    public String summary() {
        StringBuilder s = new StringBuilder("solver: ").append(solver);
        if (device == Device.GPU) s.append(" on the GPU");
        if (!reason.isEmpty()) s.append(" (").append(reason).append(')');
        if (solver == SolverKind.CG) {
            s.append(String.format(
                    java.util.Locale.ROOT,
                    ": %d iterations, preconditioner %s rank %d, max relative residual %.2g%s, "
                            + "|mean error| <= %.2g, |variance error| <= %.2g, %d kernel pass%s%s",
                    iterations,
                    preconditioner.name().toLowerCase(java.util.Locale.ROOT),
                    rank,
                    maxRelativeResidual,
                    converged
                            ? ""
                            : " (NOT converged: raise the iteration cap, SolverOptions.maxIterations, or loosen the tolerance)",
                    meanErrorBound,
                    varianceErrorBound,
                    kernelPasses,
                    kernelPasses == 1 ? "" : "es",
                    cachedTiles ? ", tiles cached" : ""));
        } else if (solver == SolverKind.FALKON) {
            s.append(String.format(
                    java.util.Locale.ROOT,
                    ": M = %d centers, %d iterations, relative residual %.2g (preconditioned system), "
                            + "stopped by %s%s, %d kernel pass%s over n x M; the Nystrom model's posterior, "
                            + "not the exact one",
                    centers,
                    iterations,
                    maxRelativeResidual,
                    stoppingRule(),
                    converged
                            ? ""
                            : " (NOT converged: raise the iteration cap, SolverOptions.maxIterations, or loosen the tolerance)",
                    kernelPasses,
                    kernelPasses == 1 ? "" : "es"));
        } else if (solver == SolverKind.NYSTROM) {
            s.append(String.format(
                    java.util.Locale.ROOT,
                    ": M = %d centers; the Nystrom model's posterior, "
                            + "not the exact one (compare against the exact solver on a subsample)",
                    centers));
        }
        return s.toString();
    }

    /**
     * A builder for the report of {@code solver}, chosen for {@code reason}. Unset parts keep the
     * direct-solve defaults: the CPU, no preconditioner, no centers, no iterations, converged, no error bounds
     * (NaN), one kernel pass, no cached tiles.
     */
    public static Builder builder(SolverKind solver, String reason) {
        return new Builder(solver, reason);
    }

    /** Fills in a {@link SolveReport} part by part; see {@link SolveReport#builder}. */
    public static final class Builder {
        private final SolverKind solver;
        private final String reason;
        private Device device = Device.CPU;
        private PreconditionerKind preconditioner = PreconditionerKind.NONE;
        private int rank, centers, iterations;
        private double maxRelativeResidual = Double.NaN, meanErrorBound = Double.NaN, varianceErrorBound = Double.NaN;
        private boolean converged = true, cachedTiles;
        private long kernelPasses = 1;

        private Builder(SolverKind solver, String reason) {
            this.solver = solver;
            this.reason = reason;
        }

        /** Where the solve ran. */
        public Builder device(Device d) {
            device = d;
            return this;
        }

        /** CG's preconditioner and its rank. */
        public Builder preconditioner(PreconditionerKind kind, int rank) {
            preconditioner = kind;
            this.rank = rank;
            return this;
        }

        /** The number of Nyström centers M. */
        public Builder centers(int m) {
            centers = m;
            return this;
        }

        /** CG's iteration count, its largest true relative residual and whether every right-hand side converged. */
        public Builder iterations(int count, double maxRelativeResidual, boolean converged) {
            iterations = count;
            this.maxRelativeResidual = maxRelativeResidual;
            this.converged = converged;
            return this;
        }

        /** Bounds on the mean's and the variances' distance from the exact posterior. */
        public Builder errorBounds(double mean, double variance) {
            meanErrorBound = mean;
            varianceErrorBound = variance;
            return this;
        }

        /** Full passes of kernel evaluation and whether the tiles stayed in memory. */
        public Builder kernelPasses(long passes, boolean cachedTiles) {
            kernelPasses = passes;
            this.cachedTiles = cachedTiles;
            return this;
        }

        /** The report, with the wall-clock time of the whole prediction. */
        public SolveReport build(long nanos) {
            return new SolveReport(
                    solver,
                    reason,
                    device,
                    preconditioner,
                    rank,
                    centers,
                    iterations,
                    maxRelativeResidual,
                    converged,
                    meanErrorBound,
                    varianceErrorBound,
                    kernelPasses,
                    cachedTiles,
                    nanos);
        }
    }
}
