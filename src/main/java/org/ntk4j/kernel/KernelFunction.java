package org.ntk4j.kernel;

import org.ntk4j.arch.Architecture;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.parallel.ParallelRegion;

/**
 * The infinite-width kernel function of an architecture: (x1, x2) → {@link Kernels}, matching
 * neural-tangents 0.6.6 (docs/kernels.md §1–§5). {@code x2 == null} means x2 = x1: only
 * the upper triangle is computed and mirrored (the result is exactly symmetric), and cov2 is null.
 * Exception: with a {@link org.ntk4j.arch.activation.Numerical} layer the full matrix is computed,
 * because the quadrature is not symmetric in (q1, q2) — neural-tangents' K(x, x) is then asymmetric
 * at the level of the quadrature error, and ntk4j reproduces it.
 *
 * <p>How: the input Gram matrix x1·x2ᵀ comes from OpenBLAS (dsyrk/dgemm in row panels, written
 * straight into an off-heap output where there is one, else into a reused 32 MiB off-heap panel,
 * {@link GramPanels}); the per-example variances run through the layers first (O(n) work); then each
 * tile of the n1×n2 result goes through all layers in one fused pass while it sits in cache
 * ({@link TileRecursion}), in parallel over tiles on {@code threads} workers (BLAS and the workers
 * never run at the same time, so they do not oversubscribe the cores). Every entry gets the same
 * arithmetic whatever the tiling and thread count: results are bit-for-bit reproducible.
 *
 * <p>Precision: float64 throughout. With {@link DType#FLOAT32} the outputs are the float64 results
 * rounded to float32 (relative error ≤ 2⁻²⁴ ≈ 6e-8 per entry beyond the float64 result), halving
 * the output memory.
 *
 * <p>Errors: {@link InvalidInputException} for empty inputs, mismatched columns, NaN/Inf entries
 * (naming x1/x2, row and column), outputs beyond Java's array limit, or a recursion that overflows;
 * {@link org.ntk4j.error.InsufficientMemoryException} before anything large is allocated.
 *
 * <p>Lifecycle: the tiles run in a {@link ParallelRegion}, so every call returns or throws only
 * after all of its worker threads have stopped, and off-heap outputs are freed (on failure) only
 * after that. If the calling thread is interrupted, the work stops within about one tile (or one
 * BLAS panel) and {@link org.ntk4j.error.ComputationInterruptedException} is thrown, with the
 * interrupt status set again. A {@link ProgressListener} that throws stops the computation the same
 * way; the call then throws an {@link IllegalStateException} whose cause is the listener's exception.
 */
public final class KernelFunction {
    private final Architecture architecture;

    private KernelFunction(Architecture architecture) {
        this.architecture = architecture;
    }

    /** The kernel function of {@code architecture}. */
    public static KernelFunction of(Architecture architecture) {
        if (architecture == null) throw new IllegalArgumentException("architecture is null");
        return new KernelFunction(architecture);
    }

    public Architecture architecture() {
        return architecture;
    }

    /**
     * Whether K(x, x) (x2 = null) comes out exactly symmetric, bit for bit: true unless a layer's map
     * is not symmetric in (q1, q2) in floating point (the quadrature of Numerical).
     */
    public boolean selfKernelIsSymmetric() {
        return new LayerPlan(architecture, 1).symmetricMaps;
    }

    /** NNGP and NTK in float64 with default options. */
    public Kernels compute(Matrix x1, Matrix x2) {
        return compute(x1, x2, KernelOptions.defaults());
    }

    /** Kernels with the given options. */
    public Kernels compute(Matrix x1, Matrix x2, KernelOptions options) {
        final KernelOptions o = options == null ? KernelOptions.defaults() : options;
        return KernelBackends.run(o.device(), architecture, engine -> engine.compute(architecture, x1, x2, o));
    }

    /**
     * The kernels written straight into off-heap column-major float64 matrices (no heap n1×n2 array,
     * no copy): the storage LAPACK factors in place. Every entry is bit-for-bit the one
     * {@link #compute(Matrix, Matrix, KernelOptions)} returns with the same options (with
     * {@link DType#FLOAT32}: the float32-rounded value, widened back to float64). The caller owns the
     * result and closes it. On the GPU ({@link KernelOptions#device()}) the kernels are computed on the
     * heap and copied (transiently two copies); on the CPU never.
     *
     * @param keepNngp whether to store the NNGP; false stores the NTK only (options must then ask for
     *                 the NTK), saving n1·n2·8 bytes when the NNGP itself is not needed
     */
    public NativeKernels computeOffHeap(Matrix x1, Matrix x2, KernelOptions options, boolean keepNngp) {
        final KernelOptions o = options == null ? KernelOptions.defaults() : options;
        if (!keepNngp && !o.computeNtk())
            throw new IllegalArgumentException(
                    "computeOffHeap: keepNngp = false needs computeNtk = true (nothing would be stored)");
        return KernelBackends.run(
                o.device(), architecture, engine -> engine.computeOffHeap(architecture, x1, x2, o, keepNngp));
    }
}
