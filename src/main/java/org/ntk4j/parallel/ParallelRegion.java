package org.ntk4j.parallel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.ntk4j.error.ComputationInterruptedException;

/**
 * A structured parallel region: the one way ntk4j runs work on several threads. Its contract,
 * which every parallel computation in the library inherits:
 * <ul>
 *   <li>{@link #forEach} returns or throws only after every worker has finished or stopped; no
 *       thread of the region outlives the call (the workers are joined, not pooled), so memory the
 *       workers write to may be freed as soon as it returns;</li>
 *   <li>a worker's exception is thrown once, as it is (a checked one can't occur); exceptions of
 *       other workers are added to it as suppressed;</li>
 *   <li>after a failure the other workers stop at their next unit (they check a shared stop flag
 *       between units), so a failure costs at most one unit per worker;</li>
 *   <li>an interrupt of the calling thread stops the workers the same way, and the call then throws
 *       {@link ComputationInterruptedException} with the interrupt status set again.</li>
 * </ul>
 * The calling thread is one of the workers: {@code threads = 1} runs everything on it, with the
 * same checks. Units are handed out in order from a shared counter, so which worker runs a unit
 * is arbitrary: results must not depend on it.
 */
public final class ParallelRegion {
    /** A unit of work on a worker's own state. */
    @FunctionalInterface
    public interface Unit<S> {
        void run(S state, int index);
    }

    private final String what;
    private final Thread caller;
    private volatile boolean stop;
    private volatile boolean interrupted;
    /** Started workers that have left their loop; each then unparks the caller ({@link #awaitWorkers}). */
    private final AtomicInteger finished = new AtomicInteger();

    private Throwable failure; // guarded by this

    private ParallelRegion(String what, Thread caller) {
        this.what = what;
        this.caller = caller;
    }

    /**
     * Runs units {@code 0 .. count-1} on up to {@code threads} workers (the calling thread and
     * {@code threads - 1} new daemon threads named {@code threadName}), each with its own state from
     * {@code workerState}, and returns when all of them have finished or stopped.
     *
     * @param what names the computation in the exception of an interrupt (e.g. "the kernel computation")
     * @throws ComputationInterruptedException when the calling thread was interrupted (before or during
     *         the call); its interrupt status is set again
     */
    public static <S> void forEach(
            String what, String threadName, int threads, int count, Supplier<S> workerState, Unit<S> unit) {
        ParallelRegion region = new ParallelRegion(what, Thread.currentThread());
        AtomicInteger next = new AtomicInteger();
        Runnable worker = () -> {
            S state = workerState.get();
            for (int i; !region.stopping() && (i = next.getAndIncrement()) < count; ) unit.run(state, i);
        };
        int extra = Math.max(0, Math.min(threads, count) - 1);
        List<Thread> started = new ArrayList<>(extra);
        try {
            for (int w = 0; w < extra && !region.stop; w++)
                started.add(Thread.ofPlatform().daemon().name(threadName).start(() -> region.startedWorker(worker)));
        } catch (Throwable e) { // e.g. OutOfMemoryError: unable to create native thread
            region.fail(e);
        }
        region.guarded(worker);
        region.awaitWorkers(started.size());
        region.joinAll(started);
        region.finish();
    }

    /**
     * Runs the given tasks at once, one per worker (the first on the calling thread), with the
     * guarantees of {@link #forEach}: e.g. writing two files concurrently.
     */
    public static void all(String what, String threadName, Runnable... tasks) {
        forEach(what, threadName, tasks.length, tasks.length, () -> null, (none, i) -> tasks[i].run());
    }

    /**
     * Throws {@link ComputationInterruptedException} when the calling thread has been interrupted
     * (its interrupt status stays set): the check that long single-threaded loops (BLAS panels,
     * solver iterations, training steps) make between steps.
     */
    public static void checkInterrupted(String what) {
        if (Thread.currentThread().isInterrupted()) throw new ComputationInterruptedException(what);
    }

    /**
     * Whether the workers should stop: a worker failed, or the calling thread was interrupted (every
     * worker looks at the caller's interrupt status, a volatile read, so none waits for the caller
     * to be scheduled to notice it).
     */
    private boolean stopping() {
        if (stop) return true;
        if (caller.isInterrupted()) {
            interrupted = true;
            stop = true;
        }
        return stop;
    }

    private void guarded(Runnable worker) {
        try {
            worker.run();
        } catch (Throwable e) {
            fail(e);
        }
    }

    private synchronized void fail(Throwable e) {
        stop = true;
        if (failure == null) failure = e;
        else if (failure != e) failure.addSuppressed(e);
    }

    /** A started worker's body: the loop, then the count and the caller's wake-up, whatever happened. */
    private void startedWorker(Runnable worker) {
        try {
            guarded(worker);
        } finally {
            finished.incrementAndGet();
            LockSupport.unpark(caller);
        }
    }

    /**
     * Waits until {@code started} workers have left their loop. why park instead of join: an interrupt
     * makes {@code Thread.join} clear the caller's status before its catch block can set the stop flag,
     * and workers that look at the status in between run on; here the flag is set first, then the status
     * cleared (it is restored in {@link #finish}), so every worker sees one or the other.
     */
    private void awaitWorkers(int started) {
        while (finished.get() < started) {
            if (caller.isInterrupted()) {
                stop = true;
                interrupted = true;
                Thread.interrupted(); // so that park blocks again
            } else {
                LockSupport.park(this);
            }
        }
    }

    /** Joins every started worker (they have left their loops: a short wait); an interrupt is remembered, never lost. */
    private void joinAll(List<Thread> workers) {
        for (Thread t : workers) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) { // clears the status: restored in finish()
                    interrupted = true;
                    stop = true;
                }
            }
        }
    }

    /** After every worker has stopped: rethrow the failure, or report the interrupt. */
    private void finish() {
        if (caller.isInterrupted()) interrupted = true;
        if (interrupted) caller.interrupt();
        Throwable f;
        synchronized (this) {
            f = failure;
        }
        if (f instanceof RuntimeException re) throw re;
        if (f instanceof Error err) throw err;
        if (f != null)
            throw new IllegalStateException(
                    what + ": a worker failed", f); // unreachable: units throw no checked exceptions
        if (interrupted) throw new ComputationInterruptedException(what);
    }
}
