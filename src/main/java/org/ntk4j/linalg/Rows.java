package org.ntk4j.linalg;

/**
 * Row-wise reductions and row selection on column-major data, written once for the predictors and the
 * scalable solvers. The reductions walk each column with a contiguous inner loop and add the columns
 * in order j = 0, 1, …, so every caller gets the same rounding.
 */
public final class Rows {
    private Rows() {}

    /** Σ_j a_ij·b_ij for every row i of two m×n native matrices. */
    public static double[] dots(NativeMatrix a, NativeMatrix b) {
        int m = a.rows(), n = a.cols();
        double[] s = new double[m];
        for (int j = 0; j < n; j++) {
            int o = j * m;
            for (int i = 0; i < m; i++) s[i] += a.at(o + i) * b.at(o + i);
        }
        return s;
    }

    /** Σ_j a_ij²·w_j for every row i of an m×n native matrix. */
    public static double[] weightedSquares(NativeMatrix a, double[] w) {
        int m = a.rows(), n = a.cols();
        double[] s = new double[m];
        for (int j = 0; j < n; j++) {
            int o = j * m;
            double wj = w[j];
            for (int i = 0; i < m; i++) {
                double v = a.at(o + i);
                s[i] += v * v * wj;
            }
        }
        return s;
    }

    /** Rows [r0, r1) of a column-major n×d array, as a matrix. */
    public static Matrix select(double[] cm, int n, int d, int r0, int r1) {
        int b = r1 - r0;
        double[] s = new double[b * d];
        for (int j = 0; j < d; j++) System.arraycopy(cm, j * n + r0, s, j * b, b);
        return Matrix.wrapColumnMajor(b, d, s);
    }

    /** Rows {@code idx} (in that order) of a column-major n×d array, as a matrix. */
    public static Matrix select(double[] cm, int n, int d, int[] idx) {
        int b = idx.length;
        double[] s = new double[b * d];
        for (int j = 0; j < d; j++) for (int i = 0; i < b; i++) s[j * b + i] = cm[j * n + idx[i]];
        return Matrix.wrapColumnMajor(b, d, s);
    }
}
