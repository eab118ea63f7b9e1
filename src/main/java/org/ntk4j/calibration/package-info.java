/**
 * Whether a posterior's uncertainty is earned: held-out predictions scored against the targets
 * ({@link org.ntk4j.calibration.Calibrate#of}) — the error, the predictive log likelihood, the
 * standardized residuals and the coverage of central predictive intervals, for the noisy targets y
 * (posterior variance plus the noise λ) and, when known, the latent function f (posterior variance
 * only). Built on {@code predict} (the {@link org.ntk4j.predict.Posterior} it scores); nothing
 * below depends on it.
 */
package org.ntk4j.calibration;
