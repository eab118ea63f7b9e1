package org.ntk4j.evidence;

import java.util.ArrayList;
import java.util.List;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.Dense;
import org.ntk4j.arch.Layer;
import org.ntk4j.error.InvalidInputException;

/**
 * The hyperparameters the marginal likelihood is a function of: one weight standard deviation
 * {@code wStd} shared by every Dense layer (the readout included), one bias standard deviation
 * {@code bStd} shared by every Dense layer that has a bias, and the observation-noise variance
 * {@code noise} λ, absolute (the ridge added to the kernel: M + λI). A Dense layer without a bias
 * ({@link Dense#noBias}, {@code b_std} absent in ARCH text) keeps none; a layer written with
 * {@code b_std=0} has a bias, so it takes {@code bStd} like any other (under the standard
 * parameterization the two differ: docs/kernels.md §2).
 *
 * @param wStd  σ_w ≥ 0, finite
 * @param bStd  σ_b ≥ 0, finite
 * @param noise λ ≥ 0, finite (the Nyström model needs λ &gt; 0)
 */
public record Hyperparameters(double wStd, double bStd, double noise) {
    public Hyperparameters {
        require("wStd", wStd);
        require("bStd", bStd);
        require("noise", noise);
    }

    private static void require(String name, double v) {
        if (!Double.isFinite(v) || v < 0) throw new InvalidInputException(name, "must be finite and >= 0, got " + v);
    }

    /**
     * The values {@code arch} itself carries: W_std of its first Dense layer, b_std of its first
     * Dense layer with a bias (0 when none has one), and the given noise. (The starting point of a
     * fit; an architecture whose layers differ is thereby made uniform.)
     */
    public static Hyperparameters of(Architecture arch, double noise) {
        if (arch == null) throw new InvalidInputException("arch", "is null");
        Double w = null, b = null;
        for (Layer l : arch.layers()) {
            if (l instanceof Dense d) {
                if (w == null) w = d.wStd();
                if (b == null && d.hasBias()) b = d.bStd();
            }
        }
        return new Hyperparameters(w == null ? 1.0 : w, b == null ? 0.0 : b, noise);
    }

    /** The same values with another W_std. */
    public Hyperparameters withWStd(double v) {
        return new Hyperparameters(v, bStd, noise);
    }

    /** The same values with another b_std. */
    public Hyperparameters withBStd(double v) {
        return new Hyperparameters(wStd, v, noise);
    }

    /** The same values with another noise variance. */
    public Hyperparameters withNoise(double v) {
        return new Hyperparameters(wStd, bStd, v);
    }

    /**
     * {@code arch} with every Dense layer's W_std set to {@link #wStd} and, where the layer has a
     * bias, its b_std set to {@link #bStd}; widths, activations and parameterization unchanged.
     */
    public Architecture applyTo(Architecture arch) {
        if (arch == null) throw new InvalidInputException("arch", "is null");
        List<Layer> out = new ArrayList<>(arch.layers().size());
        for (Layer l : arch.layers()) {
            if (l instanceof Dense d) out.add(new Dense(d.width(), wStd, d.hasBias() ? bStd : 0.0, d.hasBias()));
            else out.add(l);
        }
        return new Architecture(out, arch.parameterization());
    }

    /** Whether {@code arch} has a Dense layer with a bias (else the likelihood does not depend on bStd). */
    public static boolean hasBias(Architecture arch) {
        for (Layer l : arch.layers()) if (l instanceof Dense d && d.hasBias()) return true;
        return false;
    }
}
