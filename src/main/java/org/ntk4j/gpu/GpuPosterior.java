package org.ntk4j.gpu;

import java.util.Locale;
import org.ntk4j.device.Device;
import org.ntk4j.error.DeviceFailureException;
import org.ntk4j.error.InsufficientMemoryException;
import org.ntk4j.kernel.KernelInputs;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.linalg.RoundOff;
import org.ntk4j.parallel.ParallelRegion;
import org.ntk4j.predict.CovarianceMode;
import org.ntk4j.predict.Diagnostics;
import org.ntk4j.predict.Get;
import org.ntk4j.predict.GpInference;
import org.ntk4j.predict.Posterior;
import org.ntk4j.predict.PredictOptions;
import org.ntk4j.predict.Timings;
import org.ntk4j.solve.AcceleratedPosterior;
import org.ntk4j.solve.PosteriorRequest;
import org.ntk4j.solve.SolveReport;
import org.ntk4j.solve.Solved;
import org.ntk4j.solve.SolverKind;

/**
 * The exact t = ∞ posterior on the GPU, in float64: the operator/solver pair
 * {@link GpuTrainKernel} + a Cholesky on the device. Registered in
 * {@code META-INF/services/org.ntk4j.solve.AcceleratedPosterior}; {@link org.ntk4j.solve.ScalablePredict}
 * runs it when the request's device resolves to the GPU and {@link #unsupportedReason} is null.
 *
 * <p>It computes the NNGP posterior (mean and variances), the NTKGP posterior (mean and variances),
 * and the NTK ensemble's mean (the ensemble's covariance needs both kernels: the CPU computes it).
 * The steps of {@link #solve}: check → the inverted training kernel built on the device → M + λI
 * factored in place → α = (M + λI)⁻¹y for y scaled to max |y| in [1, 2) (exact; the mean is scaled
 * back) → the test points in blocks (mean, variances) → the posterior. Neither the n×n kernel nor the
 * test-train kernel passes through the host. The numbers equal the CPU's exact solver's to rounding
 * (about 1e-12 relative). The GPU's Cholesky adds no jitter, so an unregularized request (diagReg =
 * 0) with a jitter policy is left to the CPU, whose Cholesky repairs a numerically singular kernel;
 * a regularized kernel that still fails to factor is an {@link org.ntk4j.error.IllPosedProblemException}.
 *
 * <p>Timings: kernels = the training kernel and the test blocks' kernels; factorization = trace,
 * λI and Cholesky; mean = α and the mean products; covariance = the variances.
 */
public final class GpuPosterior implements AcceleratedPosterior {
    /** The CUDA error code of "out of memory" (CUDA_ERROR_OUT_OF_MEMORY), for the memory failures turned into device failures. */
    private static final int CUDA_ERROR_OUT_OF_MEMORY = 2;

    /** For {@link java.util.ServiceLoader}. */
    public GpuPosterior() {}

    /** Decided from the request alone: loads no CUDA class and never probes the device. */
    @Override
    public String unsupportedReason(PosteriorRequest r) {
        String arch = GpuProgram.unsupportedReason(r.arch());
        if (arch != null) return arch;
        PredictOptions o = r.options();
        if (r.get() == Get.NTK && o.covariance() != CovarianceMode.NONE)
            return "the NTK ensemble's covariance needs both kernels (the GPU posterior inverts one)";
        if (o.covariance() == CovarianceMode.FULL) return "full covariance (the GPU computes variances only)";
        if (o.returnKernels()) return "kernels returned with the posterior";
        SolverKind s = r.solver().solver();
        if (s != SolverKind.AUTO && s != SolverKind.EXACT)
            return "solver " + s.name().toLowerCase(Locale.ROOT) + " requested";
        if (o.kernelOptions().dtype() == DType.FLOAT32) return "float32 kernels (posterior solves are float64)";
        // the CPU's Cholesky repairs a numerically singular unregularized kernel with jitter (and says
        // so); the GPU's has no such repair, so it would fail or answer differently where the CPU succeeds
        if (o.regularization().isZero() && o.jitter().maxRelative() > 0)
            return "diagReg = 0 (the CPU's Cholesky can add jitter to a numerically singular kernel; set diagReg > 0 to solve on the GPU)";
        if (r.trainSize() > GpuCholesky.MAX_N)
            return "n = " + r.trainSize() + " training points exceed the GPU Cholesky's limit of " + GpuCholesky.MAX_N;
        return null;
    }

