package org.ntk4j.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file's length in bytes and SHA-256 (lower-case hex), as {@link Outputs#digest} records them for
 * the files a run wrote; for checking a file against a recorded checksum before reading it.
 *
 * @param size   the length in bytes
 * @param sha256 the SHA-256 of the content, 64 lower-case hex digits
 */
public record FileChecksum(long size, String sha256) {
    public FileChecksum {
        if (size < 0) throw new IllegalArgumentException("size must be >= 0, got " + size);
        if (sha256 == null || !sha256.matches("[0-9a-f]{64}"))
            throw new IllegalArgumentException("sha256 must be 64 lower-case hex digits, got " + sha256);
    }

    /** The length and SHA-256 of {@code file} as it is now (read to its end). */
    public static FileChecksum of(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Sha256.Sum sum = Sha256.of(ch);
            return new FileChecksum(sum.size(), sum.hex());
        }
    }
}
