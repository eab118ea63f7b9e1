package org.ntk4j.predict;

import org.ntk4j.linalg.Blas;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.linalg.NativeMatrix;
import org.ntk4j.linalg.SymmetricEigen;

/**
 * M + λI = V·diag(μ)·Vᵀ for one train-train kernel, with the spectral factors of gradient flow.
 * Negative eigenvalues are clamped to 0 in the exponentials (μ⁺ = max(μ, 0)), as neural-tangents
 * does; they are counted.
 */
final class RegularizedEigen implements AutoCloseable {
    final SymmetricEigen eigen;
    final double[] mu;
    final double lambda;
    final int negative;
    final long nanos;

    private RegularizedEigen(SymmetricEigen e, double lambda, long nanos) {
        this.eigen = e;
        this.mu = e.values();
        this.lambda = lambda;
        int neg = 0;
        for (double v : mu) if (v < 0) neg++;
        this.negative = neg;
        this.nanos = nanos;
    }

    static RegularizedEigen of(Matrix k, Regularization reg, String what) {
        long t0 = System.nanoTime();
        double trace = 0;
        for (int i = 0; i < k.rows(); i++) trace += k.get(i, i);
        double lambda = reg.lambda(trace, k.rows()); // before the copy: it may throw
        NativeMatrix a = NativeMatrix.copyOf(k, what);
        a.addToDiagonal(lambda);
        SymmetricEigen e = SymmetricEigen.decomposeInPlace(a, what);
        return new RegularizedEigen(e, lambda, System.nanoTime() - t0);
    }

    int size() {
        return mu.length;
    }

    NativeMatrix vectors() {
        return eigen.vectors();
    }

    /** λ_max/λ_min, or +∞ when λ_min ≤ 0. */
    double condition() {
        double lo = mu[0], hi = mu[mu.length - 1];
        return lo > 0 ? hi / lo : Double.POSITIVE_INFINITY;
    }

    /** 1 − e^{−μ⁺s} per eigenvalue (s = τ/N): the fraction of each mode fitted after scaled time s. */
    double[] fitted(double s) {
        double[] f = new double[mu.length];
        for (int j = 0; j < f.length; j++) f[j] = -Math.expm1(-Math.max(mu[j], 0) * s);
        return f;
    }

    /**
     * (1 − e^{−μ⁺s})/|μ| per eigenvalue: the spectral factor of M_r⁻¹(I − e^{−M_r s}). At μ = 0 it is
     * the limit s (neural-tangents divides 0 by 0 there); at μ &lt; 0 it is 0, as in neural-tangents.
     */
    double[] inverseFitted(double s) {
        double[] f = new double[mu.length];
        for (int j = 0; j < f.length; j++) {
            double m = mu[j];
            f[j] = m == 0 ? s : -Math.expm1(-Math.max(m, 0) * s) / Math.abs(m);
        }
        return f;
    }

    /** e^{−μ⁺s} per eigenvalue. */
    double[] decay(double s) {
        double[] f = new double[mu.length];
        for (int j = 0; j < f.length; j++) f[j] = Math.exp(-Math.max(mu[j], 0) * s);
        return f;
    }

    /** Vᵀ·B for a heap matrix B (n×k). */
    NativeMatrix project(Matrix b, String what) {
        try (NativeMatrix bn = NativeMatrix.copyOf(b, what)) {
            return Blas.multiply(true, vectors(), false, bn, what + " in the eigenbasis");
        }
    }

    @Override
    public void close() {
        eigen.close();
    }
}
