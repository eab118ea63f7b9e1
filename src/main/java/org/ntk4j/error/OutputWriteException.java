package org.ntk4j.error;

import java.nio.file.Path;

/**
 * An output file could not be written (disk full, permission denied, the directory vanished).
 * {@link #file()} names the file; nothing is left under its final name. The command line reports
 * it with exit code 7.
 */
public class OutputWriteException extends Ntk4jException {
    private final transient Path file;

    public OutputWriteException(Path file, String reason, Throwable cause) {
        super("cannot write " + file + ": " + reason, cause);
        this.file = file;
    }

    /** The file that could not be written. */
    public Path file() {
        return file;
    }
}
