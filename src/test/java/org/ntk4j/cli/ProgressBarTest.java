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
        try (ProgressBar bar = new ProgressBar(new PrintStream(b, true, StandardCharsets.UTF_8), true, "kernel",
                2_000_000_000L, now::get)) {
            bar.onProgress(1, 10);
            assertEquals("", b.toString(), "nothing before 2 s");
            now.set(2_500_000_000L);
            bar.onProgress(2, 10); // first report: no rate yet
            assertTrue(b.toString(StandardCharsets.UTF_8).startsWith("\rkernel [######........................]  20%  2.5 s"));
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
        ProgressBar bar = new ProgressBar(new PrintStream(b, true, StandardCharsets.UTF_8), true, "kernel", 2_000_000_000L, now::get);
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
}
