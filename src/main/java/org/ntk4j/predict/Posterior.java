package org.ntk4j.predict;

import org.ntk4j.linalg.Finite;
import org.ntk4j.linalg.Matrix;

/**
 * An immutable posterior at m test points (or the n training points) for k output columns.
 * The covariance is shared by all k outputs (the kernel acts on each output column alike).
 *
 * <p>The constructor throws {@link org.ntk4j.error.NonFiniteResultException} when the mean,
 * covariance or variances hold NaN or ±Infinity: every posterior any solver returns has been
 * checked to be finite.
 *
 * @param get         which posterior
 * @param time        training time t (+∞ for the converged / Bayesian posterior)
 * @param mean        m×k posterior mean
 * @param covariance  m×m covariance ({@link CovarianceMode#FULL}), else null
 * @param variances   m variances ({@link CovarianceMode#DIAGONAL}), else null; also derived from a
 *                    full covariance by {@link #variancesOrDiagonal()}
 * @param diagnostics numerical diagnostics and timings
 * @param kernels     the kernel matrices used, when requested (else null)
 */
public record Posterior(
        Get get,
        double time,
        Matrix mean,
        Matrix covariance,
        double[] variances,
        Diagnostics diagnostics,
        KernelSet kernels) {
    public Posterior {
        if (get == null || mean == null || diagnostics == null)
            throw new IllegalArgumentException("posterior: get, mean and diagnostics are required");
        if (!(time >= 0)) throw new IllegalArgumentException("posterior: time must be >= 0, got " + time);
        if (covariance != null && variances != null)
            throw new IllegalArgumentException("posterior: give either the covariance or the variances");
        int m = mean.rows();
        if (covariance != null && (covariance.rows() != m || covariance.cols() != m))
            throw new IllegalArgumentException("posterior: covariance must be " + m + "x" + m);
        if (variances != null && variances.length != m)
            throw new IllegalArgumentException("posterior: variances must have length " + m);
        variances = variances == null ? null : variances.clone();
        String stage = get + " posterior" + (time == Double.POSITIVE_INFINITY ? "" : " at t = " + time);
        Finite.requireResult(mean, stage + " mean", MEAN_REMEDY);
        if (covariance != null) Finite.requireResult(covariance, stage + " covariance", COVARIANCE_REMEDY);
        if (variances != null) Finite.requireResult(variances, stage + " variances", COVARIANCE_REMEDY);
    }

    /** What to change when a mean is not representable (it scales with the targets and with 1/λ). */
    public static final String MEAN_REMEDY =
            "the result is not representable in float64: rescale the targets (y) towards order 1, "
                    + "and keep the regularization (diagReg, giving lambda) between ~1e-12 and ~1e12 times the kernel's scale";
    /** What to change when a covariance is not representable (it scales with the kernel: the inputs, W_std, b_std). */
    public static final String COVARIANCE_REMEDY =
            "the result is not representable in float64: rescale the inputs (or W_std/b_std) so the kernel is "
                    + "of order 1, and keep the regularization (diagReg, giving lambda) between ~1e-12 and ~1e12 times the kernel's scale";

    /** This posterior with the kernels' wall time in its timings. */
    public Posterior withKernelNanos(long kernelNanos) {
        Diagnostics d = diagnostics.withTimings(diagnostics.timings().withKernelNanos(kernelNanos));
        return new Posterior(get, time, mean, covariance, variances, d, kernels);
    }

    /** This posterior with the kernel matrices it was computed from attached. */
    public Posterior withKernels(KernelSet k) {
        return new Posterior(get, time, mean, covariance, variances, diagnostics, k);
    }

    /** A copy of the variances, or null. */
    @Override
    public double[] variances() {
        return variances == null ? null : variances.clone();
    }

    /** Number of points m. */
    public int size() {
        return mean.rows();
    }

    /** Number of output columns k. */
    public int outputs() {
        return mean.cols();
    }

    /** What was computed. */
    public CovarianceMode covarianceMode() {
        return covariance != null
                ? CovarianceMode.FULL
                : variances != null ? CovarianceMode.DIAGONAL : CovarianceMode.NONE;
    }

    /** The variances, or the diagonal of the full covariance; null with {@link CovarianceMode#NONE}. */
    public double[] variancesOrDiagonal() {
        if (variances != null) return variances.clone();
        if (covariance == null) return null;
        double[] d = new double[size()];
        for (int i = 0; i < d.length; i++) d[i] = covariance.get(i, i);
        return d;
    }

    /** Standard deviations (square roots of the clamped variances); null with {@link CovarianceMode#NONE}. */
    public double[] sd() {
        double[] v = variancesOrDiagonal();
        if (v == null) return null;
        for (int i = 0; i < v.length; i++) v[i] = Math.sqrt(Math.max(0, v[i]));
        return v;
    }

    /** The mean of output column {@code output}. */
    public double[] meanOf(int output) {
        if (output < 0 || output >= outputs())
            throw new IndexOutOfBoundsException("output " + output + " of " + outputs());
        double[] c = new double[size()];
        for (int i = 0; i < c.length; i++) c[i] = mean.get(i, output);
        return c;
    }

    /**
     * The posterior of output column {@code output} as a scalar utility for the soft optimizer.
     *
     * @throws IllegalStateException when no covariance or variances were computed
     */
    public UtilityPosterior utility(int output) {
        double[] s = sd();
        if (s == null)
            throw new IllegalStateException(
                    "utility posterior needs variances: predict with covariance FULL or DIAGONAL");
        return UtilityPosterior.of(meanOf(output), s, covariance);
    }
}
