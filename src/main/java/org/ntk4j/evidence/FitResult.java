package org.ntk4j.evidence;

import java.util.List;
import org.ntk4j.arch.Architecture;

/**
 * The outcome of {@link HyperparameterFit#fit}.
 *
 * @param hyperparameters the fitted W_std, b_std and λ (absolute)
 * @param architecture    the architecture with the fitted W_std and b_std ({@link Hyperparameters#applyTo})
 * @param evidence        the likelihood and its gradient at the fitted values
 * @param gradientNorm    ‖∂LML/∂(log θ)‖ over the parameters not at a bound (the projected gradient on the
 *                        optimizer's scale: 0 at an exact constrained optimum)
 * @param evaluations     likelihood evaluations in all (every start's, and those of the final gradient and Hessian)
 * @param starts          each start: where it began and ended, its LML and evaluations, in start order
 * @param standardErrors  Laplace standard errors on the log scale
 */
public record FitResult(
        Hyperparameters hyperparameters,
        Architecture architecture,
        Evidence evidence,
        double gradientNorm,
        int evaluations,
        List<Start> starts,
        StandardErrors standardErrors) {
    public FitResult {
        starts = List.copyOf(starts);
    }

    /** One optimizer start. */
    public record Start(Hyperparameters start, Hyperparameters end, double lml, int evaluations) {}

    /**
     * Standard errors of log W_std, log b_std and log λ from the Laplace approximation: the square
     * roots of the diagonal of the inverse Hessian of −LML on the log scale, over the parameters not at
     * a bound. Null for a parameter at a bound, for b_std when no layer has a bias, and for all when
     * that Hessian is not positive definite (a flat or saddle point: no Laplace approximation).
     */
    public record StandardErrors(Double wStd, Double bStd, Double noise) {}
}
