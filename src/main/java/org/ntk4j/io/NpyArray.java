package org.ntk4j.io;

import org.ntk4j.linalg.Matrix;

/**
 * An array read from a {@code .npy} file: its values as a matrix (a 1-D array of length n becomes
 * n×1) and whether the file held a 1-D vector, so that callers that care can keep it one.
 *
 * @param matrix the values
 * @param vector whether the file's array was 1-D
 * @param dtype  the element type stored in the file
 */
public record NpyArray(Matrix matrix, boolean vector, NpyDType dtype) {
    public NpyArray {
        if (matrix == null) throw new IllegalArgumentException("npy array: matrix is null");
        if (dtype == null) throw new IllegalArgumentException("npy array: dtype is null");
        if (vector && matrix.cols() != 1) throw new IllegalArgumentException("npy array: a vector must be n x 1");
    }

    /** The values of a vector (or of an n×1 matrix) as an array. */
    public double[] toVector() {
        if (matrix.cols() != 1) throw new IllegalStateException("not a vector: " + matrix);
        return matrix.toColumnMajor();
    }
}
