package org.ntk4j.error;

/**
 * The problem is ill-posed beyond what adaptive jitter can repair (e.g. duplicate training points
 * with {@code diag_reg = 0} at t = ∞, where neural-tangents silently returns NaN).
 */
public class IllPosedProblemException extends Ntk4jException {
    public IllPosedProblemException(String message) {
        super(message);
    }
}
