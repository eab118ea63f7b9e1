package org.ntk4j.linalg;

import static org.bytedeco.openblas.global.openblas.LAPACKE_dlansy;
import static org.bytedeco.openblas.global.openblas.LAPACKE_dpocon;
import static org.bytedeco.openblas.global.openblas.LAPACKE_dpotrf;
import static org.bytedeco.openblas.global.openblas.LAPACKE_dpotrs;
import static org.bytedeco.openblas.global.openblas.LAPACK_COL_MAJOR;

import org.bytedeco.javacpp.DoublePointer;
import org.ntk4j.error.IllPosedProblemException;
import org.ntk4j.error.InvalidInputException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lower Cholesky factor A + jI = L·Lᵀ by LAPACK dpotrf, with adaptive jitter j ≥ 0
 * ({@link JitterPolicy}), a condition estimate (dpocon) and solves with many right-hand sides.
 *
 * <p>The factorization works in place on a matrix it takes ownership of and closes with itself.
 * Only the lower triangle of the input is factored; the strictly upper triangle (left untouched by
 * dpotrf) keeps the original values, so a retry restores the lower triangle from it instead of
 * keeping a second n×n copy. The input must therefore be symmetric.
 */
public final class Cholesky implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Cholesky.class);

    private final NativeMatrix factor;
    private final JitterReport jitter;
    private final double rcond;

    private Cholesky(NativeMatrix factor, JitterReport jitter, double rcond) {
        this.factor = factor;
        this.jitter = jitter;
        this.rcond = rcond;
    }

    /**
     * Factors the symmetric matrix {@code a} (taking ownership: it becomes the factor's storage).
     *
     * @param what names the matrix in messages (e.g. "NTK train-train kernel")
     * @throws IllPosedProblemException when even the largest jitter the policy allows does not give a
     *                                  usable factor
     * @throws InvalidInputException    when the diagonal is not finite or not positive on average
     */
    public static Cholesky factor(NativeMatrix a, JitterPolicy policy, String what) {
        if (a.rows() != a.cols())
            throw new IllegalArgumentException(
                    what + ": Cholesky needs a square matrix, got " + a.rows() + "x" + a.cols());
        int n = a.rows();
        try {
            if (n == 0) return new Cholesky(a, JitterReport.NONE, 1.0);
            double[] diag = a.diagonal();
            double meanDiag = meanDiagonal(diag, what);
            double anorm = LAPACKE_dlansy(LAPACK_COL_MAJOR, (byte) '1', (byte) 'L', n, a.pointer(), n);
            Attempt first = attempt(a, n, anorm, policy.minRcond());
            if (first.usable()) return new Cholesky(a, JitterReport.NONE, first.rcond());
            return withJitter(a, diag, meanDiag, anorm, policy, what, first.failure());
        } catch (RuntimeException e) {
            a.close();
            throw e;
        }
    }

    /**
     * A factor computed earlier (e.g. by {@link #factor} in another run and saved), taken over as it
     * is: {@code lower} holds L in its lower triangle (the strict upper triangle is never read), and
     * {@code jitter} and {@code rcond} are what that factorization reported. Only the shape and the
     * diagonal are checked (square, finite and positive, as every factor {@link #factor} returns):
     * the caller vouches for the rest, e.g. by a checksum.
     *
     * @throws IllegalArgumentException when {@code lower} is not square or its diagonal is not
     *                                  finite and positive (it is closed then)
     */
    public static Cholesky ofFactor(NativeMatrix lower, JitterReport jitter, double rcond) {
        try {
            if (lower.rows() != lower.cols())
                throw new IllegalArgumentException(
                        "a Cholesky factor must be square, got " + lower.rows() + "x" + lower.cols());
            double[] d = lower.diagonal();
            for (int i = 0; i < d.length; i++)
                if (!(d[i] > 0) || !Double.isFinite(d[i]))
                    throw new IllegalArgumentException("Cholesky factor: diagonal entry " + i + " is " + d[i]);
            if (!(rcond >= 0)) throw new IllegalArgumentException("Cholesky factor: rcond must be >= 0, got " + rcond);
            return new Cholesky(lower, jitter == null ? JitterReport.NONE : jitter, rcond);
        } catch (RuntimeException e) {
            lower.close();
            throw e;
        }
    }

    /** The mean of the diagonal, the scale of the jitter; it must be finite and positive. */
    private static double meanDiagonal(double[] diag, String what) {
        int n = diag.length;
        double trace = 0;
        for (double d : diag) trace += d;
        double meanDiag = trace / n;
        if (Double.isInfinite(meanDiag)) { // the sum overflowed (a diagonal near 1e308): average without it
            meanDiag = 0;
            for (double d : diag) meanDiag += d / n;
        }
        if (!Double.isFinite(meanDiag))
            throw new InvalidInputException(what, "diagonal is not finite (NaN or infinite entries); check the inputs");
        if (!(meanDiag > 0))
            throw new IllPosedProblemException(what + " has mean diagonal " + meanDiag
                    + " (not positive): the kernel is zero or not a covariance; check the architecture and inputs");
        return meanDiag;
    }

    /**
     * Retries with jitter growing geometrically from the policy's initial to its largest relative
     * value; each retry restores the lower triangle from the untouched upper one first.
     *
     * @param reason why the plain matrix did not factor, kept for the report and the error
     */
    private static Cholesky withJitter(
            NativeMatrix a,
            double[] diag,
            double meanDiag,
            double anorm,
            JitterPolicy policy,
            String what,
            String reason) {
        int n = diag.length;
        int attempts = 1;
        double jitter = policy.initialRelative() * meanDiag;
        double cap = policy.maxRelative() * meanDiag * (1 + 1e-9);
        while (jitter <= cap) {
            attempts++;
            a.mirrorUpperToLower();
            for (int i = 0; i < n; i++) a.set(i, i, diag[i] + jitter);
            Attempt again = attempt(a, n, anorm + jitter, policy.minRcond());
            if (again.usable()) {
                JitterReport rep = new JitterReport(jitter, jitter / meanDiag, attempts, reason);
                LOG.warn("{}: {}", what, rep);
                return new Cholesky(a, rep, again.rcond());
            }
            jitter *= policy.growth();
        }
        throw new IllPosedProblemException(String.format(
                java.util.Locale.ROOT,
                "%s is numerically singular (%s) and stays so with jitter up to %.3g x its mean diagonal; "
                        + "remedy: raise diagReg (e.g. to 1e-6), remove duplicate or nearly duplicate "
                        + "training points, use float64 inputs, or predict at a finite training time",
                what,
                reason,
                policy.maxRelative()));
    }

    /** Outcome of one dpotrf attempt: failure == null means usable. */
    private record Attempt(String failure, double rcond) {
        boolean usable() {
            return failure == null;
        }
    }

    /** One dpotrf attempt on the lower triangle of {@code a}. */
    private static Attempt attempt(NativeMatrix a, int n, double anorm, double minRcond) {
        int info = LAPACKE_dpotrf(LAPACK_COL_MAJOR, (byte) 'L', n, a.pointer(), n);
        if (info < 0) throw new IllegalStateException("dpotrf: illegal argument " + (-info));
        if (info > 0)
            return new Attempt("dpotrf: the leading minor of order " + info + " is not positive definite", Double.NaN);
        for (int i = 0; i < n; i++)
            if (!Double.isFinite(a.get(i, i))) return new Attempt("dpotrf produced a non-finite factor", Double.NaN);
        double rc;
        try (DoublePointer out = new DoublePointer(1)) {
            int ci = LAPACKE_dpocon(LAPACK_COL_MAJOR, (byte) 'L', n, a.pointer(), n, anorm, out);
            if (ci != 0) throw new IllegalStateException("dpocon: info " + ci);
            rc = out.get(0);
        }
        if (!(rc >= minRcond))
            return new Attempt(
                    String.format(
                            java.util.Locale.ROOT,
                            "reciprocal condition estimate %.3g < %.3g (singular to working precision)",
                            rc,
                            minRcond),
                    rc);
        return new Attempt(null, rc);
    }

    /**
     * A factor computed before, from its lower triangle (e.g. shipped to another machine as numbers):
     * takes ownership of {@code lower}, whose strict upper triangle is ignored. No jitter is reported;
     * {@code rcond} is the estimate made when it was factored.
     */
    public static Cholesky ofFactor(NativeMatrix lower, double rcond) {
        if (lower.rows() != lower.cols()) {
            lower.close();
            throw new IllegalArgumentException(
                    "Cholesky factor must be square, got " + lower.rows() + "x" + lower.cols());
        }
        return new Cholesky(lower, JitterReport.NONE, rcond);
    }

    /** The order n. */
    public int size() {
        return factor.rows();
    }

    /** The jitter that was added (NONE if the plain matrix factored). */
    public JitterReport jitter() {
        return jitter;
    }

    /** LAPACK's estimate of the reciprocal 1-norm condition number of the factored (jittered) matrix. */
    public double rcond() {
        return rcond;
    }

    /** Estimated 1-norm condition number, 1/rcond. */
    public double conditionEstimate() {
        return 1.0 / rcond;
    }

    /** The factor's storage: L in the lower triangle (the strict upper triangle holds the input). */
    public NativeMatrix factorStorage() {
        return factor;
    }

    /** B ← (A + jI)⁻¹·B (dpotrs). */
    public void solveInPlace(NativeMatrix b) {
        if (b.rows() != size())
            throw new IllegalArgumentException("cholesky solve: B has " + b.rows() + " rows, need " + size());
        if (b.cols() == 0 || size() == 0) return;
        int info = LAPACKE_dpotrs(
                LAPACK_COL_MAJOR, (byte) 'L', size(), b.cols(), factor.pointer(), size(), b.pointer(), size());
        if (info != 0) throw new IllegalStateException("dpotrs: info " + info);
    }

    /** B ← B·L⁻ᵀ, i.e. every row of B mapped through L⁻¹ (test-train kernels stored m×n). */
    public void timesInverseLowerTransposeInPlace(NativeMatrix b) {
        Blas.solveLowerRight(factor, true, b);
    }

    /** B ← B·L⁻¹. */
    public void timesInverseLowerInPlace(NativeMatrix b) {
        Blas.solveLowerRight(factor, false, b);
    }

    /** L as a new heap matrix (upper triangle zero). */
    public Matrix lower() {
        try (NativeMatrix l = factor.copy("Cholesky factor copy")) {
            l.zeroUpper();
            return l.toMatrix();
        }
    }

    @Override
    public void close() {
        factor.close();
    }
}
