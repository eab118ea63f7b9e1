package org.ntk4j.predict;

import java.util.Locale;
import org.ntk4j.kernel.KernelKind;

/**
 * Which posterior to compute (neural-tangents' {@code get}).
 * <ul>
 *   <li>{@link #NNGP}: exact Bayesian NNGP inference, equivalently an infinite ensemble of infinite
 *       networks with only the readout layer trained;</li>
 *   <li>{@link #NTK}: an infinite ensemble of infinite networks with all layers trained by gradient
 *       flow on MSE (Lee et al. 2019); its prior covariance is still the NNGP;</li>
 *   <li>{@link #NTKGP}: the GP with prior covariance Θ (He et al. 2020, "Bayesian deep ensembles");
 *       only at t = ∞.</li>
 * </ul>
 */
public enum Get {
    NNGP,
    NTK,
    NTKGP;

    /** Parses {@code nngp}, {@code ntk} or {@code ntkgp} (case-insensitive). */
    public static Get parse(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "nngp" -> NNGP;
            case "ntk" -> NTK;
            case "ntkgp" -> NTKGP;
            default -> throw new IllegalArgumentException("get must be nngp, ntk or ntkgp, got '" + s + "'");
        };
    }

    /** The kernel whose inverse drives the mean: the NNGP for {@link #NNGP}, the NTK otherwise. */
    public KernelKind meanKernel() {
        return this == NNGP ? KernelKind.NNGP : KernelKind.NTK;
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
