package org.ntk4j.error;

/**
 * An argument is invalid: NaN/Inf, wrong shape, out of range, unreadable. {@link #argument()}
 * names it as the API does (e.g. {@code x1}, {@code xTrain}, {@code W_std}); only the CLI's own checks
 * name a flag ({@code --diag-reg}), and the CLI maps library names to its flags.
 */
public class InvalidInputException extends Ntk4jException {
    private final String argument;

    public InvalidInputException(String argument, String message) {
        super(argument + ": " + message);
        this.argument = argument;
    }

    public InvalidInputException(String argument, String message, Throwable cause) {
        super(argument + ": " + message, cause);
        this.argument = argument;
    }

    /** The name of the offending argument. */
    public String argument() {
        return argument;
    }
}
