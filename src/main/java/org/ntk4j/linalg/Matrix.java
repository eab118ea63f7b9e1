package org.ntk4j.linalg;

import java.util.Arrays;

/**
 * An immutable dense matrix, stored column-major ('f' order, as LAPACK wants it) in float64
 * ({@code double[]}) or float32 ({@code float[]}).
 *
 * <p>Public factories copy their input. {@link #wrapColumnMajor} takes ownership of an array
 * without copying, for library code that has just computed it and will not touch it again.
 */
public final class Matrix {
    private final int rows;
    private final int cols;
    final double[] f64; // exactly one of f64/f32 is non-null
    final float[] f32;

    private Matrix(int rows, int cols, double[] f64, float[] f32) {
        if (rows < 0 || cols < 0) throw new IllegalArgumentException("matrix: negative shape " + rows + "x" + cols);
        long need = (long) rows * cols;
        long have = f64 != null ? f64.length : f32.length;
        if (need != have)
            throw new IllegalArgumentException(
                    "matrix: " + rows + "x" + cols + " needs " + need + " values, got " + have);
        this.rows = rows;
        this.cols = cols;
        this.f64 = f64;
        this.f32 = f32;
    }

    /** Takes ownership of a column-major float64 array (no copy): do not modify it afterwards. */
    public static Matrix wrapColumnMajor(int rows, int cols, double[] data) {
        return new Matrix(rows, cols, data, null);
    }

    /** Takes ownership of a column-major float32 array (no copy): do not modify it afterwards. */
    public static Matrix wrapColumnMajor(int rows, int cols, float[] data) {
        return new Matrix(rows, cols, null, data);
    }

