package org.ntk4j.io;

import java.nio.file.Path;
import java.util.Locale;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.linalg.NativeMatrix;

/**
 * The file format of written arrays: NumPy {@code .npy} ({@link Npy}, the default) or text
 * {@code .csv} ({@link Csv}: no header, one matrix row per line, a 1-D array one value per line, each
 * value the shortest decimal that reads back to the same number). Both are written atomically.
 */
public enum ArrayFormat {
    /** NumPy {@code .npy}, little-endian, C order. */
    NPY("npy"),
    /** Comma-separated text. */
    CSV("csv");

    private final String extension;

    ArrayFormat(String extension) {
        this.extension = extension;
    }

    /** The file extension without the dot: {@code npy} or {@code csv}. */
    public String extension() {
        return extension;
    }

    /** {@code stem} with this format's extension, e.g. {@code mean.csv}. */
    public String fileName(String stem) {
        return stem + "." + extension;
    }

    /** Parses {@code npy} or {@code csv} (any case). */
    public static ArrayFormat parse(String s) {
        return switch (s.strip().toLowerCase(Locale.ROOT)) {
            case "npy" -> NPY;
            case "csv" -> CSV;
            default -> throw new IllegalArgumentException("the format must be npy or csv, got '" + s + "'");
        };
    }

    /** Writes a 2-D array in {@code dtype}. */
    public void write(Path file, Matrix m, DType dtype) {
        if (this == CSV) Csv.write(file, m, dtype);
        else Npy.write(file, m, dtype);
    }

    /** Writes a native matrix as a 2-D array ({@code exactlySymmetric}: m = mᵀ bit for bit, see {@link Npy}). */
    public void write(Path file, NativeMatrix m, DType dtype, boolean exactlySymmetric) {
        if (this == CSV) Csv.write(file, m, dtype, exactlySymmetric);
        else Npy.write(file, m, dtype, exactlySymmetric);
    }

    /** Writes a 1-D array in {@code dtype}. */
    public void writeVector(Path file, double[] v, DType dtype) {
        if (this == CSV) Csv.writeVector(file, v, dtype);
        else Npy.writeVector(file, v, dtype);
    }
}
