package org.ntk4j.io;

/**
 * The shape of a {@code .npy} array as ntk4j reads it ({@link Npy#shape}): a 2-D array's rows and
 * columns, or a 1-D array's length as rows × 1.
 *
 * @param rows   the number of rows (the length of a 1-D array)
 * @param cols   the number of columns (1 for a 1-D array)
 * @param vector whether the array is 1-D
 * @param dtype  the element type in the file
 */
public record NpyShape(long rows, long cols, boolean vector, NpyDType dtype) {}
