package org.ntk4j.error;

/**
 * The calling thread was interrupted while ntk4j was computing. Thrown only after every worker of
 * the interrupted computation has stopped (no ntk4j thread outlives the call, no native memory is
 * in use), with the calling thread's interrupt status set again, so that the caller's own
 * cancellation logic still sees it. The command line reports it with exit code 130.
 */
public class ComputationInterruptedException extends Ntk4jException {
    public ComputationInterruptedException(String what) {
        super(what + " was interrupted; no result was produced");
    }

    public ComputationInterruptedException(String what, Throwable cause) {
        super(what + " was interrupted; no result was produced", cause);
    }
}