    /** Copies a row-major float64 array. */
    public static Matrix fromRowMajor(int rows, int cols, double[] data) {
        if ((long) rows * cols != data.length)
            throw new IllegalArgumentException(
                    "matrix: " + rows + "x" + cols + " needs " + ((long) rows * cols) + " values, got " + data.length);
        double[] cm = new double[data.length];
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) cm[i + j * rows] = data[i * cols + j];
        return new Matrix(rows, cols, cm, null);
    }

    /** Copies a rectangular {@code double[rows][cols]}. */
    public static Matrix of(double[][] a) {
        int r = a.length, c = r == 0 ? 0 : a[0].length;
        double[] cm = new double[r * c];
        for (int i = 0; i < r; i++) {
            if (a[i].length != c)
                throw new IllegalArgumentException(
                        "matrix: row " + i + " has " + a[i].length + " columns, expected " + c);
            for (int j = 0; j < c; j++) cm[i + j * r] = a[i][j];
        }
        return new Matrix(r, c, cm, null);
    }

    /** An n×1 column from a vector (copied). */
    public static Matrix column(double[] v) {
        return new Matrix(v.length, 1, v.clone(), null);
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public DType dtype() {
        return f64 != null ? DType.FLOAT64 : DType.FLOAT32;
    }

    /** Entry (i, j). */
    public double get(int i, int j) {
        int k = i + j * rows;
        return f64 != null ? f64[k] : f32[k];
    }

    /** A copy of the column-major data in float64. */
    public double[] toColumnMajor() {
        if (f64 != null) return f64.clone();
        double[] d = new double[f32.length];
        for (int k = 0; k < d.length; k++) d[k] = f32[k];
        return d;
    }

    /**
     * A native (off-heap) float64 copy of the column-major data, for BLAS; the caller closes it.
     * Unlike {@code new DoublePointer(toColumnMajor())} no heap copy is made on the way.
     */
    public org.bytedeco.javacpp.DoublePointer toNativeColumnMajor() {
        org.bytedeco.javacpp.DoublePointer p = new org.bytedeco.javacpp.DoublePointer(Math.max(1, (long) rows * cols));
        if (f64 != null) {
            p.put(f64);
        } else {
            double[] chunk = new double[Math.min(f32.length, 1 << 16)];
            for (int k = 0; k < f32.length; k += chunk.length) {
                int len = Math.min(chunk.length, f32.length - k);
                for (int q = 0; q < len; q++) chunk[q] = f32[k + q];
                p.position(k).put(chunk, 0, len);
            }
            p.position(0);
        }
        return p;
    }

    /** The mean square of each row, |x_i|²/cols (summed over columns in order), in float64. */
    public double[] rowMeanSquares() {
        double[] q = new double[rows];
        for (int j = 0; j < cols; j++)
            for (int i = 0, o = j * rows; i < rows; i++) {
                double v = f64 != null ? f64[o + i] : f32[o + i];
                q[i] += v * v;
            }
        for (int i = 0; i < rows; i++) q[i] /= cols;
        return q;
    }

    /** A copy of the data in row-major (C) order, float64. */
    public double[] toRowMajor() {
        double[] d = new double[rows * cols];
        for (int j = 0; j < cols; j++) for (int i = 0; i < rows; i++) d[i * cols + j] = get(i, j);
        return d;
    }

    /**
     * Copies rows [i0, i1) in row-major (C) order into {@code dst[0 .. (i1 − i0)·cols)}: a transpose
     * of the column-major storage, column by column so that each read is a contiguous run. For
     * writers (e.g. .npy) that stream a large matrix in blocks of rows without a per-entry call.
     */
    public void copyRowsRowMajor(int i0, int i1, double[] dst) {
        checkRowRange(i0, i1, dst.length);
        int n = i1 - i0;
        for (int j = 0; j < cols; j++) {
            int src = j * rows + i0;
            if (f64 != null) for (int i = 0; i < n; i++) dst[i * cols + j] = f64[src + i];
            else for (int i = 0; i < n; i++) dst[i * cols + j] = f32[src + i];
        }
    }

    private void checkRowRange(int i0, int i1, int capacity) {
        if (i0 < 0 || i1 > rows || i0 > i1)
            throw new IndexOutOfBoundsException("rows [" + i0 + ", " + i1 + ") of a matrix with " + rows + " rows");
        if ((long) (i1 - i0) * cols > capacity)
            throw new IndexOutOfBoundsException(
                    "destination holds " + capacity + " entries, " + (long) (i1 - i0) * cols + " needed");
    }

    /** A copy as {@code double[rows][cols]}. */
    public double[][] toArray() {
        double[][] a = new double[rows][cols];
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) a[i][j] = get(i, j);
        return a;
    }

    /** Row i as a new array. */
    public double[] row(int i) {
        double[] r = new double[cols];
        for (int j = 0; j < cols; j++) r[j] = get(i, j);
        return r;
    }

    /** This matrix in the given precision (itself when it already is). */
    public Matrix as(DType t) {
        if (t == dtype()) return this;
        if (t == DType.FLOAT64) return new Matrix(rows, cols, toColumnMajor(), null);
        float[] f = new float[f64.length];
        for (int k = 0; k < f.length; k++) f[k] = (float) f64[k];
        return new Matrix(rows, cols, null, f);
    }

    /** Index of the first NaN or infinite entry in column-major order, or -1. */
    public long firstNonFinite() {
        int n = rows * cols;
        for (int k = 0; k < n; k++) {
            double v = f64 != null ? f64[k] : f32[k];
            if (!Double.isFinite(v)) return k;
        }
        return -1;
    }

    /**
     * The binary exponent of the largest |entry| ({@link Scaling#exponent}), 0 when all entries are
     * 0: dividing by 2^e (see {@link #scalb}) brings them to [−2, 2] exactly. Solvers do so to keep
     * targets near 1e308 from overflowing in intermediate results.
     */
    public int maxAbsExponent() {
        return Scaling.exponent(f64 != null ? f64 : toColumnMajor());
    }

    /**
     * This matrix times 2^e ({@link Scaling#scalb}), in float64 (itself when e = 0): results computed
     * from a scaled matrix and scaled back are bit for bit those computed unscaled whenever the
     * latter do not overflow.
     */
    public Matrix scalb(int e) {
        return e == 0 ? this : new Matrix(rows, cols, Scaling.scalb(f64 != null ? f64 : toColumnMajor(), e), null);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Matrix m
                && m.rows == rows
                && m.cols == cols
                && Arrays.equals(m.f64, f64)
                && Arrays.equals(m.f32, f32);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * rows + cols) + (f64 != null ? Arrays.hashCode(f64) : Arrays.hashCode(f32));
    }

    @Override
    public String toString() {
        return "Matrix[" + rows + "x" + cols + ", " + dtype() + "]";
    }
}
