package org.ntk4j.correction;

import org.ntk4j.linalg.Matrix;

/**
 * The kernels of a width-n network to order 1/n, over the m inputs of one call (immutable; see
 * docs/finite-width.md). For the readout's conditional NNGP Ĝ
 * ({@link org.ntk4j.finite.FiniteNetwork#conditionalNngp}): E[Ĝ(a, b)] = K(a, b) + K⁽¹⁾(a, b)/n and
 * Var[Ĝ(a, b)] = V(a, b; a, b)/n; for the empirical NTK Θ̂ of the single output (NTK
 * parameterization): E[Θ̂(a, b)] = Θ(a, b) + Θ⁽¹⁾(a, b)/n and Var[Θ̂(a, b)] = W_Θ(a, b)/n; all up
 * to O(1/n²).
 *
 * @param width        the hidden width n the means and variances are given for
 * @param nngp         K, the infinite-width NNGP (m×m)
 * @param nngpMeanCoef K⁽¹⁾ (m×m), width-independent
 * @param nngpVarCoef  V(a, b; a, b) (m×m), width-independent
 * @param ntk          Θ, the infinite-width NTK, or {@code null} under the standard parameterization
 * @param ntkMeanCoef  Θ⁽¹⁾, or {@code null} likewise
 * @param ntkVarCoef   W_Θ(a, b) = n·Var[Θ̂(a, b)] at leading order, or {@code null} likewise
 */
public record WidthCorrection(
        int width,
        Matrix nngp,
        Matrix nngpMeanCoef,
        Matrix nngpVarCoef,
        Matrix ntk,
        Matrix ntkMeanCoef,
        Matrix ntkVarCoef) {
    public WidthCorrection {
        if (width < 1) throw new IllegalArgumentException("width correction: width must be >= 1, got " + width);
        if (nngp == null || nngpMeanCoef == null || nngpVarCoef == null)
            throw new IllegalArgumentException("width correction: null NNGP matrix");
        requireShape(nngpMeanCoef, nngp, "nngpMeanCoef");
        requireShape(nngpVarCoef, nngp, "nngpVarCoef");
        boolean anyNtk = ntk != null || ntkMeanCoef != null || ntkVarCoef != null;
        if (anyNtk) {
            if (ntk == null || ntkMeanCoef == null || ntkVarCoef == null)
                throw new IllegalArgumentException("width correction: the NTK parts come together or not at all");
            requireShape(ntk, nngp, "ntk");
            requireShape(ntkMeanCoef, nngp, "ntkMeanCoef");
            requireShape(ntkVarCoef, nngp, "ntkVarCoef");
        }
    }

    /** Whether the NTK parts are present (NTK parameterization). */
    public boolean hasNtk() {
        return ntk != null;
    }

    /** E[Ĝ] at width n: K + K⁽¹⁾/n. */
    public Matrix nngpMean() {
        return combine(nngp, nngpMeanCoef);
    }

    /** Var[Ĝ] entry by entry at width n: V(a, b; a, b)/n. */
    public Matrix nngpVar() {
        return combine(null, nngpVarCoef);
    }

    /** E[Θ̂] at width n: Θ + Θ⁽¹⁾/n. */
    public Matrix ntkMean() {
        requireNtk();
        return combine(ntk, ntkMeanCoef);
    }

    /** Var[Θ̂] entry by entry at width n. */
    public Matrix ntkVar() {
        requireNtk();
        return combine(null, ntkVarCoef);
    }

    private void requireNtk() {
        if (ntk == null)
            throw new IllegalStateException(
                    "no NTK parts: under the standard parameterization the NTK has no infinite-width limit to correct");
    }

    private Matrix combine(Matrix base, Matrix coef) {
        double[] c = coef.toColumnMajor();
        double[] b = base == null ? new double[c.length] : base.toColumnMajor();
        for (int q = 0; q < c.length; q++) b[q] += c[q] / width;
        return Matrix.wrapColumnMajor(coef.rows(), coef.cols(), b);
    }

    private static void requireShape(Matrix m, Matrix like, String name) {
        if (m.rows() != like.rows() || m.cols() != like.cols())
            throw new IllegalArgumentException("width correction: " + name + " is " + m.rows() + "x" + m.cols()
                    + " but nngp is " + like.rows() + "x" + like.cols());
    }
}
