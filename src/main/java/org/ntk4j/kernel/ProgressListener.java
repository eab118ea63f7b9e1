package org.ntk4j.kernel;

/**
 * Receives progress of a long computation (tiles done of total). Called from worker threads;
 * implementations must be thread-safe and cheap. The library itself never prints: the CLI renders
 * a progress bar on stderr from these calls.
 */
@FunctionalInterface
public interface ProgressListener {
    /** A listener that ignores progress. */
    ProgressListener NONE = (done, total) -> { };

    void onProgress(long done, long total);
}
