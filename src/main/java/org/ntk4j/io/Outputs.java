package org.ntk4j.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.ntk4j.error.Ntk4jException;

/**
 * Writes files through a temporary file in the same directory that is renamed into place when
 * complete, so that readers never see a half-written file under the final name.
 */
public final class Outputs {
    /** Writes the content of a file to an open channel. */
    @FunctionalInterface
    public interface ChannelWriter {
        void write(FileChannel channel) throws IOException;
    }

    private static final long PID = ProcessHandle.current().pid();
    private static final java.util.concurrent.atomic.AtomicLong SEQ = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());

    private Outputs() {}

    /**
     * Writes {@code file} atomically (where the file system allows).
     *
     * @throws Ntk4jException naming the file and the reason when it cannot be written
     */
    public static void writeAtomically(Path file, ChannelWriter writer) {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmp = null;
        try {
            FileChannel opened = null;
            // Not Files.createTempFile: its SecureRandom costs ~0.1 s of start-up to seed. A name
            // unique to this process and call, created exclusively (CREATE_NEW), is just as safe.
            for (int attempt = 0; opened == null; attempt++) {
                tmp = dir.resolve("." + abs.getFileName() + "." + PID + "." + SEQ.incrementAndGet() + ".tmp");
                try {
                    opened = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    tmp = null;
                    if (attempt >= 100) throw e;
                }
            }
            try (FileChannel ch = opened) {
                writer.write(ch);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            throw new Ntk4jException("cannot write " + file + ": " + Inputs.reason(e), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the write already failed and that is what gets reported
                }
            }
        }
    }
}
