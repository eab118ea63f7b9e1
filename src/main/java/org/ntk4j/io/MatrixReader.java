package org.ntk4j.io;

import java.nio.file.Path;
import java.util.Locale;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.Matrix;

/**
 * Reads a matrix from a file by its extension: {@code .npy} ({@link Npy}) or {@code .csv}
 * ({@link Csv}). A 1-D array becomes n×1.
 */
public final class MatrixReader {
    private MatrixReader() {}

    /** Reads a finite float64 matrix; errors name {@code input}. */
    public static Matrix read(Path file) {
        return read(file, ReadOptions.defaults());
    }

    /** Reads a matrix with the given options. */
    public static Matrix read(Path file, ReadOptions options) {
        return switch (extension(file, options.argument())) {
            case "npy" -> Npy.read(file, options);
            case "csv" -> Csv.read(file, options);
            default -> throw new IllegalStateException("unreachable");
        };
    }

    /** Reads a vector: a 1-D .npy array, or a one-column or one-row matrix from either format. */
    public static double[] readVector(Path file, ReadOptions options) {
        Matrix m = read(file, options);
        if (m.cols() != 1 && m.rows() != 1)
            throw new InvalidInputException(
                    options.argument(),
                    Inputs.name(file) + " has shape (" + m.rows() + ", " + m.cols()
                            + "); expected a vector (n,) or (n, 1)");
        return m.toColumnMajor();
    }

    private static String extension(Path file, String arg) {
        Inputs.checkReadable(file, arg); // "file not found" beats "unsupported type" for a typo
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        String ext = name.lastIndexOf('.') < 0
                ? ""
                : name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        if (ext.equals("npy") || ext.equals("csv")) return ext;
        throw new InvalidInputException(
                arg,
                Inputs.name(file) + ": unsupported file type"
                        + (ext.isEmpty() ? " (no extension)" : " '." + ext + "'")
                        + "; give a .npy file (numpy.save) or a numeric .csv file");
    }
}
