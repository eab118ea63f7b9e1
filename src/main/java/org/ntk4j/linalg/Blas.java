package org.ntk4j.linalg;

import static org.bytedeco.openblas.global.openblas.CblasColMajor;
import static org.bytedeco.openblas.global.openblas.CblasLeft;
import static org.bytedeco.openblas.global.openblas.CblasLower;
import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasNonUnit;
import static org.bytedeco.openblas.global.openblas.CblasRight;
import static org.bytedeco.openblas.global.openblas.CblasTrans;

import org.bytedeco.openblas.global.openblas;

/**
 * Thin, shape-checked wrappers over OpenBLAS CBLAS level-3 routines on {@link NativeMatrix}
 * (column-major, leading dimension = rows). Triangular and symmetric operands use their lower
 * triangle.
 */
public final class Blas {
    private Blas() {}

    private static int t(boolean trans) {
        return trans ? CblasTrans : CblasNoTrans;
    }

    /** C ← α·op(A)·op(B) + β·C. */
    public static void gemm(
            boolean transA, boolean transB, double alpha, NativeMatrix a, NativeMatrix b, double beta, NativeMatrix c) {
        int m = transA ? a.cols() : a.rows();
        int k = transA ? a.rows() : a.cols();
        int kb = transB ? b.cols() : b.rows();
        int n = transB ? b.rows() : b.cols();
        if (k != kb || c.rows() != m || c.cols() != n)
            throw new IllegalArgumentException("gemm: op(A) " + m + "x" + k + " times op(B) " + kb + "x" + n
                    + " into C " + c.rows() + "x" + c.cols());
        if (m == 0 || n == 0) return;
        if (k == 0) {
            scaleInPlace(c, beta);
            return;
        }
        openblas.cblas_dgemm(
                CblasColMajor,
                t(transA),
                t(transB),
                m,
                n,
                k,
                alpha,
                a.pointer(),
                lda(a),
                b.pointer(),
                lda(b),
                beta,
                c.pointer(),
                lda(c));
    }

