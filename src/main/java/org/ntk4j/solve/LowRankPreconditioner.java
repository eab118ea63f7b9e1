package org.ntk4j.solve;

import org.ntk4j.kernel.KernelKind;
import org.ntk4j.linalg.Blas;
import org.ntk4j.linalg.Cholesky;
import org.ntk4j.linalg.JitterPolicy;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.linalg.NativeMatrix;
import org.ntk4j.operator.KernelOperator;

/**
 * P = B·Bᵀ + λI for a rank-r factor B (n×r) of the kernel, applied by the Woodbury identity:
 * P⁻¹v = (v − B·(λI + BᵀB)⁻¹·Bᵀv)/λ, with the r×r matrix λI + BᵀB Cholesky-factored once.
 * Costs O(n·r) memory and O(n·r·k) per application. Built by {@link #pivotedCholesky} or
 * {@link #nystrom}.
 */
public final class LowRankPreconditioner implements Preconditioner {
    private final NativeMatrix b;
    private final Cholesky inner;
    private final double lambda;
    private final PreconditionerKind kind;

    private LowRankPreconditioner(NativeMatrix b, double lambda, PreconditionerKind kind) {
        this.b = b;
        this.lambda = lambda;
        this.kind = kind;
        NativeMatrix s = NativeMatrix.allocate(b.cols(), b.cols(), "preconditioner core");
        Blas.syrk(true, 1.0, b, 0.0, s, true);
        s.addToDiagonal(lambda);
        this.inner = Cholesky.factor(s, JitterPolicy.defaults(), "preconditioner core (lambda I + B^T B)");
    }

    /** Takes ownership of {@code b}. λ must be > 0. */
    static LowRankPreconditioner of(NativeMatrix b, double lambda, PreconditionerKind kind) {
        if (!(lambda > 0)) throw new IllegalArgumentException("preconditioner needs lambda > 0, got " + lambda);
        return new LowRankPreconditioner(b, lambda, kind);
    }

    /**
     * The rank-r partial Cholesky of the kernel with greedy pivoting on the largest remaining
     * diagonal entry (stops early when the remaining trace is below 1e-12 of the original).
     */
    static LowRankPreconditioner pivotedCholesky(
            KernelOperator k, KernelKind kind, double[] diag, int r, double lambda) {
        int n = diag.length;
        double[] d = diag.clone();
        double tr0 = 0;
        for (double v : d) tr0 += v;
        double[] l = new double[n * r]; // column-major n×r
        int[] piv = new int[r];
        int rank = 0;
        for (; rank < r; rank++) {
            int p = 0;
            double tr = 0;
            for (int i = 0; i < n; i++) {
                tr += Math.max(0, d[i]);
                if (d[i] > d[p]) p = i;
            }
            if (!(d[p] > 0) || tr <= 1e-12 * tr0) break;
            piv[rank] = p;
            double[] col;
            try (NativeMatrix c = k.columns(kind, new int[] {p})) {
                col = c.toColumnMajorArray();
            }
            for (int q = 0; q < rank; q++) {
                double lpq = l[q * n + p];
                if (lpq == 0) continue;
                for (int i = 0, o = q * n; i < n; i++) col[i] -= l[o + i] * lpq;
            }
            double s = Math.sqrt(d[p]);
            for (int i = 0, o = rank * n; i < n; i++) {
                double v = col[i] / s;
                l[o + i] = v;
                d[i] -= v * v;
            }
            d[p] = 0; // exact in exact arithmetic; avoids re-picking p on round-off
        }
        double[] trimmed = java.util.Arrays.copyOf(l, n * Math.max(rank, 1));
        return of(
                NativeMatrix.copyOf(Matrix.wrapColumnMajor(n, Math.max(rank, 1), trimmed), "pivoted Cholesky factor"),
                lambda,
                PreconditionerKind.PIVOTED_CHOLESKY);
    }

    /** Nyström on r landmarks drawn uniformly without replacement: B = M[:, S]·L⁻ᵀ with L Lᵀ = M[S, S] (+ jitter). */
    static LowRankPreconditioner nystrom(KernelOperator k, KernelKind kind, int r, double lambda, long seed) {
        int n = k.size();
        int[] idx = sample(n, r, seed);
        NativeMatrix c = k.columns(kind, idx);
        try {
            NativeMatrix srr = NativeMatrix.allocate(r, r, "landmark kernel");
            for (int j = 0; j < r; j++) for (int i = 0; i < r; i++) srr.set(i, j, c.get(idx[i], j));
            try (Cholesky l = Cholesky.factor(srr, JitterPolicy.defaults().withMaxRelative(1e-2), "landmark kernel")) {
                l.timesInverseLowerTransposeInPlace(c);
            }
            return of(c, lambda, PreconditionerKind.NYSTROM);
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /**
     * r distinct indices of [0, n), uniformly, reproducible from {@code seed}, increasing: the
     * Nyström centers, by {@link CenterSelection#sampleIndices} (where the algorithm is spelled out).
     */
    public static int[] sample(int n, int r, long seed) {
        return CenterSelection.sampleIndices(n, r, seed);
    }

    @Override
    public double[] apply(double[] r, int k) {
        int n = b.rows();
        try (NativeMatrix v = NativeMatrix.copyOf(Matrix.wrapColumnMajor(n, k, r), "residual");
                NativeMatrix t = Blas.multiply(true, b, false, v, "B^T r")) {
            inner.solveInPlace(t);
            Blas.gemm(false, false, -1.0, b, t, 1.0, v);
            double[] z = v.toColumnMajorArray();
            for (int i = 0; i < z.length; i++) z[i] /= lambda;
            return z;
        }
    }

    @Override
    public int rank() {
        return b.cols();
    }

    @Override
    public PreconditionerKind kind() {
        return kind;
    }

    @Override
    public void close() {
        b.close();
        inner.close();
    }
}
