package org.ntk4j.gpu;

import java.util.Locale;
import org.ntk4j.kernel.KernelInputs;
import org.ntk4j.arch.Architecture;
import org.ntk4j.error.IllPosedProblemException;
import org.ntk4j.error.InsufficientMemoryException;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.Matrix;

/**
 * Exact GP posterior on the GPU (neural-tangents' {@code gp_inference}, docs/prediction.md §2) for
 * get = "nngp" (kernel K) or "ntkgp" (kernel Θ), t = ∞:
 * mean = M_td (M_dd + λI)⁻¹ y and variance = diag(M_tt) − ‖L⁻¹ M_dt‖² per test point, with
 * M_dd + λI = L Lᵀ and λ = diag_reg·tr(M_dd)/n (or diag_reg itself with absolute scale).
 *
 * <p>{@link #fit} builds the train kernel on the device (never copied to the host), factors it,
 * and keeps L and α = (M_dd + λI)⁻¹y there; {@link GpuGpModel#predict} builds the test/train
 * kernel in column blocks sized to free memory. The whole n×n train matrix must fit on the device
 * ({@link InsufficientMemoryException} otherwise: about 8n² bytes in float64).
 */
public final class GpuGpInference {
    /** Which kernel drives the posterior. */
    public enum Mode { NNGP, NTKGP }

    private GpuGpInference() { }

    /** Fits on (xTrain, yTrain) with the architecture's kernel computed on the device. */
    public static GpuGpModel fit(Architecture arch, Matrix xTrain, Matrix yTrain, Mode mode, double diagReg, boolean absoluteScale,
                                 DType dtype) {
        if (arch == null) throw new InvalidInputException("arch", "is null");
        if (mode == null) throw new InvalidInputException("mode", "is null");
        if (dtype == null) dtype = DType.FLOAT64;
        KernelInputs.validate(xTrain, null);
        checkY(yTrain, xTrain.rows());
        if (!(diagReg >= 0) || !Double.isFinite(diagReg))
            throw new InvalidInputException("diagReg", "must be finite and >= 0, got " + diagReg);
        String why = GpuProgram.unsupportedReason(arch);
        if (why != null) throw new InvalidInputException("arch", why + "; use the CPU (Device.CPU / --device cpu)");
        int n = xTrain.rows(), d = xTrain.cols(), s = DeviceMatrix.size(dtype);
        GpuProgram prog = GpuProgram.compile(arch, d);
        double[] xcm = xTrain.toColumnMajor();
        GpuProgram.Rows rows = prog.rows(xTrain.rowMeanSquares(), "xTrain", false);
        CudaDevice dev = GpuRuntime.device();
        synchronized (dev) {
            dev.bind();
            dev.releaseScratch();
            long need = (long) n * n * s + (long) n * (d + 2L * yTrain.cols() + prog.ops.size()) * s + GpuKernelEngine.RESERVE;
            long free = dev.freeMemory();
            if (need > free)
                throw new InsufficientMemoryException(String.format(Locale.ROOT, "the %dx%d train kernel on the GPU (%s)", n, n,
                    dtype == DType.FLOAT64 ? "float64" : "float32"), need, free);
            long t0 = System.nanoTime();
            DeviceKernels dk = new DeviceKernels(dev, prog, dtype);
            DeviceBuffer bx = null, bq = null, bl = null, by = null, info = null;
            try {
                bx = dk.upload(xcm, "xTrain");
                bq = dk.upload(GpuProgram.flatten(rows.pre(), n), "x_train variances");
                bl = dev.alloc((long) n * n * s, "the train kernel");
                DeviceMatrix x = DeviceMatrix.of(bx, n, d, dtype), l = DeviceMatrix.of(bl, n, n, dtype);
                boolean ntk = mode == Mode.NTKGP;
                dk.block(x, 0, n, x, 0, n, bq, n, bq, n, l, ntk ? null : l, ntk ? l : null, true, true);
                dev.sync();
                dk.requireFinite("train kernel");
                long t1 = System.nanoTime();
                double lambda = diagReg;
                if (!absoluteScale && diagReg != 0) {
                    DeviceBuffer sum = dev.scratch("diag sum", 8);
                    dev.launch(dtype == DType.FLOAT64 ? "ntk_diag_sum_f64" : "ntk_diag_sum_f32", 1, 1, 256, 1, l.arg(), l.ld(), n, sum);
                    lambda = diagReg * dev.readDouble(sum) / n;
                }
                if (lambda != 0)
                    dev.launch(dtype == DType.FLOAT64 ? "ntk_add_diag_f64" : "ntk_add_diag_f32", (n + 255) / 256, 1, 256, 1, l.arg(), l.ld(), n,
                        dtype == DType.FLOAT64 ? (Object) lambda : (Object) (float) lambda);
                info = dev.alloc(4, "cholesky info");
                dev.zero(info, 4);
                GpuCholesky.factor(dev, l, info);
                int col = dev.readInt(info); // waits for the factorization
                long tf = System.nanoTime();
                if (col > 0)
                    throw new IllPosedProblemException(String.format(Locale.ROOT,
                        "the regularized train kernel is not positive definite (GPU Cholesky failed at column %d of %d, lambda=%g); "
                            + "raise diagReg (e.g. 1e-6 relative) or remove duplicate training points", col, n, lambda));
                int k = yTrain.cols();
                // α from y scaled to max |y| in [1, 2) (exact; predict scales the mean back): targets
                // near the float range's top do not overflow in α = M_r⁻¹y
                int ye = yTrain.maxAbsExponent();
                by = dk.upload(yTrain.scalb(-ye).toColumnMajor(), "y_train (scaled)");
                DeviceMatrix alpha = DeviceMatrix.of(by, n, k, dtype);
                GpuCholesky.solveLower(dev, l, alpha);
                GpuCholesky.solveLowerTransposed(dev, l, alpha);
                dev.sync();
                long t2 = System.nanoTime();
                GpuGpModel m = new GpuGpModel(dev, dk, prog, mode, x, rows, bq, l, alpha, ye, lambda, (t1 - t0) / 1e6, (t2 - t1) / 1e6,
                    (t2 - tf) / 1e6);
                bx = bq = bl = by = null; // owned by the model now
                dk = null;
                return m;
            } finally {
                if (info != null) info.close();
                for (DeviceBuffer b : new DeviceBuffer[] {bx, bq, bl, by}) if (b != null) b.close();
                if (dk != null) dk.close();
            }
        }
    }

    static void checkY(Matrix y, int n) {
        if (y == null) throw new InvalidInputException("yTrain", "is null");
        if (y.rows() != n) throw new InvalidInputException("yTrain", "has " + y.rows() + " rows but x_train has " + n);
        if (y.cols() == 0) throw new InvalidInputException("yTrain", "has no columns");
        org.ntk4j.kernel.KernelInputs.checkFinite("yTrain", y);
    }
}
