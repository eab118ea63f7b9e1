package org.ntk4j.calibration;

import java.util.List;

/**
 * The calibration of a posterior on m held-out points with k outputs ({@link Calibrate#of}).
 *
 * <p>Besides the {@link Metrics}, it keeps the probability integral transform (PIT) of every held-out
 * value, u = Φ((v − μ)/s): uniform on [0, 1] when the predictive distribution is right. From it come
 * the coverage at any level ({@link #coverage(double)}, the reliability diagram) and the PIT
 * histogram ({@link #pitHistogram(int)}): a U shape means intervals too narrow, a hump too wide, a
 * slope a biased mean.
 *
 * @param noise       λ, the noise variance added to the posterior variance for y
 * @param testPoints  m
 * @param outputs     k
 * @param pooled      the metrics over all m·k values
 * @param perOutput   the metrics of each output column, k entries (for k = 1 the pooled ones again)
 * @param pit         the PIT of each y value, m·k entries, test point by test point (row-major)
 * @param latentPit   the PIT of each latent value f under the posterior without noise (row-major; 0.5
 *                    where the posterior variance is 0 and f equals the mean, 0 or 1 where it does
 *                    not), or null when f is not known
 */
public record Calibration(
        double noise,
        int testPoints,
        int outputs,
        Metrics pooled,
        List<Metrics> perOutput,
        double[] pit,
        double[] latentPit) {
    public Calibration {
        perOutput = List.copyOf(perOutput);
        pit = pit.clone();
        latentPit = latentPit == null ? null : latentPit.clone();
    }

    /** A copy of the PIT values of y. */
    @Override
    public double[] pit() {
        return pit.clone();
    }

    /** A copy of the PIT values of f, or null. */
    @Override
    public double[] latentPit() {
        return latentPit == null ? null : latentPit.clone();
    }

    /** Whether the latent function's values were given (then {@link Metrics#fCoverage()} is set). */
    public boolean hasLatent() {
        return latentPit != null;
    }

    /**
     * The fraction of y values inside the central predictive interval of nominal level
     * {@code level} ∈ [0, 1], from the PIT: inside when |2u − 1| ≤ level. Equal to
     * {@link Metrics#coverage()} at its levels up to the rounding of Φ at an interval's edge.
     */
    public double coverage(double level) {
        return inside(pit, level);
    }

    /**
     * As {@link #coverage(double)} for the latent values f.
     *
     * @throws IllegalStateException when f was not given
     */
    public double latentCoverage(double level) {
        if (latentPit == null) throw new IllegalStateException("calibration: the latent values were not given");
        return inside(latentPit, level);
    }

    /** The number of y values whose PIT falls in each of {@code bins} equal bins of [0, 1] (u = 1 in the last). */
    public long[] pitHistogram(int bins) {
        if (bins < 1) throw new IllegalArgumentException("calibration: bins must be >= 1, got " + bins);
        long[] h = new long[bins];
        for (double u : pit) h[Math.min(bins - 1, (int) (u * bins))]++;
        return h;
    }

    private static double inside(double[] u, double level) {
        if (!(level >= 0 && level <= 1))
            throw new IllegalArgumentException("calibration: level must be in [0, 1], got " + level);
        long in = 0;
        for (double v : u) if (Math.abs(2 * v - 1) <= level) in++;
        return (double) in / u.length;
    }
}
