package org.ntk4j.evidence;

import org.ntk4j.error.InvalidInputException;

/**
 * How {@link HyperparameterFit} searches.
 *
 * @param starts                 number of optimizer starts R ≥ 1: the architecture's own W_std and b_std
 *                               (with {@code initialNoise}) first, then R − 1 points drawn uniformly on
 *                               the log scale of the box
 * @param seed                   seed of those random starts
 * @param maxEvaluationsPerStart likelihood evaluations one start may use (≥ 10)
 * @param initialNoise           λ of the first start (absolute); NaN = 0.1 × the targets' scale
 *                               ({@link HyperparameterFit#targetScale})
 */
public record FitOptions(int starts, long seed, int maxEvaluationsPerStart, double initialNoise) {
    public FitOptions {
        if (starts < 1) throw new InvalidInputException("starts", "must be >= 1, got " + starts);
        if (maxEvaluationsPerStart < 10)
            throw new InvalidInputException("maxEvaluationsPerStart", "must be >= 10, got " + maxEvaluationsPerStart);
        if (!Double.isNaN(initialNoise) && !(initialNoise > 0 && Double.isFinite(initialNoise)))
            throw new InvalidInputException(
                    "initialNoise", "must be finite and > 0 (or NaN for the default), got " + initialNoise);
    }

    /** 3 starts, seed 0, 300 evaluations per start, the default initial noise. */
    public static FitOptions defaults() {
        return new FitOptions(3, 0, 300, Double.NaN);
    }

    public FitOptions withStarts(int v) {
        return new FitOptions(v, seed, maxEvaluationsPerStart, initialNoise);
    }

    public FitOptions withSeed(long v) {
        return new FitOptions(starts, v, maxEvaluationsPerStart, initialNoise);
    }

    public FitOptions withMaxEvaluationsPerStart(int v) {
        return new FitOptions(starts, seed, v, initialNoise);
    }

    public FitOptions withInitialNoise(double v) {
        return new FitOptions(starts, seed, maxEvaluationsPerStart, v);
    }
}
