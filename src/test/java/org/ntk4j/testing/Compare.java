package org.ntk4j.testing;

import org.ntk4j.linalg.Matrix;

/** Comparisons shared by the tests. */
public final class Compare {
    private Compare() {}

    /** Normwise relative distance max|a − b| / max|b| (max|a − b| when b is all zero); shapes must agree. */
    public static double relErr(Matrix a, Matrix b) {
        if (a.rows() != b.rows() || a.cols() != b.cols())
            throw new AssertionError(
                    "shape " + a.rows() + "x" + a.cols() + " vs expected " + b.rows() + "x" + b.cols());
        double num = 0, den = 0;
        for (int j = 0; j < b.cols(); j++)
            for (int i = 0; i < b.rows(); i++) {
                num = Math.max(num, Math.abs(a.get(i, j) - b.get(i, j)));
                den = Math.max(den, Math.abs(b.get(i, j)));
            }
        return den == 0 ? num : num / den;
    }
}
