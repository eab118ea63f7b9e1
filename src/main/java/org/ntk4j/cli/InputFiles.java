package org.ntk4j.cli;

import java.nio.file.Path;
import org.ntk4j.io.MatrixReader;
import org.ntk4j.io.ReadOptions;
import org.ntk4j.linalg.Matrix;

/** Reads a command's input files (.npy or .csv), naming the flag in every error. */
final class InputFiles {
    private InputFiles() {}

    /** A finite float64 matrix from {@code file} (1-D → n×1); errors start with {@code flag}. */
    public static Matrix matrix(String flag, Path file) {
        return MatrixReader.read(file, ReadOptions.forArgument(flag));
    }

    /** A finite vector from {@code file} (1-D, n×1 or 1×n); errors start with {@code flag}. */
    public static double[] vector(String flag, Path file) {
        return MatrixReader.readVector(file, ReadOptions.forArgument(flag));
    }
}
