package org.ntk4j.gpu;

import java.util.Locale;
import org.ntk4j.error.IllPosedProblemException;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.predict.Regularization;

/**
 * The Cholesky factor L of M + λI on the device, for the n×n float64 kernel of a
 * {@link GpuTrainKernel}, factored in place: the GPU's twin of the CPU's regularized Cholesky. λ comes
 * from the {@link Regularization} with the trace summed on the device, so λ (and the error for a λ
 * that overflows) is the CPU's. There is no adaptive jitter and no condition estimate: a matrix that
 * is not numerically positive definite is an {@link IllPosedProblemException}. Callers hold the
 * device's monitor; close it to free L.
 */
final class GpuFactor implements AutoCloseable {
    private static final DType F64 = DType.FLOAT64;

    private final CudaDevice dev;
    final DeviceMatrix l;
    final double lambda;
    /** Wall-clock time of the trace, the regularization and the factorization. */
    final long nanos;

    private GpuFactor(CudaDevice dev, DeviceMatrix l, double lambda, long nanos) {
        this.dev = dev;
        this.l = l;
        this.lambda = lambda;
        this.nanos = nanos;
    }

    /** Takes the kernel over from {@code kernel} and factors M + λI in place (freed again on failure). */
    static GpuFactor of(GpuTrainKernel kernel, Regularization reg) {
        CudaDevice dev = kernel.device();
        long t0 = System.nanoTime();
        DeviceMatrix a = kernel.take();
        try {
            int n = a.rows();
            // a relative diagReg needs the trace; an absolute one, or none, does not
            double lambda = reg.lambda(reg.absolute() || reg.isZero() ? 0 : trace(dev, a), n);
            if (lambda != 0)
                dev.launch("ntk_add_diag_f64", (n + 255) / 256, 1, 256, 1, a.arg(), a.ld(), n, (Object) lambda);
            factorInPlace(dev, a, lambda, kernel.kind().label());
            return new GpuFactor(dev, a, lambda, System.nanoTime() - t0);
        } catch (RuntimeException e) {
            a.buffer().close();
            throw e;
        }
    }

    /** The sum of the diagonal, reduced on the device in float64. */
    private static double trace(CudaDevice dev, DeviceMatrix a) {
        DeviceBuffer sum = dev.scratch("diag sum", 8);
        dev.launch("ntk_diag_sum_f64", 1, 1, 256, 1, a.arg(), a.ld(), a.rows(), sum);
        return dev.readDouble(sum);
    }

    private static void factorInPlace(CudaDevice dev, DeviceMatrix a, double lambda, String kind) {
        int n = a.rows();
        try (DeviceBuffer info = dev.alloc(4, "cholesky info")) {
            dev.zero(info, 4);
            GpuCholesky.factor(dev, a, info);
            int col = dev.readInt(info); // waits for the factorization
            if (col > 0)
                throw new IllPosedProblemException(String.format(
                        Locale.ROOT,
                        "the regularized %s train-train kernel is not positive definite (GPU Cholesky failed at column %d of %d, "
                                + "lambda = %g); raise diagReg (e.g. 1e-6 relative), remove duplicate training points, "
                                + "or solve on the CPU (Device.CPU), whose Cholesky adds jitter",
                        kind,
                        col,
                        n,
                        lambda));
        }
    }

    /**
     * α = (M + λI)⁻¹·B on the device for the host right-hand sides {@code b} (n×k), as a new device
     * buffer holding the n×k column-major solution; the caller closes it.
     */
    DeviceBuffer solve(Matrix b) {
        int n = l.rows(), k = b.cols();
        DeviceBuffer by = dev.alloc((long) n * k * 8, "yTrain (scaled)");
        try {
            dev.transfers().upload(b.toColumnMajor(), false, by, 0);
            DeviceMatrix alpha = DeviceMatrix.of(by, n, k, F64);
            GpuCholesky.solveLower(dev, l, alpha);
            GpuCholesky.solveLowerTransposed(dev, l, alpha);
            dev.sync();
            return by;
        } catch (RuntimeException e) {
            by.close();
            throw e;
        }
    }

    @Override
    public void close() {
        l.buffer().close();
    }
}
