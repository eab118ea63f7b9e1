package org.ntk4j.evidence;

/** What {@link HyperparameterFit} maximizes (docs/evidence.md §7, §8). */
public enum FitObjective {
    /** The log marginal likelihood of the training targets ({@link MarginalLikelihood}). */
    LML,
    /**
     * The K-fold cross-validated predictive log likelihood of held-out targets ({@link CrossValidation}):
     * how well the posterior predicts points it was not conditioned on, rather than how probable the
     * data are under the prior.
     */
    CROSS_VALIDATION
}
