package org.ntk4j.linalg;

/**
 * How {@link Cholesky} repairs a matrix that is numerically not positive definite: it adds
 * {@code initialRelative × mean diagonal} to the diagonal, multiplies that by {@code growth} after
 * each failure, and gives up (IllPosedProblemException) once it would exceed
 * {@code maxRelative × mean diagonal}. A factor counts as usable when potrf succeeds, every entry is
 * finite and LAPACK's reciprocal condition estimate (dpocon) is at least {@code minRcond}.
 *
 * @param initialRelative first jitter, relative to the mean diagonal entry (default 1e-10)
 * @param growth          factor between attempts (default 10)
 * @param maxRelative     largest jitter tried, relative to the mean diagonal (default 1e-6);
 *                        0 disables jitter
 * @param minRcond        smallest acceptable reciprocal condition number (default: machine epsilon,
 *                        i.e. the matrix is singular to working precision below it)
 */
public record JitterPolicy(double initialRelative, double growth, double maxRelative, double minRcond) {
    /** Machine epsilon of float64 (2^-52). */
    public static final double EPS = Math.ulp(1.0);

    public JitterPolicy {
        if (!(initialRelative > 0) || !Double.isFinite(initialRelative))
            throw new IllegalArgumentException(
                    "jitter: initialRelative must be > 0 and finite, got " + initialRelative);
        if (!(growth > 1) || !Double.isFinite(growth))
            throw new IllegalArgumentException("jitter: growth must be > 1 and finite, got " + growth);
        if (!(maxRelative >= 0) || !Double.isFinite(maxRelative))
            throw new IllegalArgumentException("jitter: maxRelative must be >= 0 and finite, got " + maxRelative);
        if (!(minRcond >= 0) || !(minRcond < 1))
            throw new IllegalArgumentException("jitter: minRcond must be in [0, 1), got " + minRcond);
    }

    /** 1e-10 … 1e-6 times the mean diagonal, ×10 per attempt; usable when rcond ≥ machine epsilon. */
    public static JitterPolicy defaults() {
        return new JitterPolicy(1e-10, 10, 1e-6, EPS);
    }

    /** Never adds jitter: a matrix that is not numerically positive definite is an error. */
    public static JitterPolicy none() {
        return new JitterPolicy(1e-10, 10, 0, EPS);
    }

    /** The same policy with another cap. */
    public JitterPolicy withMaxRelative(double v) {
        return new JitterPolicy(initialRelative, growth, v, minRcond);
    }
}
