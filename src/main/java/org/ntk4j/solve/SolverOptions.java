package org.ntk4j.solve;

import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.Matrix;

/**
 * Options of the scalable solvers. Solver and preconditioner are chosen separately (as in Falkon).
 *
 * @param solver         which solver ({@link SolverKind#AUTO} by default)
 * @param tolerance      the relative accuracy asked of CG's mean and variances (default 1e-6; in
 *                       (0, 1)): CG stops when every column's relative residual ‖b − A·x‖/‖b‖ ≤
 *                       tolerance/10 ({@link #RESIDUAL_MARGIN}); the output error relative to the
 *                       outputs' scale measured 1–2× the relative residual on NTK/NNGP problems, so
 *                       the margin makes the outputs meet the tolerance in practice. The report
 *                       gives the achieved residual and rigorous (looser) error bounds. Falkon stops
 *                       on the same threshold, on its preconditioned M-dimensional system.
 * @param maxIterations  CG iteration cap (0 = automatic: min(n, 2000)), and Falkon's (automatic:
 *                       min(M, 2000)); hitting it without reaching the tolerance is reported, not hidden
 * @param preconditioner the CG preconditioner (default pivoted Cholesky)
 * @param rank           rank r of the preconditioner (0 = automatic: min(n, 200))
 * @param centers        Nyström and Falkon centers M drawn from the training rows (0 = automatic:
 *                       min(n, 2000)); ignored when {@code centerPoints} are given
 * @param memoryLimit    bytes the solvers may use for cached kernel tiles and workspaces (0 =
 *                       automatic: half of the free memory); also bounds what AUTO calls "fits"
 * @param seed           seed of the random landmarks / centers (reproducible; the draw is
 *                       {@link CenterSelection#sampleIndices})
 * @param centerPoints   the Nyström and Falkon centers given as points (M×d), or null to draw
 *                       {@code centers} training rows with {@code seed}; see {@link #centerSelection()}
 */
public record SolverOptions(
        SolverKind solver,
        double tolerance,
        int maxIterations,
        PreconditionerKind preconditioner,
        int rank,
        int centers,
        long memoryLimit,
        long seed,
        Matrix centerPoints) {
    public SolverOptions {
        if (solver == null) solver = SolverKind.AUTO;
        if (preconditioner == null) preconditioner = PreconditionerKind.PIVOTED_CHOLESKY;
        if (!(tolerance > 0 && tolerance < 1))
            throw new InvalidInputException("tolerance", "must be in (0, 1), got " + tolerance + "; e.g. 1e-6");
        if (maxIterations < 0)
            throw new InvalidInputException("maxIterations", "must be >= 0 (0 = automatic), got " + maxIterations);
        if (rank < 0) throw new InvalidInputException("rank", "must be >= 0 (0 = automatic), got " + rank);
        if (centers < 0) throw new InvalidInputException("centers", "must be >= 0 (0 = automatic), got " + centers);
        if (memoryLimit < 0)
            throw new InvalidInputException("memoryLimit", "must be >= 0 bytes (0 = automatic), got " + memoryLimit);
        if (centerPoints != null) new CenterSelection.Points(centerPoints); // validates them
    }

    /** Factor between the requested tolerance and CG's relative-residual stopping threshold. */
    public static final double RESIDUAL_MARGIN = 0.1;

    /** CG's stopping threshold on the relative residual. */
    public double residualTarget() {
        return tolerance * RESIDUAL_MARGIN;
    }

    /** AUTO, tolerance 1e-6, automatic iterations, rank, centers and memory, pivoted-Cholesky preconditioner, seed 0. */
    public static SolverOptions defaults() {
        return new SolverOptions(SolverKind.AUTO, 1e-6, 0, PreconditionerKind.PIVOTED_CHOLESKY, 0, 0, 0, 0, null);
    }

    public SolverOptions withSolver(SolverKind v) {
        return new SolverOptions(
                v, tolerance, maxIterations, preconditioner, rank, centers, memoryLimit, seed, centerPoints);
    }

    public SolverOptions withTolerance(double v) {
        return new SolverOptions(
                solver, v, maxIterations, preconditioner, rank, centers, memoryLimit, seed, centerPoints);
    }

    public SolverOptions withMaxIterations(int v) {
        return new SolverOptions(solver, tolerance, v, preconditioner, rank, centers, memoryLimit, seed, centerPoints);
    }

    public SolverOptions withPreconditioner(PreconditionerKind v) {
        return new SolverOptions(solver, tolerance, maxIterations, v, rank, centers, memoryLimit, seed, centerPoints);
    }

    public SolverOptions withRank(int v) {
        return new SolverOptions(
                solver, tolerance, maxIterations, preconditioner, v, centers, memoryLimit, seed, centerPoints);
    }

    public SolverOptions withCenters(int v) {
        return new SolverOptions(
                solver, tolerance, maxIterations, preconditioner, rank, v, memoryLimit, seed, centerPoints);
    }

    public SolverOptions withMemoryLimit(long v) {
        return new SolverOptions(
                solver, tolerance, maxIterations, preconditioner, rank, centers, v, seed, centerPoints);
    }

    public SolverOptions withSeed(long v) {
        return new SolverOptions(
                solver, tolerance, maxIterations, preconditioner, rank, centers, memoryLimit, v, centerPoints);
    }

    /** The centers given as points ({@code centerPoints}); {@link #centers()} keeps its value. */
    public SolverOptions withCenterPoints(Matrix v) {
        return new SolverOptions(solver, tolerance, maxIterations, preconditioner, rank, centers, memoryLimit, seed, v);
    }

    /**
     * The centers of the Nyström and Falkon solvers: the given {@link #centerPoints()}, else
     * {@link #centers()} training rows drawn with {@link #seed()}.
     */
    public CenterSelection centerSelection() {
        return centerPoints != null ? CenterSelection.points(centerPoints) : CenterSelection.sampled(centers, seed);
    }

    int iterationCap(int n) {
        return maxIterations > 0 ? maxIterations : Math.min(n, 2000);
    }

    int rankFor(int n) {
        return Math.min(n, rank > 0 ? rank : 200);
    }
    /**
     * The number of Nyström centers for n training points: the rows of {@link #centerPoints()}, else
     * {@link #centers()} capped at n, or min(n, 2000) when automatic (0).
     */
    public int centersFor(int n) {
        if (centerPoints != null) return centerPoints.rows();
        return Math.min(n, centers > 0 ? centers : CenterSelection.DEFAULT_COUNT);
    }

    /** The memory budget in bytes. */
    long memoryBudget() {
        if (memoryLimit > 0) return memoryLimit;
        long free = Math.min(org.ntk4j.linalg.MemoryGuard.availableOffHeap(), Long.MAX_VALUE / 4);
        return Math.max(64L << 20, free / 2);
    }
}
