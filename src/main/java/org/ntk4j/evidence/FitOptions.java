package org.ntk4j.evidence;

import org.ntk4j.error.InvalidInputException;

/**
 * How {@link HyperparameterFit} searches.
 *
 * @param starts                 number of optimizer starts R ≥ 1: the architecture's own W_std and b_std
 *                               (with {@code initialNoise}) first, then R − 1 points drawn uniformly on
 *                               the log scale of the box
 * @param seed                   seed of those random starts and of the cross-validation folds
 * @param maxEvaluationsPerStart objective evaluations one start may use (≥ 10)
 * @param initialNoise           λ of the first start (absolute); NaN = 0.1 × the targets' scale
 *                               ({@link HyperparameterFit#targetScale})
 * @param objective              what is maximized (null = {@link FitObjective#LML})
 * @param folds                  K ≥ 2, the folds of {@link FitObjective#CROSS_VALIDATION} (unused otherwise)
 */
public record FitOptions(
        int starts, long seed, int maxEvaluationsPerStart, double initialNoise, FitObjective objective, int folds) {
    public FitOptions {
        if (starts < 1) throw new InvalidInputException("starts", "must be >= 1, got " + starts);
        if (maxEvaluationsPerStart < 10)
            throw new InvalidInputException("maxEvaluationsPerStart", "must be >= 10, got " + maxEvaluationsPerStart);
        if (!Double.isNaN(initialNoise) && !(initialNoise > 0 && Double.isFinite(initialNoise)))
            throw new InvalidInputException(
                    "initialNoise", "must be finite and > 0 (or NaN for the default), got " + initialNoise);
        if (objective == null) objective = FitObjective.LML;
        if (folds < 2)
            throw new InvalidInputException("folds", "must be >= 2 (each fold is held out once), got " + folds);
    }

    /** 3 starts, seed 0, 300 evaluations per start, the default initial noise, the LML (5 folds were it cross-validation). */
    public static FitOptions defaults() {
        return new FitOptions(3, 0, 300, Double.NaN, FitObjective.LML, 5);
    }

    public FitOptions withStarts(int v) {
        return new FitOptions(v, seed, maxEvaluationsPerStart, initialNoise, objective, folds);
    }

    public FitOptions withSeed(long v) {
        return new FitOptions(starts, v, maxEvaluationsPerStart, initialNoise, objective, folds);
    }

    public FitOptions withMaxEvaluationsPerStart(int v) {
        return new FitOptions(starts, seed, v, initialNoise, objective, folds);
    }

    public FitOptions withInitialNoise(double v) {
        return new FitOptions(starts, seed, maxEvaluationsPerStart, v, objective, folds);
    }

    /** The LML objective. */
    public FitOptions withLml() {
        return new FitOptions(starts, seed, maxEvaluationsPerStart, initialNoise, FitObjective.LML, folds);
    }

    /** The K-fold cross-validated predictive log likelihood as the objective, with {@code k} folds. */
    public FitOptions withCrossValidation(int k) {
        return new FitOptions(starts, seed, maxEvaluationsPerStart, initialNoise, FitObjective.CROSS_VALIDATION, k);
    }
}
