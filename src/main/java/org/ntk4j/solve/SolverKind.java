package org.ntk4j.solve;

import java.util.Locale;

/**
 * How the regularized train-train system is solved.
 * <ul>
 *   <li>{@link #EXACT}: a dense Cholesky of the n×n kernel ({@link ExactSolver}, {@link org.ntk4j.predict.GpInference});</li>
 *   <li>{@link #CG}: preconditioned conjugate gradients on kernel products streamed tile by tile
 *       ({@link CgSolver}); the same posterior as EXACT up to the requested residual;</li>
 *   <li>{@link #NYSTROM}: Nyström kernel regression on M centers ({@link NystromSolver}); a different,
 *       approximate model whose posterior converges to the exact one as M → n;</li>
 *   <li>{@link #FALKON}: the same Nyström model solved by Falkon's preconditioned CG
 *       ({@link FalkonSolver}): O(n·M) kernel entries per iteration, never the n×M kernel whole, so M can
 *       be far larger; equal to NYSTROM's answer up to the requested residual;</li>
 *   <li>{@link #AUTO}: EXACT while it fits in memory and is fast, else CG while the kernel tiles can
 *       be cached, else NYSTROM ({@link SolverChoice}).</li>
 * </ul>
 */
public enum SolverKind {
    AUTO,
    EXACT,
    CG,
    NYSTROM,
    FALKON;

    /** Parses auto, exact, cg, nystrom or falkon (case-insensitive). */
    public static SolverKind parse(String s) {
        return switch (s == null ? "" : s.trim().toLowerCase(Locale.ROOT)) {
            case "auto" -> AUTO;
            case "exact" -> EXACT;
            case "cg" -> CG;
            case "nystrom", "nyström" -> NYSTROM;
            case "falkon" -> FALKON;
            default ->
                throw new IllegalArgumentException(
                        "solver must be auto, exact, cg, nystrom or falkon, got '" + s + "'");
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
