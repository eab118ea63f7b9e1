package org.ntk4j.correction;

import org.ntk4j.linalg.Matrix;

/**
 * The kernels of a width-n network to order 1/n, over the m inputs of one call (immutable; see
 * docs/finite-width.md). For the readout's conditional NNGP Ĝ
 * ({@link org.ntk4j.finite.FiniteNetwork#conditionalNngp}): E[Ĝ(a, b)] = K(a, b) + K⁽¹⁾(a, b)/n and
 * Var[Ĝ(a, b)] = V(a, b; a, b)/n, up to O(1/n²).
 *
 * @param width        the hidden width n the mean and variance are given for
 * @param nngp         K, the infinite-width NNGP (m×m)
 * @param nngpMeanCoef K⁽¹⁾ (m×m), width-independent
 * @param nngpVarCoef  V(a, b; a, b) (m×m), width-independent
 */
public record WidthCorrection(int width, Matrix nngp, Matrix nngpMeanCoef, Matrix nngpVarCoef) {
    public WidthCorrection {
        if (width < 1) throw new IllegalArgumentException("width correction: width must be >= 1, got " + width);
        if (nngp == null || nngpMeanCoef == null || nngpVarCoef == null)
            throw new IllegalArgumentException("width correction: null matrix");
        requireShape(nngpMeanCoef, nngp, "nngpMeanCoef");
        requireShape(nngpVarCoef, nngp, "nngpVarCoef");
    }

    /** E[Ĝ] at width n: K + K⁽¹⁾/n. */
    public Matrix nngpMean() {
        return combine(nngp, nngpMeanCoef, 1.0 / width);
    }

    /** Var[Ĝ] entry by entry at width n: V(a, b; a, b)/n. */
    public Matrix nngpVar() {
        return combine(null, nngpVarCoef, 1.0 / width);
    }

    private static Matrix combine(Matrix base, Matrix coef, double scale) {
        double[] c = coef.toColumnMajor();
        double[] b = base == null ? new double[c.length] : base.toColumnMajor();
        for (int q = 0; q < c.length; q++) b[q] += scale * c[q];
        return Matrix.wrapColumnMajor(coef.rows(), coef.cols(), b);
    }

    private static void requireShape(Matrix m, Matrix like, String name) {
        if (m.rows() != like.rows() || m.cols() != like.cols())
            throw new IllegalArgumentException("width correction: " + name + " is " + m.rows() + "x" + m.cols()
                    + " but nngp is " + like.rows() + "x" + like.cols());
    }
}
