package org.ntk4j.io;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntk4j.error.OutputWriteException;

/** {@link Outputs}: a failed write leaves nothing behind and names the file; stale temporaries; the digest. */
class OutputsTest {
    @TempDir
    Path dir;

    List<String> names(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aFailingWriterLeavesNeitherTheFileNorATemporary() throws IOException {
        Path f = dir.resolve("a.npy");
        OutputWriteException e = assertThrows(
                OutputWriteException.class,
                () -> Outputs.writeAtomically(f, ch -> {
                    ch.write(ByteBuffer.wrap(new byte[1000]));
                    throw new IOException("No space left on device"); // what a full disk makes write(2) report
                }));
        assertEquals(f, e.file());
        assertEquals("cannot write " + f + ": No space left on device", e.getMessage());
        assertEquals(List.of(), names(dir));
    }

    @Test
    void anExistingFileSurvivesAFailedRewrite() throws IOException {
        Path f = Files.writeString(dir.resolve("a.json"), "old");
        assertThrows(
                OutputWriteException.class,
                () -> Outputs.writeAtomically(f, ch -> {
                    throw new IOException("boom");
                }));
        assertEquals("old", Files.readString(f));
        assertEquals(List.of("a.json"), names(dir));
    }

    @Test
    void aDirectoryRemovedWhileWritingIsAnOutputWriteExceptionNamingTheFile() throws IOException {
        Path sub = Files.createDirectories(dir.resolve("sub"));
        Path f = sub.resolve("x.npy");
        OutputWriteException e = assertThrows(
                OutputWriteException.class,
                () -> Outputs.writeAtomically(f, ch -> {
                    ch.write(ByteBuffer.wrap("data".getBytes(StandardCharsets.US_ASCII)));
                    for (Path p : names(sub).stream().map(sub::resolve).toList())
                        Files.delete(p); // our temporary: still open
                    Files.delete(sub);
                }));
        assertEquals(f, e.file());
        assertTrue(e.getMessage().startsWith("cannot write " + f + ": its directory does not exist"), e.getMessage());
    }

    @Test
    void staleTemporariesOfDeadProcessesGoOthersStay() throws Exception {
        Process dead = new ProcessBuilder("true").start();
        assertTrue(dead.waitFor(10, TimeUnit.SECONDS));
        Process live = new ProcessBuilder("sleep", "60").start();
        try {
            long me = ProcessHandle.current().pid();
            Files.writeString(dir.resolve(".ntk.npy." + dead.pid() + ".12345.tmp"), "stale");
            Files.writeString(dir.resolve(".run.json." + dead.pid() + ".-7.tmp"), "stale");
            List<String> kept = List.of(
                    ".ntk.npy." + live.pid() + ".1.tmp",
                    ".ntk.npy." + me + ".2.tmp", // live writers
                    ".x.tmp",
                    "notes.tmp",
                    ".a.b.c.tmp",
                    ".a.99999999999999999999.1.tmp",
                    "ntk.npy." + dead.pid() + ".1.tmp");
            for (String k : kept) Files.writeString(dir.resolve(k), "keep");
            assertEquals(2, Outputs.removeStaleTemporaries(dir));
            assertEquals(kept.stream().sorted().toList(), names(dir));
            assertEquals(0, Outputs.removeStaleTemporaries(dir));
        } finally {
            live.destroyForcibly().waitFor();
        }
    }

    @Test
    void aRealTemporaryNameIsRecognizedAsStaleOnceItsProcessIsGone() throws Exception {
        // the name writeAtomically gives, seen while the write is under way: ours, so kept
        Path f = dir.resolve("k.npy");
        String[] seen = new String[1];
        Outputs.writeAtomically(f, ch -> {
            seen[0] = names(dir).get(0);
            assertEquals(0, Outputs.removeStaleTemporaries(dir), "this live process's temporary is kept");
            ch.write(ByteBuffer.wrap(new byte[] {1}));
        });
        assertTrue(seen[0].startsWith(".k.npy." + ProcessHandle.current().pid() + "."), seen[0]);
        assertEquals(List.of("k.npy"), names(dir));
    }

    @Test
    void digestIsTheSizeAndSha256OfTheContent() throws IOException {
        Path f = Files.writeString(dir.resolve("abc"), "abc");
        Outputs.Written w = Outputs.digest(f);
        assertEquals(3, w.size());
        // FIPS 180-2, appendix B.1
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", w.sha256());
        Path big = dir.resolve("big");
        byte[] b = new byte[3 << 20]; // several read buffers
        new java.util.Random(1).nextBytes(b);
        Files.write(big, b);
        assertEquals(b.length, Outputs.digest(big).size());
        Path empty = Files.write(dir.resolve("empty"), new byte[0]);
        assertEquals(
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                Outputs.digest(empty).sha256());
        assertThrows(OutputWriteException.class, () -> Outputs.digest(dir.resolve("missing")));
    }
}