    /**
     * {@inheritDoc} A problem that does not fit in device memory is an
     * {@link InsufficientMemoryException} when the request names {@link Device#GPU}, and a
     * {@link DeviceFailureException} (so that the CPU solves it) under {@link Device#AUTO}.
     */
    @Override
    public Solved solve(PosteriorRequest r) {
        long t0 = System.nanoTime();
        check(r);
        Posterior p = onDevice(r);
        return new Solved(
                p,
                SolveReport.builder(SolverKind.EXACT, reason(r))
                        .device(Device.GPU)
                        .build(System.nanoTime() - t0));
    }

    /** What the CPU's exact path checks before computing a kernel, where it applies here. */
    private void check(PosteriorRequest r) {
        String why = unsupportedReason(r);
        if (why != null) throw new IllegalArgumentException("the GPU posterior cannot solve this request: " + why);
        GpInference.checkWellPosed(r.xTrain(), r.xTest(), r.options().regularization());
        KernelInputs.checkNotUnderflowing("xTest", r.xTest()); // as the kernel engines do (xTrain: GpuTrainKernel)
    }

    /**
     * The solve with the device held throughout (its scratch buffers are shared); under
     * {@link Device#AUTO} a problem too large for the device becomes a device failure, so that the
     * CPU solves it.
     */
    private static Posterior onDevice(PosteriorRequest r) {
        CudaDevice dev = GpuRuntime.device();
        try {
            synchronized (dev) {
                return steps(r);
            }
        } catch (InsufficientMemoryException e) {
            if (r.options().kernelOptions().device() != Device.AUTO) throw e;
            throw (DeviceFailureException) new GpuException(
                            "the problem does not fit in GPU memory: " + e.getMessage(), CUDA_ERROR_OUT_OF_MEMORY)
                    .initCause(e);
        }
    }

    /** Kernel → factor → α → test blocks → posterior; every device buffer freed on the way out. */
    private static Posterior steps(PosteriorRequest r) {
        try (GpuTrainKernel train =
                GpuTrainKernel.compute(r.arch(), r.xTrain(), r.get().meanKernel())) {
            ParallelRegion.checkInterrupted(POSTERIOR);
            try (GpuFactor factor = GpuFactor.of(train, r.options().regularization())) {
                ParallelRegion.checkInterrupted(POSTERIOR);
                long a0 = System.nanoTime();
                int ye = r.yTrain()
                        .maxAbsExponent(); // α from y·2^-ye: targets near the float range's top do not overflow
                try (DeviceBuffer alphaBuffer = factor.solve(r.yTrain().scalb(-ye))) {
                    long alphaNanos = System.nanoTime() - a0;
                    DeviceMatrix alpha = DeviceMatrix.of(alphaBuffer, r.trainSize(), r.outputs(), DType.FLOAT64);
                    TestBlocks t = TestBlocks.run(
                            train, factor, alpha, r.xTest(), r.options().covariance() == CovarianceMode.DIAGONAL);
                    Timings timings = new Timings(
                            train.buildNanos() + t.kernelNanos,
                            factor.nanos,
                            alphaNanos + t.meanNanos,
                            t.varianceNanos);
                    return posterior(r, t, ye, factor.lambda, timings);
                }
            }
        }
    }

    /** The posterior from the blocks: the mean scaled back, negative variances (round-off) clamped and counted. */
    private static Posterior posterior(PosteriorRequest r, TestBlocks t, int ye, double lambda, Timings timings) {
        Matrix mean = Matrix.wrapColumnMajor(r.testSize(), r.outputs(), t.mean).scalb(ye);
        double[] var = t.variances;
        int clamped = var == null ? 0 : RoundOff.clampNegative(var);
        Diagnostics d = new Diagnostics(lambda, null, clamped, 0, Double.NaN, timings);
        return new Posterior(r.get(), Double.POSITIVE_INFINITY, mean, null, var, d, null);
    }

    /** Why the exact solver ran: AUTO's choice (the GPU always solves exactly within its limit) or the request. */
    private static String reason(PosteriorRequest r) {
        String why = r.solver().solver() == SolverKind.AUTO
                ? String.format(
                        Locale.ROOT, "auto: n = %d <= %d, the GPU's exact limit", r.trainSize(), GpuCholesky.MAX_N)
                : "requested";
        return "gpu: exact Cholesky on the device (" + why + ")";
    }

    /** Names the computation in the exception of an interrupt. */
    private static final String POSTERIOR = "the GPU posterior";
}
