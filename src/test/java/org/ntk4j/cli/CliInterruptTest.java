package org.ntk4j.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntk4j.io.Npy;
import org.ntk4j.linalg.Matrix;

/**
 * Ctrl-C in the CLI: the shutdown hook's {@link Main#unwind} interrupts a running command and
 * waits for it; the command stops with exit 130, one line on stderr, and no kernel file written.
 */
class CliInterruptTest {
    @TempDir
    Path dir;

    @Test
    void theHookInterruptsTheKernelAndWaitsForItToUnwind() throws Exception {
        Random r = new Random(3);
        double[] x = new double[2500 * 64];
        for (int i = 0; i < x.length; i++) x[i] = r.nextGaussian();
        Npy.write(dir.resolve("x.npy"), Matrix.wrapColumnMajor(2500, 64, x));
        Path out = dir.resolve("out");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        AtomicInteger code = new AtomicInteger(-1);
        CountDownLatch finished = new CountDownLatch(1);
        Thread command = Thread.ofPlatform().start(() -> {
            try {
                code.set(Main.run(
                        new String[] {
                            "kernel",
                            "--device",
                            "cpu",
                            "--x1",
                            dir.resolve("x.npy").toString(),
                            "--arch",
                            "Dense(512)->Relu->Dense(512)->Relu->Dense(512)->Relu->Dense(1)",
                            "--out",
                            out.toString()
                        },
                        new PrintStream(new ByteArrayOutputStream()),
                        new PrintStream(err, true, StandardCharsets.UTF_8)));
            } finally {
                finished.countDown();
            }
        });
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!computing() && finished.getCount() > 0 && System.nanoTime() < deadline) Thread.sleep(1);
        assertTrue(finished.getCount() > 0, "the kernel finished before it could be interrupted");
        Main.unwind(command, finished);
        assertEquals(0, finished.getCount(), "the command did not unwind within " + Main.UNWIND_MILLIS + " ms");
        String e = err.toString(StandardCharsets.UTF_8);
        assertEquals(130, code.get(), e);
        assertEquals(1, e.lines().count(), e);
        assertTrue(e.contains("interrupted"), e);
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(
                    java.util.List.of(),
                    files.map(p -> p.getFileName().toString())
                            .filter(n -> n.contains("npy"))
                            .toList());
        }
        command.join();
    }

    /** Whether the kernel's tile workers are running (with one core, the command thread works alone: then any time will do). */
    private static boolean computing() {
        return Runtime.getRuntime().availableProcessors() == 1
                || Thread.getAllStackTraces().keySet().stream()
                        .anyMatch(t -> t.getName().equals("ntk4j-kernel"));
    }
}
