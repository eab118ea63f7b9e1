package org.ntk4j.kernel;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The units (tiles, blocks) done of one kernel computation, reported to the caller's
 * {@link ProgressListener} from any thread. A listener that throws aborts the computation: its
 * exception comes back as the cause of an {@link IllegalStateException}, which the engines let
 * propagate like a worker's failure (the CPU engine's region stops its other workers first; the
 * GPU engine frees its device memory on the way out). Shared by the CPU and GPU kernel engines so
 * that a listener behaves the same on both.
 */
public final class KernelProgress {
    private final ProgressListener listener;
    private final long total;
    private final AtomicLong done = new AtomicLong();

    /** Announces the stage {@code "kernel n1xn2"} with {@code total} units to {@code listener}. */
    public KernelProgress(ProgressListener listener, int n1, int n2, long total) {
        this.listener = listener;
        this.total = total;
        try {
            listener.onStage("kernel " + n1 + "x" + n2, total);
        } catch (RuntimeException e) {
            throw failed(e);
        }
    }

    /** One more unit is done. */
    public void unitDone() {
        long d = done.incrementAndGet();
        try {
            listener.onProgress(d, total);
        } catch (RuntimeException e) {
            throw failed(e);
        }
    }

    private static IllegalStateException failed(RuntimeException e) {
        return new IllegalStateException(
                "the progress listener threw " + e + "; the kernel computation was stopped", e);
    }
}
