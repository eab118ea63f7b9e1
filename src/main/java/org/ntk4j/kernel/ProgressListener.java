package org.ntk4j.kernel;

/**
 * Receives progress of a long computation: {@link #onStage} when a stage begins (e.g. one kernel),
 * then {@link #onProgress} as its units (tiles) are done. Called from worker threads;
 * implementations must be thread-safe and cheap. A listener that throws aborts the computation:
 * in a kernel computation the workers are stopped first, and the caller gets an
 * {@link IllegalStateException} with the listener's exception as its cause; between computations
 * (e.g. a prediction announcing its solves) the listener's exception itself is thrown. The library
 * itself never prints: the CLI renders a progress bar on stderr from these calls.
 */
@FunctionalInterface
public interface ProgressListener {
    /** A listener that ignores progress. */
    ProgressListener NONE = (done, total) -> {};

    /**
     * {@code done} of {@code total} units of the current stage are finished. Reports may arrive out
     * of order from several workers; {@code total} is the stage's own (a new stage may have another).
     */
    void onProgress(long done, long total);

    /**
     * A stage begins: the following reports count its {@code total} units (0 when it has no
     * measurable units). Ignored by default, so that a lambda listener needs only {@link #onProgress}.
     */
    default void onStage(String stage, long total) {}

    /**
     * This listener with every stage it is told of named {@code stage} instead: for a caller that
     * knows what a computation is for (e.g. "train kernel", "test kernel").
     */
    default ProgressListener renamed(String stage) {
        ProgressListener self = this;
        return new ProgressListener() {
            @Override
            public void onProgress(long done, long total) {
                self.onProgress(done, total);
            }

            @Override
            public void onStage(String ignored, long total) {
                self.onStage(stage, total);
            }
        };
    }
}
