package org.ntk4j.evidence;

import static org.bytedeco.openblas.global.openblas.LAPACKE_dpotri;
import static org.bytedeco.openblas.global.openblas.LAPACK_COL_MAJOR;

import org.ntk4j.linalg.Cholesky;
import org.ntk4j.linalg.NativeMatrix;

/**
 * The inverse of a factored matrix, in the factor's own storage (LAPACK dpotri: L⁻¹ then L⁻ᵀL⁻¹,
 * about (2/3)n³ flops and no second n×n buffer). The gradient's trace term
 * tr((M + λI)⁻¹·∂M) needs every entry of the inverse once; forming it in place is what keeps the
 * exact marginal likelihood at one n×n matrix. Kept here rather than in {@link Cholesky} because it
 * destroys the factor, which no other user of that class wants.
 */
final class CholeskyInverse {
    private CholeskyInverse() {}

    /**
     * Overwrites the lower triangle of {@code c}'s storage with (A + jI)⁻¹ (the matrix that was
     * factored) and returns that storage; {@code c} can no longer solve (closing it frees the inverse).
     */
    static NativeMatrix invertInPlace(Cholesky c) {
        NativeMatrix f = c.factorStorage();
        int n = c.size();
        if (n == 0) return f;
        int info = LAPACKE_dpotri(LAPACK_COL_MAJOR, (byte) 'L', n, f.pointer(), n);
        // info > 0 would mean a zero diagonal entry of L, which a successful (rcond-checked) factor never has
        if (info != 0) throw new IllegalStateException("dpotri: info " + info);
        return f;
    }
}
