package org.ntk4j.predict;

import org.ntk4j.linalg.Blas;
import org.ntk4j.linalg.Cholesky;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.linalg.NativeMatrix;
import org.ntk4j.linalg.Rows;

/**
 * The t = ∞ covariance of the NTK ensemble (Lee et al. 2019 eq. 16):
 * K_tt + Θ_td Θ_r⁻¹ K_dd Θ_r⁻¹ Θ_dt − (Θ_td Θ_r⁻¹ K_dt + K_td Θ_r⁻¹ Θ_dt).
 * With Θ_r = L·Lᵀ, P = Θ_td L⁻ᵀ, Q = K_td L⁻ᵀ and Aᵀ = P L⁻¹ = Θ_td Θ_r⁻¹ it is
 * K_tt + Aᵀ K_dd A − (P Qᵀ + Q Pᵀ): three triangular solves, one symm and one gemm/syr2k.
 */
final class NtkCovariance {
    private NtkCovariance() {}

    /** Products shared by the full and diagonal forms; {@code thetaTd}, {@code kTd} are overwritten with P, Q. */
    private record Parts(NativeMatrix at, NativeMatrix w) implements AutoCloseable {
        @Override
        public void close() {
            at.close();
            w.close();
        }
    }

    private static Parts parts(Cholesky chol, NativeMatrix thetaTd, NativeMatrix kTd, NativeMatrix kDd) {
        chol.timesInverseLowerTransposeInPlace(thetaTd); // P
        chol.timesInverseLowerTransposeInPlace(kTd); // Q
        NativeMatrix at = thetaTd.copy("Theta_td Theta_r^-1");
        NativeMatrix w = null;
        try {
            chol.timesInverseLowerInPlace(at); // Aᵀ = P L⁻¹
            w = NativeMatrix.allocate(at.rows(), at.cols(), "Theta_td Theta_r^-1 K_dd");
            Blas.symmRight(1.0, at, kDd, 0.0, w); // W = Aᵀ K_dd
            return new Parts(at, w);
        } catch (RuntimeException e) {
            at.close();
            if (w != null) w.close();
            throw e;
        }
    }

    /** The full m×m covariance (native; caller closes). */
    static NativeMatrix full(Cholesky chol, NativeMatrix thetaTd, NativeMatrix kTd, NativeMatrix kDd, Matrix prior) {
        try (Parts p = parts(chol, thetaTd, kTd, kDd)) {
            NativeMatrix c = NativeMatrix.copyOf(prior, "posterior covariance");
            Blas.gemm(false, true, 1.0, p.w(), p.at(), 1.0, c); // + Aᵀ K_dd A
            Blas.syr2k(false, -1.0, thetaTd, kTd, 1.0, c, true); // − (P Qᵀ + Q Pᵀ); lower triangle mirrored
            return c;
        }
    }

    /** Only the m variances. */
    static double[] diagonal(Cholesky chol, NativeMatrix thetaTd, NativeMatrix kTd, NativeMatrix kDd, double[] prior) {
        try (Parts p = parts(chol, thetaTd, kTd, kDd)) {
            double[] quad = Rows.dots(p.w(), p.at());
            double[] cross = Rows.dots(thetaTd, kTd);
            double[] v = new double[prior.length];
            for (int i = 0; i < v.length; i++) v[i] = prior[i] + quad[i] - 2 * cross[i];
            return v;
        }
    }
}
