package org.ntk4j.gpu;

import org.ntk4j.arch.Architecture;
import org.ntk4j.kernel.KernelBackend;
import org.ntk4j.kernel.KernelOptions;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.kernel.NativeKernels;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.linalg.NativeMatrix;

/**
 * {@link GpuKernelEngine} as a {@link KernelBackend}: registered in
 * {@code META-INF/services/org.ntk4j.kernel.KernelBackend}, so that {@code KernelFunction} finds it
 * at run time without depending on this package.
 */
public final class GpuKernelBackend implements KernelBackend {
    /** For {@link java.util.ServiceLoader}. */
    public GpuKernelBackend() {}

    @Override
    public String unsupportedReason(Architecture architecture) {
        return GpuKernelEngine.unsupportedReason(architecture);
    }

    @Override
    public Kernels compute(Architecture architecture, Matrix x1, Matrix x2, KernelOptions options) {
        return GpuKernelEngine.compute(architecture, x1, x2, options);
    }

    /** Computed on the heap and copied off-heap (transiently two copies). */
    @Override
    public NativeKernels computeOffHeap(
            Architecture architecture, Matrix x1, Matrix x2, KernelOptions options, boolean keepNngp) {
        Kernels k = GpuKernelEngine.compute(architecture, x1, x2, options);
        NativeMatrix nn = null, tn = null;
        try {
            nn = keepNngp ? NativeMatrix.copyOf(k.nngp(), "NNGP kernel") : null;
            tn = k.ntk() == null ? null : NativeMatrix.copyOf(k.ntk(), "NTK kernel");
            return new NativeKernels(nn, tn, k.cov1(), k.cov2());
        } catch (RuntimeException e) {
            if (nn != null) nn.close();
            throw e;
        }
    }
}
