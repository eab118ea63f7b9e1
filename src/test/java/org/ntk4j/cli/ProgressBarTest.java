package org.ntk4j.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    @Test
    void appearsOnlyAfterTheDelayAndErasesItself() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        AtomicLong now = new AtomicLong(0);
        try (ProgressBar bar = new ProgressBar(
                new PrintStream(b, true, StandardCharsets.UTF_8), true, "kernel", 2_000_000_000L, now::get)) {
            bar.onProgress(1, 10);
            assertEquals("", b.toString(), "nothing before 2 s");
            now.set(2_500_000_000L);
            bar.onProgress(2, 10); // first report: no rate yet
            assertTrue(b.toString(StandardCharsets.UTF_8)
                    .startsWith("\rkernel [######........................]  20%  2.5 s"));
            now.set(3_000_000_000L);
            bar.onProgress(5, 10); // 3 units in 0.5 s since the first report: 5 left take ~0.8 s
            String s = b.toString(StandardCharsets.UTF_8);
            assertTrue(s.contains("\rkernel [###############...............]  50%  3.0 s, ~0.8 s left"), s);
            now.set(3_050_000_000L);
            bar.onProgress(6, 10);
            assertEquals(s, b.toString(StandardCharsets.UTF_8), "at most ten redraws a second");
            now.set(4_000_000_000L);
            bar.onProgress(10, 10);
            assertTrue(b.toString(StandardCharsets.UTF_8).contains("100%  4.0 s"));
        }
        String all = b.toString(StandardCharsets.UTF_8);
        assertTrue(all.endsWith("\r"), "erased at the end");
        assertFalse(all.contains("\n"), "never adds a line");
    }

    @Test
    void tickerShowsTheClockBeforeTheFirstReport() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        AtomicLong now = new AtomicLong(0);
        ProgressBar bar = new ProgressBar(
                new PrintStream(b, true, StandardCharsets.UTF_8), true, "kernel", 2_000_000_000L, now::get);
        bar.tick();
        assertEquals("", b.toString());
        now.set(2_500_000_000L);
        bar.tick();
        assertEquals("\rkernel: working...  2.5 s", b.toString(StandardCharsets.UTF_8));
        bar.close();
        bar.tick();
        bar.onProgress(1, 2);
        assertTrue(b.toString(StandardCharsets.UTF_8).endsWith("\r"), "nothing after close");
    }

    @Test
    void disabledBarPrintsNothing() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ProgressBar bar = new ProgressBar(new PrintStream(b), false, "kernel", 0, System::nanoTime)) {
            bar.onProgress(5, 10);
        }
        assertEquals("", b.toString());
    }

    /**
     * The failure: predict reports the train kernel's tiles, then the test kernel's (a smaller
     * total) on the same bar; done/total above 1 made the bar throw "count is negative".
     */
    @Test
    void successiveStagesWithDifferentTotalsEachStartAfresh() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        AtomicLong now = new AtomicLong(0);
        try (ProgressBar bar =
                new ProgressBar(new PrintStream(b, true, StandardCharsets.UTF_8), true, "kernels", 0, now::get)) {
            now.set(1_000_000_000L);
            bar.onProgress(18_000, 18_000); // the train kernel, finished
            now.set(2_000_000_000L);
            bar.onProgress(30, 6_000); // the test kernel, not announced: a new stage all the same
            assertTrue(
                    b.toString(StandardCharsets.UTF_8).endsWith("kernels [..............................]   0%  2.0 s"),
                    b.toString(StandardCharsets.UTF_8));
            bar.onStage("test kernel", 6_000);
            now.set(3_000_000_000L);
            bar.onProgress(3_000, 6_000);
            assertTrue(
                    b.toString(StandardCharsets.UTF_8)
                            .contains("\rtest kernel [###############...............]  50%  3.0 s"),
                    b.toString(StandardCharsets.UTF_8));
            bar.onStage("factorization and solves", 0);
            now.set(4_000_000_000L);
            bar.tick();
            assertTrue(b.toString(StandardCharsets.UTF_8).contains("\rfactorization and solves: working...  4.0 s"));
        }
    }

    @Test
    void anyNumbersRenderWithoutThrowing() {
        ProgressBar bar =
                new ProgressBar(new PrintStream(new ByteArrayOutputStream()), true, "kernel", 0, System::nanoTime);
        long[] values = {Long.MIN_VALUE, -60, -1, 0, 1, 59, 60, 61, 6_000, 36_000, Long.MAX_VALUE};
        for (long done : values)
            for (long total : values) {
                String line = bar.render(done, total, 1.0, 5.0);
                assertFalse(line.contains("\n"));
                if (total > 0) assertTrue(line.contains("%"), line);
                bar.onProgress(done, total); // the reporting path too
            }
        assertEquals("kernel [##############################] 100%  1.0 s", bar.render(120, 60, 1.0, 0));
        assertEquals("kernel [..............................]   0%  1.0 s", bar.render(-60, 60, 1.0, 0));
    }

    @Test
    void theTickerNeverThrows() {
        AtomicLong calls = new AtomicLong();
        ProgressBar bar = new ProgressBar(new PrintStream(new ByteArrayOutputStream()), true, "kernel", 0, () -> {
            if (calls.incrementAndGet() > 1) throw new IllegalStateException("clock failure");
            return 0;
        });
        assertDoesNotThrow(bar::tick);
    }

    @Test
    void closeStopsTheTickerThread() {
        String old = System.getProperty("ntk4j.stderr.tty");
        System.setProperty("ntk4j.stderr.tty", "true"); // a terminal: the bar starts its ticker
        try {
            ProgressBar bar = ProgressBar.of(new Main(), "kernel");
            assertTrue(tickerAlive(), "no ticker started");
            Thread.currentThread().interrupt(); // as after Ctrl-C: close must still stop it, and keep the status
            bar.close();
            assertTrue(Thread.interrupted());
            assertFalse(tickerAlive(), "the ticker outlived close()");
        } finally {
            if (old == null) System.clearProperty("ntk4j.stderr.tty");
            else System.setProperty("ntk4j.stderr.tty", old);
        }
    }

    private static boolean tickerAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.isAlive() && t.getName().equals("ntk4j-progress"));
    }
}
