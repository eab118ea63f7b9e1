package org.ntk4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.ntk4j.kernel.ProgressListener;

/**
 * A one-line progress bar on stderr, e.g. {@code train kernel [########......] 57%  1.9 s, ~1.4 s left}.
 * It appears only when stderr is a terminal and the work has run for more than {@code delay}
 * (2 s by default), so that quick runs and logs stay clean; it redraws at most ten times a
 * second, keeps the clock moving (a daemon ticker) while set-up work reports nothing, and erases
 * itself on {@link #close()}. Thread-safe: workers report from any thread.
 *
 * <p>One bar serves a command's successive stages (train kernel, test kernel, ...): each stage
 * ({@link #onStage}, or a report with another total) starts its count and its rate afresh under
 * its own label, and the bar is drawn for any numbers it is given (done beyond total, negative, or a
 * total of 0), so that progress can never break the computation it reports on. The ticker thread
 * never prints an exception: a failed redraw is dropped.
 */
final class ProgressBar implements ProgressListener, AutoCloseable {
    private static final long DEFAULT_DELAY_NANOS = 2_000_000_000L;
    private static final long REDRAW_NANOS = 100_000_000L;
    private static final long TICK_MILLIS = 500;
    private static final int WIDTH = 30;

    private final PrintStream err;
    private final boolean enabled;
    private String label;
    private final long delayNanos;
    private final LongSupplier clock;
    private final long start;
    private long lastDraw;
    private boolean drawnOnce;
    private long done, total;
    private long firstAt = -1, firstDone; // the rate counts from the first report: set-up work reports nothing
    private int drawnLength;
    private boolean closed;
    private Thread ticker;

    ProgressBar(PrintStream err, boolean enabled, String label, long delayNanos, LongSupplier clock) {
        this.err = err;
        this.enabled = enabled;
        this.label = label;
        this.delayNanos = delayNanos;
        this.clock = clock;
        this.start = clock.getAsLong();
    }

    /** A bar for a command: enabled when the command's stderr is the process's stderr and a terminal. */
    public static ProgressBar of(Main main, String label) {
        boolean tty = main.err() == System.err && !main.quiet() && stderrIsTerminal();
        ProgressBar bar = new ProgressBar(main.err(), tty, label, DEFAULT_DELAY_NANOS, System::nanoTime);
        if (tty) bar.startTicker();
        return bar;
    }

    private void startTicker() {
        ticker = Thread.ofPlatform().daemon().name("ntk4j-progress").start(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(TICK_MILLIS);
                    tick();
                }
            } catch (InterruptedException e) {
                // closed
            }
        });
    }

    @Override
    public void onProgress(long done, long total) {
        if (!enabled) return;
        long now = clock.getAsLong();
        synchronized (this) {
            if (total != this.total) beginStage(label, total); // a new stage that was not announced
            this.done = Math.max(this.done, Math.min(done, total)); // reports may arrive out of order
            if (now - start < delayNanos) return;
            if (firstAt < 0) {
                firstAt = now;
                firstDone = this.done;
            }
            if (drawnOnce && now - lastDraw < REDRAW_NANOS && done < total) return;
            draw(now);
        }
    }

    @Override
    public synchronized void onStage(String stage, long total) {
        if (enabled) beginStage(stage == null || stage.isBlank() ? label : stage, total);
    }

    /** Resets the count, the rate and the label for a stage of {@code total} units. */
    private void beginStage(String stage, long total) {
        label = stage;
        this.total = total;
        done = 0;
        firstAt = -1;
        firstDone = 0;
    }

    /** Redraws with the latest numbers (moves the clock when nothing is reported); never throws. */
    synchronized void tick() {
        try {
            long now = clock.getAsLong();
            if (enabled && !closed && now - start >= delayNanos) draw(now);
        } catch (RuntimeException e) {
            // why: the ticker thread must never print a stack trace over the user's terminal; the next report redraws
        }
    }

    private void draw(long now) {
        if (closed) return;
        drawnOnce = true;
        lastDraw = now;
        double rate = done > firstDone && now > firstAt ? (done - firstDone) / ((now - firstAt) / 1e9) : 0;
        String line = render(done, total, (now - start) / 1e9, rate);
        // Pad with spaces to wipe a longer previous line; \r returns to its start.
        err.print("\r" + line + " ".repeat(Math.max(0, drawnLength - line.length())));
        err.flush();
        drawnLength = line.length();
    }

    /**
     * The bar after {@code seconds}, with a time left from {@code rate} (units per second; 0 = unknown).
     * Any numbers give a bar: the fraction is clamped to [0, 1], and a stage without units (total ≤ 0)
     * shows its label and the clock.
     */
    String render(long done, long total, double seconds, double rate) {
        if (total <= 0) return String.format(Locale.ROOT, "%s: working...  %.1f s", label, seconds);
        double f = Math.min(1.0, Math.max(0.0, (double) done / total));
        int filled = (int) Math.round(f * WIDTH);
        String eta = rate > 0 && done < total
                ? String.format(Locale.ROOT, ", ~%.1f s left", (total - Math.max(0, done)) / rate)
                : "";
        return String.format(
                Locale.ROOT,
                "%s [%s%s] %3d%%  %.1f s%s",
                label,
                "#".repeat(filled),
                ".".repeat(WIDTH - filled),
                (int) Math.floor(100 * f),
                seconds,
                eta);
    }

    /** Erases the bar if it was drawn and stops the ticker (idempotent). */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            closed = true;
            t = ticker;
            if (drawnLength > 0) {
                err.print("\r" + " ".repeat(drawnLength) + "\r");
                err.flush();
                drawnLength = 0;
            }
        }
        if (t != null) stop(t);
    }

    /**
     * Interrupts the ticker and waits (briefly) for it to end, so that no ntk4j thread outlives the
     * command; the caller's own interrupt status (e.g. after Ctrl-C) is kept.
     */
    private static void stop(Thread ticker) {
        ticker.interrupt();
        boolean interrupted = Thread.interrupted();
        try {
            ticker.join(1_000);
        } catch (InterruptedException e) {
            interrupted = true;
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /**
     * Whether file descriptor 2 is a terminal. {@code System.console()} looks at stdin/stdout only
     * (and {@code Console.isTerminal} is newer than Java 21), so the launcher passes
     * {@code -Dntk4j.stderr.tty} from {@code [ -t 2 ]}; without it, read where /proc says fd 2 points.
     */
    static boolean stderrIsTerminal() {
        String hint = System.getProperty("ntk4j.stderr.tty");
        if (hint != null && !hint.isEmpty()) return Boolean.parseBoolean(hint);
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }
}
