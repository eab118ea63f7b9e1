package org.ntk4j.predict;

import org.ntk4j.linalg.Finite;
import org.ntk4j.linalg.Matrix;

/**
 * The outputs of one linearized network trained by gradient flow on MSE for time t
 * (neural-tangents' {@code gradient_descent_mse} with {@code fx_train_0}, {@code fx_test_0}).
 *
 * @param time        training time (+∞: converged)
 * @param train       n×k outputs on the training points (at t = ∞ exactly y_train, as neural-tangents)
 * @param test        m×k outputs on the test points, or null when no test kernel was given
 * @param diagnostics numerical diagnostics and timings
 */
public record LinearizedPrediction(double time, Matrix train, Matrix test, Diagnostics diagnostics) {
    public LinearizedPrediction {
        if (!(time >= 0)) throw new IllegalArgumentException("time must be >= 0, got " + time);
        if (train == null || diagnostics == null)
            throw new IllegalArgumentException("train outputs and diagnostics are required");
        String stage = "linearized network outputs at t = " + time;
        Finite.requireResult(train, stage + " (training points)", Posterior.MEAN_REMEDY);
        if (test != null) Finite.requireResult(test, stage + " (test points)", Posterior.MEAN_REMEDY);
    }
}
