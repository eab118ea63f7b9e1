package org.ntk4j.predict;

import org.ntk4j.linalg.Cholesky;
import org.ntk4j.linalg.JitterPolicy;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.linalg.NativeMatrix;

/** The Cholesky factor of M + λI for one train-train kernel, with λ and the time it took. */
final class RegularizedCholesky implements AutoCloseable {
    final Cholesky cholesky;
    final double lambda;
    final long nanos;

    private RegularizedCholesky(Cholesky c, double lambda, long nanos) {
        this.cholesky = c;
        this.lambda = lambda;
        this.nanos = nanos;
    }

    static RegularizedCholesky of(Matrix k, Regularization reg, JitterPolicy jitter, String what) {
        long t0 = System.nanoTime();
        return factorOwned(NativeMatrix.copyOf(k, what), reg, jitter, what, t0);
    }

    /** As {@link #of}, factoring {@code a} in place (taking ownership: it becomes the factor, or is closed on failure). */
    static RegularizedCholesky ofOwned(NativeMatrix a, Regularization reg, JitterPolicy jitter, String what) {
        return factorOwned(a, reg, jitter, what, System.nanoTime());
    }

    private static RegularizedCholesky factorOwned(
            NativeMatrix a, Regularization reg, JitterPolicy jitter, String what, long t0) {
        double trace = 0;
        for (int i = 0; i < a.rows(); i++) trace += a.get(i, i);
        double lambda;
        try {
            lambda = reg.lambda(trace, a.rows());
            if (lambda == 0) PredictorChecks.distinguishable(a, what);
        } catch (RuntimeException e) {
            a.close();
            throw e;
        }
        a.addToDiagonal(lambda);
        Cholesky c = Cholesky.factor(a, jitter, what);
        return new RegularizedCholesky(c, lambda, System.nanoTime() - t0);
    }

    /** A factor of M + λI computed earlier (a saved model's), taken over; it took no time here. */
    static RegularizedCholesky restored(Cholesky c, double lambda) {
        return new RegularizedCholesky(c, lambda, 0);
    }

    /** (M + λI)⁻¹·B for a heap matrix B (n×k), as a native matrix. */
    NativeMatrix solve(Matrix b, String what) {
        NativeMatrix x = NativeMatrix.copyOf(b, what);
        try {
            cholesky.solveInPlace(x);
        } catch (RuntimeException e) {
            x.close();
            throw e;
        }
        return x;
    }

    @Override
    public void close() {
        cholesky.close();
    }
}
