package org.ntk4j.kernel;

import org.ntk4j.arch.Architecture;
import org.ntk4j.linalg.Matrix;

/**
 * The infinite-width kernel function of an architecture: (x1, x2) → {@link Kernels}.
 * {@code x2 == null} means x2 = x1 (symmetry is exploited; cov2 is then null).
 */
public final class KernelFunction {
    private final Architecture architecture;

    private KernelFunction(Architecture architecture) { this.architecture = architecture; }

    /** The kernel function of {@code architecture}. */
    public static KernelFunction of(Architecture architecture) {
        if (architecture == null) throw new IllegalArgumentException("architecture is null");
        return new KernelFunction(architecture);
    }

    public Architecture architecture() { return architecture; }

    /** NNGP and NTK in float64 with default options. */
    public Kernels compute(Matrix x1, Matrix x2) { return compute(x1, x2, KernelOptions.defaults()); }

    /** Kernels with the given options. */
    public Kernels compute(Matrix x1, Matrix x2, KernelOptions options) {
        throw new UnsupportedOperationException("not implemented yet"); // the kernel helper replaces this
    }
}
