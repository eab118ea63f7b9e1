package org.ntk4j.evidence;

import java.util.List;
import org.ntk4j.arch.Architecture;

/**
 * The outcome of {@link HyperparameterFit#fit}.
 *
 * @param hyperparameters the fitted W_std, b_std and λ (absolute)
 * @param architecture    the architecture with the fitted W_std and b_std ({@link Hyperparameters#applyTo})
 * @param evidence        the likelihood at the fitted values, with its gradient under {@link FitObjective#LML}
 *                        (without it under {@link FitObjective#CROSS_VALIDATION})
 * @param gradientNorm    ‖∂objective/∂(log θ)‖ over the parameters not at a bound (the projected gradient on the
 *                        optimizer's scale: 0 at an exact constrained optimum); the LML's analytic gradient, or
 *                        central differences of the cross-validated likelihood
 * @param evaluations     objective evaluations in all (every start's, and those after the search: gradient,
 *                        Hessian, the likelihood at each start's end)
 * @param starts          each start: where it began and ended, its values there and its evaluations, in start order
 * @param standardErrors  Laplace standard errors on the log scale (all null under cross-validation)
 * @param objective       what was maximized
 * @param cvLogLikelihood the cross-validated predictive log likelihood at the fitted values; NaN under {@link FitObjective#LML}
 */
public record FitResult(
        Hyperparameters hyperparameters,
        Architecture architecture,
        Evidence evidence,
        double gradientNorm,
        int evaluations,
        List<Start> starts,
        StandardErrors standardErrors,
        FitObjective objective,
        double cvLogLikelihood) {
    public FitResult {
        starts = List.copyOf(starts);
    }

    /** The maximized value: the LML, or the cross-validated log likelihood. (Candidates are ranked by it.) */
    public double objectiveValue() {
        return objective == FitObjective.LML ? evidence.lml() : cvLogLikelihood;
    }

    /**
     * One optimizer start.
     *
     * @param start           where it began
     * @param end             the best point it evaluated
     * @param lml             the LML at {@code end}
     * @param cvLogLikelihood the cross-validated log likelihood at {@code end}; NaN under {@link FitObjective#LML}
     * @param evaluations     objective evaluations of this start (BOBYQA evaluates once per iteration after its
     *                        (dim + 1)(dim + 2)/2 initial interpolation points)
     */
    public record Start(
            Hyperparameters start, Hyperparameters end, double lml, double cvLogLikelihood, int evaluations) {}

    /**
     * Standard errors of log W_std, log b_std and log λ from the Laplace approximation: the square
     * roots of the diagonal of the inverse Hessian of −LML on the log scale, over the parameters not at
     * a bound. Null for a parameter at a bound, for b_std when no layer has a bias, for all when
     * that Hessian is not positive definite (a flat or saddle point: no Laplace approximation), and for
     * all under cross-validation (its objective is not a log posterior, so its curvature is no variance).
     */
    public record StandardErrors(Double wStd, Double bStd, Double noise) {
        /** All null. */
        public static final StandardErrors NONE = new StandardErrors(null, null, null);
    }
}
