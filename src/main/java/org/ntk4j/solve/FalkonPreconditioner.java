package org.ntk4j.solve;

import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.Blas;
import org.ntk4j.linalg.Cholesky;
import org.ntk4j.linalg.JitterPolicy;
import org.ntk4j.linalg.JitterReport;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.linalg.NativeMatrix;

/**
 * Falkon's preconditioner (Rudi, Carratino &amp; Rosasco 2017, sec. 3) for the Nyström system
 * H·α = b with H = K_MnK_nM + λ·K_MM: two M×M Cholesky factors,
 * <ul>
 *   <li>K_MM (+ jitter εI when needed) = L·Lᵀ — the model's own center factor, and</li>
 *   <li>Lᵀ·L/M + (λ/n)·I = L_A·L_Aᵀ,</li>
 * </ul>
 * giving P = L⁻ᵀ·L_A⁻ᵀ/√n. Why it works: for centers drawn uniformly from the n training rows,
 * K_MnK_nM ≈ (n/M)·K_MM², so H ≈ n·L·L_A·L_Aᵀ·Lᵀ = (P·Pᵀ)⁻¹ and Pᵀ·H·P ≈ I (well conditioned:
 * CG converges in a few tens of iterations). For centers given as points it is still a valid
 * (symmetric positive-definite) preconditioner, only a less accurate one.
 *
 * <p>λ here is ntk4j's λ (the absolute ridge on the kernel, {@code diagReg} resolved): Falkon's
 * paper writes the same system as K_nMᵀK_nM + λ_F·n·K_MM, so λ_F = λ/n.
 *
 * <p>Internal API (shared with other engines of the same model, e.g. a distributed one); it may change
 * in any release. Not thread-safe; close it to free the factors it owns.
 */
public final class FalkonPreconditioner implements AutoCloseable {
    private final Cholesky center; // L: K̃_MM = L·Lᵀ
    private final boolean ownsCenter;
    private final Cholesky inner; // L_A: Lᵀ·L/M + (λ/n)·I = L_A·L_Aᵀ
    private final double lambda, sqrtN;
    private final long n;

    private FalkonPreconditioner(Cholesky center, boolean ownsCenter, Cholesky inner, double lambda, long n) {
        this.center = center;
        this.ownsCenter = ownsCenter;
        this.inner = inner;
        this.lambda = lambda;
        this.n = n;
        this.sqrtN = Math.sqrt((double) n);
    }

    /**
     * The preconditioner of the Nyström system on n training points from the centers' kernel K_MM
     * (M×M, symmetric; factored here with jitter when numerically singular, see {@link #jitter()}).
     *
     * @param kMM    the centers' kernel (the kernel the model inverts: the NTK for ntk/ntkgp, the NNGP for nngp)
     * @param lambda the ridge λ &gt; 0 (ntk4j's absolute λ, Falkon's n·λ_F)
     * @param n      the number of training points, ≥ 1
     */
    public static FalkonPreconditioner of(Matrix kMM, double lambda, long n) {
        if (kMM == null || kMM.rows() != kMM.cols() || kMM.rows() == 0)
            throw new InvalidInputException("kMM", "must be a square M×M kernel, M >= 1");
        Cholesky l = Cholesky.factor(
                NativeMatrix.copyOf(kMM, "Falkon K_MM"), JitterPolicy.defaults(), "Falkon center kernel K_MM");
        try {
            return of(l, true, lambda, n);
        } catch (RuntimeException e) {
            l.close();
            throw e;
        }
    }

