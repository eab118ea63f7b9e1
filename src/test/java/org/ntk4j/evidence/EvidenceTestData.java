package org.ntk4j.evidence;

import java.util.Random;
import org.ntk4j.linalg.Matrix;

/** Small random regression problems for the evidence tests. */
final class EvidenceTestData {
    private EvidenceTestData() {}

    /** n×d standard normal inputs; with {@code duplicate}, row 1 repeats row 0 (two parallel inputs, R = 0 off the diagonal). */
    static Matrix inputs(int n, int d, long seed, boolean duplicate) {
        Random r = new Random(seed);
        double[][] x = new double[n][d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) x[i][j] = r.nextGaussian();
        if (duplicate && n > 1) x[1] = x[0].clone();
        return Matrix.of(x);
    }

    /** n×k targets: a smooth function of the inputs plus noise. */
    static Matrix targets(Matrix x, int k, long seed) {
        Random r = new Random(seed);
        double[][] y = new double[x.rows()][k];
        for (int i = 0; i < x.rows(); i++)
            for (int c = 0; c < k; c++)
                y[i][c] = Math.sin(x.get(i, 0) + c) + 0.5 * x.get(i, x.cols() - 1) + 0.1 * r.nextGaussian();
        return Matrix.of(y);
    }

    /** Richardson-extrapolated central difference of f at x with step h (the test's own, independent of the main code's). */
    static double derivative(java.util.function.DoubleUnaryOperator f, double x, double h) {
        double d1 = (f.applyAsDouble(x + h) - f.applyAsDouble(x - h)) / (2 * h);
        double d2 = (f.applyAsDouble(x + h / 2) - f.applyAsDouble(x - h / 2)) / h;
        return (4 * d2 - d1) / 3;
    }
}
