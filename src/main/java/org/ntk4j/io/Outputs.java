package org.ntk4j.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ntk4j.error.OutputWriteException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes files through a temporary file in the same directory that is renamed into place when
 * complete, so that readers never see a half-written file under the final name. The temporary of
 * {@code name} is {@code .name.PID.SEQ.tmp}: the writing process's id makes the temporaries of a
 * process that died (kill -9, a crash) recognizable, and {@link #removeStaleTemporaries} deletes them.
 */
public final class Outputs {
    private static final Logger LOG = LoggerFactory.getLogger(Outputs.class);

    /** Writes the content of a file to an open channel. */
    @FunctionalInterface
    public interface ChannelWriter {
        void write(FileChannel channel) throws IOException;
    }

    /** A file as written: its path, its size in bytes and the SHA-256 of its content (lower-case hex). */
    public record Written(Path file, long size, String sha256) {}

    private static final long PID = ProcessHandle.current().pid();
    private static final AtomicLong SEQ = new AtomicLong(System.nanoTime());
    /** {@code .NAME.PID.SEQ.tmp}, the names {@link #writeAtomically} gives its temporaries. */
    private static final Pattern TEMPORARY = Pattern.compile("\\..+\\.(\\d{1,19})\\.(-?\\d{1,19})\\.tmp");

    private Outputs() {}

    /**
     * Writes {@code file} atomically (where the file system allows). On failure nothing is left
     * under the final name nor as a temporary.
     *
     * @throws OutputWriteException naming the file and the reason (disk full, permission denied,
     *     the directory removed, ...) when it cannot be written
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
            throw new OutputWriteException(file, reason(e), e);
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

    /**
     * Size and SHA-256 of {@code file} as it is now (read back: the bytes behind the final name).
     *
     * @throws OutputWriteException when it cannot be read back (it vanished, ...)
     */
    public static Written digest(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Sha256.Sum sum = Sha256.of(ch);
            return new Written(file, sum.size(), sum.hex());
        } catch (IOException e) {
            throw new OutputWriteException(file, "cannot read it back to record its checksum: " + reason(e), e);
        }
    }

    /**
     * Deletes the temporaries that {@link #writeAtomically} left in {@code dir} when its process
     * died before renaming them (kill -9, a crash, a power cut). A temporary is stale when no live
     * process has the id in its name; those of live processes (another run writing into the same
     * directory, this one) are kept. why "live" and not "other than mine": a second run into the
     * same directory must not pull a file from under the first. A process that reuses a dead one's
     * id keeps that temporary until a later run; a writer in another pid namespace (container)
     * sharing the directory is not told apart from a dead one.
     *
     * @return the number of files deleted
     */
    public static int removeStaleTemporaries(Path dir) {
        int removed = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, ".*.tmp")) {
            for (Path p : entries) {
                Matcher m = TEMPORARY.matcher(p.getFileName().toString());
                if (!m.matches() || isLive(m.group(1))) continue;
                try {
                    if (Files.deleteIfExists(p)) removed++;
                } catch (IOException e) {
                    LOG.warn("cannot remove the stale temporary file {}: {}", p, reason(e));
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot list {} for stale temporary files: {}", dir, reason(e));
        }
        if (removed > 0) LOG.info("removed {} stale temporary file(s) of dead processes from {}", removed, dir);
        return removed;
    }

    private static boolean isLive(String pid) {
        try {
            long id = Long.parseLong(pid);
            return id == PID || ProcessHandle.of(id).map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException e) {
            return true; // not a pid we could have written: leave it alone
        }
    }

    /** A short reason for a write failure (the JDK's messages are often just the path). */
    public static String reason(IOException e) {
        if (e instanceof NoSuchFileException) return "its directory does not exist (removed while writing?)";
        if (e instanceof AccessDeniedException) return "permission denied";
        if (e instanceof FileSystemException f && f.getReason() != null) return f.getReason();
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