    /** From the model's center factor L (K̃_MM = L·Lᵀ), closed with this preconditioner when {@code owns}. */
    static FalkonPreconditioner of(Cholesky centerFactor, boolean owns, double lambda, long n) {
        if (!(lambda > 0) || !Double.isFinite(lambda))
            throw new InvalidInputException("diagReg", "Falkon needs lambda > 0 and finite, got " + lambda);
        if (n < 1) throw new InvalidInputException("n", "must be >= 1, got " + n);
        int m = centerFactor.size();
        NativeMatrix s = NativeMatrix.allocate(m, m, "L^T L / M + lambda/n I");
        try {
            try (NativeMatrix l = centerFactor.factorStorage().copy("L")) {
                l.zeroUpper(); // the factor's strict upper triangle holds the input, not zeros
                Blas.syrk(true, 1.0 / m, l, 0.0, s, true);
            }
            s.addToDiagonal(lambda / n);
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        // its jitter, if any, changes the preconditioner only, never the model
        Cholesky a = Cholesky.factor(s, JitterPolicy.defaults(), "Falkon preconditioner L^T L / M + lambda/n I");
        return new FalkonPreconditioner(centerFactor, owns, a, lambda, n);
    }

    /** The number of centers M. */
    public int size() {
        return center.size();
    }

    /** λ. */
    public double lambda() {
        return lambda;
    }

    /** n. */
    public long trainSize() {
        return n;
    }

    /**
     * The jitter added to K_MM before it factored: the model's K̃_MM = K_MM + εI. The system this
     * preconditions is then K_MnK_nM + λ·K̃_MM (as the direct Nyström solve's).
     */
    public JitterReport jitter() {
        return center.jitter();
    }

    /** P·V = L⁻ᵀ·L_A⁻ᵀ·V/√n for V column-major M×k; a new array. */
    double[] times(double[] v, int k) {
        try (NativeMatrix x = wrap(v, k, "P v")) {
            Blas.solveLowerLeft(inner.factorStorage(), true, x);
            Blas.solveLowerLeft(center.factorStorage(), true, x);
            return scaled(x, 1 / sqrtN);
        }
    }

    /** Pᵀ·V = L_A⁻¹·L⁻¹·V/√n; a new array. */
    double[] transposeTimes(double[] v, int k) {
        try (NativeMatrix x = wrap(v, k, "P^T v")) {
            Blas.solveLowerLeft(center.factorStorage(), false, x);
            Blas.solveLowerLeft(inner.factorStorage(), false, x);
            return scaled(x, 1 / sqrtN);
        }
    }

    /**
     * Pᵀ·H·P·B for H = D + λ·K̃_MM, given D·(P·B) from {@code dataTerm}: Pᵀ·λK̃_MM·P = (λ/n)·L_A⁻¹·L_A⁻ᵀ
     * needs no product with K_MM. The preconditioned operator Falkon's CG runs on.
     */
    double[] preconditioned(org.ntk4j.operator.LinearOperator dataTerm, double[] b, int k) {
        int m = size();
        try (NativeMatrix u = wrap(b, k, "L_A^-T b")) {
            Blas.solveLowerLeft(inner.factorStorage(), true, u); // u = L_A⁻ᵀ·b
            double[] pb;
            try (NativeMatrix v = u.copy("P b")) {
                Blas.solveLowerLeft(center.factorStorage(), true, v);
                pb = scaled(v, 1 / sqrtN); // P·b = L⁻ᵀ·u/√n
            }
            double[] d = dataTerm.apply(pb, k);
            if (d.length != (long) m * k)
                throw new IllegalStateException(
                        "Falkon: the data term returned " + d.length + " values, need " + m + "x" + k);
            try (NativeMatrix z = wrap(d, k, "P^T H P b")) {
                Blas.solveLowerLeft(center.factorStorage(), false, z);
                double[] zz = scaled(z, 1 / sqrtN);
                double[] uu = u.toColumnMajorArray();
                double c = lambda / n;
                for (int i = 0; i < zz.length; i++) zz[i] += c * uu[i];
                try (NativeMatrix w = wrap(zz, k, "P^T H P b")) {
                    Blas.solveLowerLeft(inner.factorStorage(), false, w);
                    return w.toColumnMajorArray();
                }
            }
        }
    }

    private NativeMatrix wrap(double[] v, int k, String what) {
        if (v.length != (long) size() * k)
            throw new IllegalArgumentException("Falkon: need " + size() + "x" + k + " values, got " + v.length);
        return NativeMatrix.copyOf(Matrix.wrapColumnMajor(size(), k, v), what);
    }

    private static double[] scaled(NativeMatrix x, double s) {
        double[] a = x.toColumnMajorArray();
        for (int i = 0; i < a.length; i++) a[i] *= s;
        return a;
    }

    @Override
    public void close() {
        inner.close();
        if (ownsCenter) center.close();
    }
}
