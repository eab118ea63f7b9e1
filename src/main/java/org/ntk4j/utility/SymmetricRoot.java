package org.ntk4j.utility;

import org.bytedeco.openblas.global.openblas;
import org.ntk4j.error.IllPosedProblemException;
import org.ntk4j.linalg.Matrix;

/** R = Q·diag(sqrt(max(λ, 0)))·Qᵀ of a symmetric PSD matrix via LAPACKE_dsyevd (column-major). */
final class SymmetricRoot {
    private SymmetricRoot() {}

    static double[] of(Matrix c) {
        int m = c.rows();
        double[] q = c.toColumnMajor();
        double[] w = new double[m];
        int info = openblas.LAPACKE_dsyevd(openblas.LAPACK_COL_MAJOR, (byte) 'V', (byte) 'L', m, q, m, w);
        if (info != 0)
            throw new IllPosedProblemException(
                    "eigendecomposition of the posterior covariance failed (LAPACK info " + info + ")");
        double[] scaled = new double[m * m];
        for (int k = 0; k < m; k++) {
            double s = Math.sqrt(Math.max(w[k], 0));
            for (int i = 0; i < m; i++) scaled[k * m + i] = q[k * m + i] * s;
        }
        double[] r = new double[m * m];
        // R = (Q S)(Q)ᵀ
        openblas.cblas_dgemm(
                openblas.CblasColMajor,
                openblas.CblasNoTrans,
                openblas.CblasTrans,
                m,
                m,
                m,
                1.0,
                scaled,
                m,
                q,
                m,
                0.0,
                r,
                m);
        return r;
    }
}
