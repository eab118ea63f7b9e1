package org.ntk4j.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import org.ntk4j.error.InputText;
import org.ntk4j.error.InsufficientMemoryException;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.Finite;
import org.ntk4j.linalg.Matrix;

/** Checks shared by the readers: the file exists, the data fits, the values are finite. */
final class Inputs {
    /** Largest array Java allocates (a little under Integer.MAX_VALUE on HotSpot). */
    static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private Inputs() {}

    /** Longest rendering of a file name in a message (longer names are cut, see {@link InputText}). */
    private static final int NAME_LIMIT = 240;

    /** A file name for a message: escaped and shortened, since a path is user input too. */
    static String name(Path file) {
        return InputText.escape(String.valueOf(file), NAME_LIMIT);
    }

    static void checkReadable(Path file, String arg) {
        if (file == null) throw new InvalidInputException(arg, "no file given");
        if (!Files.exists(file)) throw new InvalidInputException(arg, "file not found: " + name(file));
        if (Files.isDirectory(file)) throw new InvalidInputException(arg, name(file) + " is a directory, not a file");
        if (!Files.isReadable(file))
            throw new InvalidInputException(arg, "cannot read " + name(file) + ": permission denied");
    }

    /** Throws before allocating a rows×cols array that Java cannot hold or the heap cannot fit. */
    static void checkSize(String arg, Path file, long rows, long cols, int bytesPerValue) {
        long count;
        try {
            count = Math.multiplyExact(rows, cols);
        } catch (ArithmeticException e) {
            count = Long.MAX_VALUE;
        }
        if (count > MAX_ELEMENTS || rows > Integer.MAX_VALUE || cols > Integer.MAX_VALUE)
            throw new InvalidInputException(
                    arg,
                    String.format(
                            Locale.ROOT,
                            "%s has %dx%d = %,d values; one ntk4j matrix holds at most %,d: split the input",
                            name(file),
                            rows,
                            cols,
                            count,
                            MAX_ELEMENTS));
        long need = count * bytesPerValue;
        Runtime rt = Runtime.getRuntime();
        long available = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (need > available) {
            System.gc(); // only on this rare path: garbage may be what stands in the way
            available = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
            if (need > available)
                throw new InsufficientMemoryException(
                        arg + ": reading " + name(file) + " (" + rows + "x" + cols + ")", need, available);
        }
    }

    /** Rejects NaN/Inf, naming the first one in row order (0-based, as numpy indexes) and the count. */
    static void checkFinite(Matrix m, boolean vector, String arg, Path file) {
        checkFinite(m, vector, arg, file, 0);
    }

    /** As {@link #checkFinite(Matrix, boolean, String, Path)} for rows that start at row {@code firstRow} of the file. */
    static void checkFinite(Matrix m, boolean vector, String arg, Path file, long firstRow) {
        Finite.Entry e = Finite.first(m);
        if (e == null) return;
        long r = firstRow + e.row();
        String where = vector ? "index " + r : "row " + r + ", column " + e.col();
        throw new InvalidInputException(
                arg,
                name(file) + " has " + e.what() + " at " + where + " (0-based)"
                        + (e.count() > 1
                                ? " and " + (e.count() - 1) + " more non-finite value" + (e.count() > 2 ? "s" : "")
                                : "")
                        + "; inputs must be finite: remove or impute them");
    }

    /** A short reason for an I/O failure (the JDK's messages are often just the path). */
    static String reason(IOException e) {
        if (e instanceof NoSuchFileException) return "file not found";
        if (e instanceof AccessDeniedException) return "permission denied";
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : InputText.escape(m, NAME_LIMIT);
    }
}
