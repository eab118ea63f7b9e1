package org.ntk4j.error;

/**
 * Base of every error ntk4j throws on purpose. Messages name the offending argument and the
 * remedy in one line, so the CLI can print them as they are.
 */
public class Ntk4jException extends RuntimeException {
    public Ntk4jException(String message) {
        super(message);
    }

    public Ntk4jException(String message, Throwable cause) {
        super(message, cause);
    }
}
