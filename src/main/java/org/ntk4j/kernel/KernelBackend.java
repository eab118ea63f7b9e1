package org.ntk4j.kernel;

import org.ntk4j.arch.Architecture;
import org.ntk4j.linalg.Matrix;

/**
 * An engine that computes NNGP/NTK kernels, with the semantics of {@link KernelFunction} (same
 * inputs, outputs, conventions and errors). The CPU engine is built in and is the default;
 * an accelerated engine (the GPU's) is found at run time with {@link java.util.ServiceLoader}
 * through {@code META-INF/services/org.ntk4j.kernel.KernelBackend}, so this package does not
 * depend on it. {@link KernelFunction} picks the engine once per call from
 * {@link KernelOptions#device()}, falling back to the CPU as {@link org.ntk4j.device.Device} says.
 *
 * <p>Implementations must be stateless (or thread-safe) and have a public no-argument constructor.
 */
public interface KernelBackend {
    /**
     * Null when this engine can compute the kernels of {@code architecture}, else why not in a few
     * words (e.g. an activation without a device implementation). Cheap: it runs on every call.
     */
    String unsupportedReason(Architecture architecture);

    /** The kernels of {@code architecture} on x1 and x2 (null: x2 = x1), in heap matrices. */
    Kernels compute(Architecture architecture, Matrix x1, Matrix x2, KernelOptions options);

    /**
     * The kernels in off-heap column-major float64 matrices, owned by the caller.
     *
     * @param keepNngp whether to store the NNGP (false: the NTK only; options then ask for the NTK)
     */
    NativeKernels computeOffHeap(
            Architecture architecture, Matrix x1, Matrix x2, KernelOptions options, boolean keepNngp);
}
