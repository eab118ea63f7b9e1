package org.ntk4j.arch;

import java.util.Locale;

/**
 * A fully-connected layer {@code Dense(width, W_std, b_std)}. {@code hasBias == false} means
 * neural-tangents' {@code b_std=None} (no bias at all); note that {@code b_std = 0} is different
 * under the standard parameterization, whose NTK still gets the bias-gradient term +1 (docs/kernels.md §2).
 *
 * @param width output width (used by the standard parameterization and by finite networks)
 * @param wStd  weight standard deviation σ_w ≥ 0
 * @param bStd  bias standard deviation σ_b ≥ 0 (ignored when {@code hasBias} is false; then 0)
 * @param hasBias whether the layer has a bias
 */
public record Dense(int width, double wStd, double bStd, boolean hasBias) implements Layer {
    public Dense {
        if (width < 1) throw new IllegalArgumentException("Dense: width must be >= 1, got " + width);
        if (!Double.isFinite(wStd) || wStd < 0)
            throw new IllegalArgumentException("Dense: W_std must be finite and >= 0, got " + wStd);
        if (!hasBias) bStd = 0.0;
        if (!Double.isFinite(bStd) || bStd < 0)
            throw new IllegalArgumentException("Dense: b_std must be finite and >= 0, got " + bStd);
    }

    /** A layer with a bias. */
    public static Dense of(int width, double wStd, double bStd) {
        return new Dense(width, wStd, bStd, true);
    }

    /** A layer without a bias ({@code b_std=None}). */
    public static Dense noBias(int width, double wStd) {
        return new Dense(width, wStd, 0.0, false);
    }

    @Override
    public String describe() {
        return hasBias
                ? String.format(Locale.ROOT, "Dense(%d,W_std=%s,b_std=%s)", width, wStd, bStd)
                : String.format(Locale.ROOT, "Dense(%d,W_std=%s)", width, wStd);
    }
}
