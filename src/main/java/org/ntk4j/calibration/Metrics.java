package org.ntk4j.calibration;

/**
 * How well a posterior predicts N held-out targets (one output column, or all of them pooled). With
 * residuals r = y − μ, predictive variances s² = σ² + λ (the posterior variance of the latent
 * function plus the noise variance) and standardized residuals z = r/s:
 *
 * @param count     N, the number of values scored (m test points × the outputs pooled)
 * @param rmse      √(mean r²)
 * @param nll       the mean predictive negative log likelihood of y, mean of ½·log(2πs²) + r²/(2s²)
 * @param zMean     the mean of z (0 when calibrated and unbiased)
 * @param zVar      the mean of (z − zMean)², divisor N (1 when calibrated; above 1: intervals too
 *                  narrow, below 1: too wide)
 * @param coverage  the coverage of y by its central predictive intervals (variance s²)
 * @param fCoverage the coverage of the latent function's values f by the posterior's own intervals
 *                  (variance σ², no noise), or null when f is not known
 */
public record Metrics(
        int count, double rmse, double nll, double zMean, double zVar, Coverage coverage, Coverage fCoverage) {}
