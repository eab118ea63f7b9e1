package org.ntk4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.ntk4j.kernel.ProgressListener;

/**
 * A one-line progress bar on stderr, e.g. {@code kernel [########......] 57%  1.9 s, ~1.4 s left}.
 * It appears only when stderr is a terminal and the work has run for more than {@code delay}
 * (2 s by default), so that quick runs and logs stay clean; it redraws at most ten times a
 * second and erases itself on {@link #close()}. Thread-safe: workers report from any thread.
 */
public final class ProgressBar implements ProgressListener, AutoCloseable {
    private static final long DEFAULT_DELAY_NANOS = 2_000_000_000L;
    private static final long REDRAW_NANOS = 100_000_000L;
    private static final int WIDTH = 30;

    private final PrintStream err;
    private final boolean enabled;
    private final String label;
    private final long delayNanos;
    private final LongSupplier clock;
    private final long start;
    private long lastDraw;
    private boolean drawnOnce;
    private int drawnLength;

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
        boolean tty = main.err() == System.err && stderrIsTerminal();
        return new ProgressBar(main.err(), tty, label, DEFAULT_DELAY_NANOS, System::nanoTime);
    }

    @Override public void onProgress(long done, long total) {
        if (!enabled || total <= 0) return;
        long now = clock.getAsLong();
        if (now - start < delayNanos) return;
        synchronized (this) {
            if (drawnOnce && now - lastDraw < REDRAW_NANOS && done < total) return;
            drawnOnce = true;
            lastDraw = now;
            String line = render(Math.min(done, total), total, (now - start) / 1e9);
            // Pad with spaces to wipe a longer previous line; \r returns to its start.
            err.print("\r" + line + " ".repeat(Math.max(0, drawnLength - line.length())));
            err.flush();
            drawnLength = line.length();
        }
    }

    String render(long done, long total, double seconds) {
        double f = (double) done / total;
        int filled = (int) Math.round(f * WIDTH);
        String eta = done > 0 && done < total
            ? String.format(Locale.ROOT, ", ~%.1f s left", seconds * (total - done) / done) : "";
        return String.format(Locale.ROOT, "%s [%s%s] %3d%%  %.1f s%s",
            label, "#".repeat(filled), ".".repeat(WIDTH - filled), (int) Math.floor(100 * f), seconds, eta);
    }

    /** Erases the bar if it was drawn. */
    @Override public synchronized void close() {
        if (drawnLength > 0) {
            err.print("\r" + " ".repeat(drawnLength) + "\r");
            err.flush();
            drawnLength = 0;
        }
    }

    /**
     * Whether file descriptor 2 is a terminal. {@code System.console()} looks at stdin/stdout only
     * (and {@code Console.isTerminal} is newer than Java 21), so read where /proc says fd 2 points;
     * the launcher may also tell us through {@code -Dntk4j.stderr.tty}.
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
