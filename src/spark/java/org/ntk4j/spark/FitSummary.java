package org.ntk4j.spark;

import java.io.Serializable;

/**
 * How a fit solved the Nyström system: the solver, and for falkon the CG iterations it ran, the largest
 * true relative residual of the preconditioned system over the outputs, and why it stopped
 * ({@code tolerance} or {@code iteration cap}); for nystrom (a direct solve) 0 iterations, residual NaN
 * and the rule {@code direct}. Kept with the fitted model in memory (a loaded model has none).
 *
 * @param solver       nystrom or falkon
 * @param iterations   CG iterations (falkon), else 0
 * @param residual     the largest relative residual over the outputs (falkon), else NaN
 * @param stoppingRule tolerance, iteration cap (falkon), or direct (nystrom)
 * @param seconds      the fit's wall time
 */
public record FitSummary(String solver, int iterations, double residual, String stoppingRule, double seconds)
        implements Serializable {
    /** The rule of a direct solve. */
    public static final String DIRECT = "direct";

    public FitSummary {
        if (solver == null || stoppingRule == null) throw new IllegalArgumentException("fit summary: missing parts");
        if (iterations < 0) throw new IllegalArgumentException("fit summary: iterations < 0");
    }
}
