package org.ntk4j.predict;

import org.ntk4j.linalg.JitterReport;

/**
 * How a prediction was computed and how trustworthy it is numerically.
 *
 * @param lambda                     the regularizer λ added to the inverted kernel's diagonal
 * @param jitter                     extra diagonal jitter the Cholesky needed beyond λ (and why)
 * @param negativeVariancesClamped   variances (diagonal covariance entries) that came out negative
 *                                   by round-off and were set to 0
 * @param negativeEigenvaluesClamped eigenvalues of the regularized train kernel below 0, treated as 0
 *                                   in the exponentials as neural-tangents does (eigen path only)
 * @param conditionEstimate          estimated condition number of the inverted matrix: 1/rcond from
 *                                   LAPACK dpocon on the Cholesky path, λ_max/λ_min on the eigen path
 *                                   (∞ when λ_min ≤ 0); NaN when nothing was inverted (train-set
 *                                   semantics)
 * @param timings                    stage timings
 */
public record Diagnostics(
        double lambda,
        JitterReport jitter,
        int negativeVariancesClamped,
        int negativeEigenvaluesClamped,
        double conditionEstimate,
        Timings timings) {
    public Diagnostics {
        if (jitter == null) jitter = JitterReport.NONE;
        if (timings == null) timings = Timings.ZERO;
        if (negativeVariancesClamped < 0 || negativeEigenvaluesClamped < 0)
            throw new IllegalArgumentException("clamp counts must be >= 0");
    }

    public Diagnostics withTimings(Timings t) {
        return new Diagnostics(
                lambda, jitter, negativeVariancesClamped, negativeEigenvaluesClamped, conditionEstimate, t);
    }
}
