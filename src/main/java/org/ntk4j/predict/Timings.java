package org.ntk4j.predict;

/**
 * Wall-clock time of the stages of a prediction, in nanoseconds (0 for a stage that did not run or
 * whose result was cached from an earlier call).
 *
 * @param kernelNanos     computing the kernels (Architecture convenience only)
 * @param factorNanos     Cholesky or eigendecomposition of the train-train kernel
 * @param meanNanos       solves and products for the mean
 * @param covarianceNanos the covariance or variances
 */
public record Timings(long kernelNanos, long factorNanos, long meanNanos, long covarianceNanos) {
    public static final Timings ZERO = new Timings(0, 0, 0, 0);

    public Timings {
        if (kernelNanos < 0 || factorNanos < 0 || meanNanos < 0 || covarianceNanos < 0)
            throw new IllegalArgumentException("timings must be >= 0");
    }

    public Timings withKernelNanos(long v) {
        return new Timings(v, factorNanos, meanNanos, covarianceNanos);
    }
}
