package org.ntk4j.error;

/**
 * A computed result contains NaN or ±Infinity although every input was finite: the problem, at
 * the scale it was given, is not representable in floating point. {@link #stage()} names where it
 * happened ({@code "NTK kernel (float32)"}, {@code "posterior mean"}, ...); the message also says
 * what to change (rescale the targets or inputs, lower the regularization, use float64, ...).
 * A subclass of {@link IllPosedProblemException}: the command line reports it with exit code 5.
 */
public class NonFiniteResultException extends IllPosedProblemException {
    private final String stage;

    public NonFiniteResultException(String stage, String message) {
        super(stage + ": " + message);
        this.stage = stage;
    }

    /** Where the non-finite value appeared. */
    public String stage() {
        return stage;
    }
}
