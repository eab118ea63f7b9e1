package org.ntk4j.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntk4j.arch.ArchParser;
import org.ntk4j.arch.Architecture;

class WarmupTest {
    @TempDir Path dir;
    static final Architecture ARCH = ArchParser.parse("Dense(64)->Erf->Dense(64)->Relu->Dense(1)");

    @Test void warmsUpAndStopsOnFinish() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Runtime.getRuntime().availableProcessors() > 1, "one core: no warm-up");
        Path big = dir.resolve("big.npy");
        try (var ch = java.nio.channels.FileChannel.open(big, java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[1]), Warmup.MIN_INPUT_BYTES); // sparse file of the threshold size
        }
        for (Path input : new Path[] {big, Files.write(dir.resolve("small.npy"), new byte[100]), dir.resolve("missing.npy")}) {
            Warmup w = Warmup.start();
            assertNotSame(Warmup.NONE, w);
            w.warmKernels(ARCH, input);
            Thread.sleep(50);
            long t0 = System.nanoTime();
            w.finish();
            w.join();
            assertTrue(System.nanoTime() - t0 < 20_000_000_000L, "a warm-up round is short and rounds stop after finish()");
        }
        Warmup.NONE.warmKernels(ARCH, big); // no-ops
        Warmup.NONE.finish();
    }
}