    /** A new matrix op(A)·op(B). */
    public static NativeMatrix multiply(boolean transA, NativeMatrix a, boolean transB, NativeMatrix b, String what) {
        int m = transA ? a.cols() : a.rows();
        int n = transB ? b.rows() : b.cols();
        NativeMatrix c = NativeMatrix.allocate(m, n, what);
        try {
            gemm(transA, transB, 1.0, a, b, 0.0, c);
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** B ← op(L)⁻¹·B with L lower triangular (non-unit diagonal): a triangular solve with many right-hand sides. */
    public static void solveLowerLeft(NativeMatrix lower, boolean transpose, NativeMatrix b) {
        checkTriangular(lower, b.rows(), "solveLowerLeft", "B rows");
        if (b.rows() == 0 || b.cols() == 0) return;
        openblas.cblas_dtrsm(
                CblasColMajor,
                CblasLeft,
                CblasLower,
                t(transpose),
                CblasNonUnit,
                b.rows(),
                b.cols(),
                1.0,
                lower.pointer(),
                lda(lower),
                b.pointer(),
                lda(b));
    }

    /** B ← B·op(L)⁻¹ with L lower triangular (non-unit diagonal). */
    public static void solveLowerRight(NativeMatrix lower, boolean transpose, NativeMatrix b) {
        checkTriangular(lower, b.cols(), "solveLowerRight", "B columns");
        if (b.rows() == 0 || b.cols() == 0) return;
        openblas.cblas_dtrsm(
                CblasColMajor,
                CblasRight,
                CblasLower,
                t(transpose),
                CblasNonUnit,
                b.rows(),
                b.cols(),
                1.0,
                lower.pointer(),
                lda(lower),
                b.pointer(),
                lda(b));
    }

    /**
     * C ← α·A·Aᵀ + β·C (or α·Aᵀ·A with {@code transpose}), computing only the lower triangle of C;
     * with {@code fill} the upper triangle is then mirrored from it.
     */
    public static void syrk(
            boolean transpose, double alpha, NativeMatrix a, double beta, NativeMatrix c, boolean fill) {
        int n = transpose ? a.cols() : a.rows();
        int k = transpose ? a.rows() : a.cols();
        if (c.rows() != n || c.cols() != n)
            throw new IllegalArgumentException(
                    "syrk: result must be " + n + "x" + n + ", got " + c.rows() + "x" + c.cols());
        if (n == 0) return;
        if (k == 0) scaleInPlace(c, beta);
        else
            openblas.cblas_dsyrk(
                    CblasColMajor,
                    CblasLower,
                    t(transpose),
                    n,
                    k,
                    alpha,
                    a.pointer(),
                    lda(a),
                    beta,
                    c.pointer(),
                    lda(c));
        if (fill) c.mirrorLowerToUpper();
    }

    /**
     * C ← α·(A·Bᵀ + B·Aᵀ) + β·C (or with Aᵀ·B + Bᵀ·A under {@code transpose}), lower triangle,
     * upper mirrored with {@code fill}.
     */
    public static void syr2k(
            boolean transpose,
            double alpha,
            NativeMatrix a,
            NativeMatrix b,
            double beta,
            NativeMatrix c,
            boolean fill) {
        int n = transpose ? a.cols() : a.rows();
        int k = transpose ? a.rows() : a.cols();
        if (b.rows() != a.rows() || b.cols() != a.cols() || c.rows() != n || c.cols() != n)
            throw new IllegalArgumentException("syr2k: A " + a.rows() + "x" + a.cols() + ", B " + b.rows() + "x"
                    + b.cols() + ", C " + c.rows() + "x" + c.cols());
        if (n == 0) return;
        if (k == 0) scaleInPlace(c, beta);
        else
            openblas.cblas_dsyr2k(
                    CblasColMajor,
                    CblasLower,
                    t(transpose),
                    n,
                    k,
                    alpha,
                    a.pointer(),
                    lda(a),
                    b.pointer(),
                    lda(b),
                    beta,
                    c.pointer(),
                    lda(c));
        if (fill) c.mirrorLowerToUpper();
    }

    /** C ← α·B·S + β·C with S symmetric (its lower triangle is read). */
    public static void symmRight(double alpha, NativeMatrix b, NativeMatrix s, double beta, NativeMatrix c) {
        if (s.rows() != s.cols() || b.cols() != s.rows() || c.rows() != b.rows() || c.cols() != b.cols())
            throw new IllegalArgumentException("symmRight: B " + b.rows() + "x" + b.cols() + ", S " + s.rows() + "x"
                    + s.cols() + ", C " + c.rows() + "x" + c.cols());
        if (c.rows() == 0 || c.cols() == 0) return;
        openblas.cblas_dsymm(
                CblasColMajor,
                CblasRight,
                CblasLower,
                c.rows(),
                c.cols(),
                alpha,
                s.pointer(),
                lda(s),
                b.pointer(),
                lda(b),
                beta,
                c.pointer(),
                lda(c));
    }

    private static void checkTriangular(NativeMatrix l, int need, String op, String what) {
        if (l.rows() != l.cols())
            throw new IllegalArgumentException(op + ": L must be square, got " + l.rows() + "x" + l.cols());
        if (l.rows() != need)
            throw new IllegalArgumentException(
                    op + ": L is " + l.rows() + "x" + l.cols() + " but " + what + " = " + need);
    }

    private static void scaleInPlace(NativeMatrix c, double beta) {
        int n = c.rows() * c.cols();
        for (int k = 0; k < n; k++) c.setAt(k, beta == 0.0 ? 0.0 : beta * c.at(k));
    }

    private static int lda(NativeMatrix a) {
        return Math.max(1, a.rows());
    }
}
