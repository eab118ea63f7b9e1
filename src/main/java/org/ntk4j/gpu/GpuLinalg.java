package org.ntk4j.gpu;

import java.util.Locale;
import org.ntk4j.error.IllPosedProblemException;
import org.ntk4j.error.InsufficientMemoryException;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.linalg.RoundOff;
import org.ntk4j.predict.Diagnostics;
import org.ntk4j.predict.Get;
import org.ntk4j.predict.Posterior;
import org.ntk4j.predict.Regularization;
import org.ntk4j.predict.Timings;

/**
 * Host-matrix entry points to the device linear algebra: a Cholesky factorization, and the GP
 * posterior from precomputed kernels (for callers that already hold K_dd, K_td and diag K_tt; the
 * posterior from an architecture is {@link GpuPosterior}, through {@code ScalablePredict}).
 * Precision follows the dtype of the train matrix.
 */
public final class GpuLinalg {
    private GpuLinalg() {}

    /** The lower Cholesky factor of the symmetric positive-definite {@code a} (its upper triangle is ignored). */
    public static Matrix cholesky(Matrix a) {
        if (a == null) throw new InvalidInputException("a", "is null");
        if (a.rows() != a.cols())
            throw new InvalidInputException("a", "is " + a.rows() + "x" + a.cols() + "; must be square");
        org.ntk4j.kernel.KernelInputs.checkFinite("a", a);
        int n = a.rows();
        DType t = a.dtype();
        boolean f32 = t == DType.FLOAT32;
        CudaDevice dev = GpuRuntime.device();
        synchronized (dev) {
            dev.bind();
            fits(dev, (long) n * n * DeviceMatrix.size(t), "the " + n + "x" + n + " matrix");
            try (DeviceBuffer b = dev.alloc((long) n * n * DeviceMatrix.size(t), "cholesky matrix");
                    DeviceBuffer info = dev.alloc(4, "cholesky info")) {
                dev.transfers().upload(a.toColumnMajor(), f32, b, 0);
                dev.zero(info, 4);
                DeviceMatrix m = DeviceMatrix.of(b, n, n, t);
                GpuCholesky.factor(dev, m, info);
                int col = dev.readInt(info);
                if (col > 0)
                    throw new IllPosedProblemException(
                            "matrix is not positive definite (GPU Cholesky failed at column " + col + " of " + n + ")");
                double[] l = dev.transfers().downloadAsDouble(b, 0, n * n, f32);
                for (int j = 0; j < n; j++) for (int i = 0; i < j; i++) l[i + j * n] = 0;
                return f32 ? Matrix.wrapColumnMajor(n, n, l).as(DType.FLOAT32) : Matrix.wrapColumnMajor(n, n, l);
            }
        }
    }

    /**
     * The GP posterior from precomputed float64 or float32 kernels (for callers that already hold them):
     * mean = k_td (k_dd + λI)⁻¹ y and, when {@code kTestTestDiagonal} is given, variances
     * kTestTestDiagonal − diag(k_td (k_dd + λI)⁻¹ k_dt), negative ones (round-off) clamped to 0 and
     * counted; λ from {@code reg} with the trace summed on the device. The kernels are those of
     * {@code get}: the NNGP for {@link Get#NNGP}, the NTK for {@link Get#NTKGP} (and for the mean of
     * {@link Get#NTK}, whose variances need both kernels: ask for none).
     */
    public static Posterior solve(
            Get get,
            Matrix kTrainTrain,
            Matrix yTrain,
            Matrix kTestTrain,
            double[] kTestTestDiagonal,
            Regularization reg) {
        checkSolve(get, kTrainTrain, yTrain, kTestTrain, kTestTestDiagonal, reg);
        Matrix kdd = kTrainTrain, y = yTrain, ktd = kTestTrain;
        double[] kttDiag = kTestTestDiagonal;
        int n = kdd.rows();
        int m = ktd.rows(), k = y.cols();
        DType t = kdd.dtype();
        boolean f32 = t == DType.FLOAT32;
        int s = DeviceMatrix.size(t);
        String sf = f32 ? "_f32" : "_f64";
        CudaDevice dev = GpuRuntime.device();
        synchronized (dev) {
            dev.bind();
            dev.releaseScratch();
            long need = (long) s * ((long) n * n + 2L * n * m + 2L * n * k + 2L * m * k + m);
            fits(dev, need, String.format(Locale.ROOT, "the GP solve with %d training and %d test points", n, m));
            try (DeviceBuffer bl = dev.alloc((long) n * n * s, "kTrainTrain");
                    DeviceBuffer btd = dev.alloc((long) n * m * s, "kTestTrain");
                    DeviceBuffer bdt = dev.alloc((long) n * m * s, "kTrainTest");
                    DeviceBuffer ba = dev.alloc((long) n * k * s, "alpha");
                    DeviceBuffer bm = dev.alloc((long) m * k * s, "mean");
                    DeviceBuffer bv = dev.alloc((long) Math.max(1, m) * s, "variance");
                    DeviceBuffer info = dev.alloc(4, "cholesky info");
                    DeviceBuffer sum = dev.alloc(8, "trace")) {
                var tr = dev.transfers();
                tr.upload(kdd.toColumnMajor(), f32, bl, 0);
                tr.upload(ktd.toColumnMajor(), f32, btd, 0);
                tr.upload(y.toColumnMajor(), f32, ba, 0);
                DeviceMatrix l = DeviceMatrix.of(bl, n, n, t),
                        td = DeviceMatrix.of(btd, m, n, t),
                        dt = DeviceMatrix.of(bdt, n, m, t);
                DeviceMatrix alpha = DeviceMatrix.of(ba, n, k, t), mean = DeviceMatrix.of(bm, m, k, t);
                double trace = 0;
                if (!reg.absolute() && !reg.isZero()) {
                    dev.launch("ntk_diag_sum" + sf, 1, 1, 256, 1, l.arg(), l.ld(), n, sum);
                    trace = dev.readDouble(sum);
                }
                double lambda = reg.lambda(trace, n);
                if (lambda != 0)
                    dev.launch(
                            "ntk_add_diag" + sf,
                            (n + 255) / 256,
                            1,
                            256,
                            1,
                            l.arg(),
                            l.ld(),
                            n,
                            f32 ? (Object) (float) lambda : (Object) lambda);
                dev.zero(info, 4);
                GpuCholesky.factor(dev, l, info);
                int col = dev.readInt(info);
                if (col > 0)
                    throw new IllPosedProblemException(
                            "kTrainTrain + lambda*I is not positive definite (GPU Cholesky failed at column " + col
                                    + " of " + n + "); raise diagReg");
                GpuCholesky.solveLower(dev, l, alpha);
                GpuCholesky.solveLowerTransposed(dev, l, alpha);
                GpuBlas.gemm(dev, false, false, m, k, n, 1.0, td, alpha, 0.0, mean, false);
                double[] meanH = tr.downloadAsDouble(bm, 0, m * k, f32);
                double[] var = null;
                if (kttDiag != null && m > 0) {
                    dev.launch(
                            "ntk_transpose" + sf,
                            (m + 31) / 32,
                            (n + 31) / 32,
                            32,
                            8,
                            td.arg(),
                            td.ld(),
                            dt.arg(),
                            dt.ld(),
                            m,
                            n);
                    GpuCholesky.solveLower(dev, l, dt);
                    tr.upload(kttDiag, f32, bv, 0);
                    dev.launch("ntk_col_sumsq_sub" + sf, m, 1, 256, 1, dt.arg(), dt.ld(), n, m, bv, bv);
                    var = tr.downloadAsDouble(bv, 0, m, f32);
                }
                int clamped = var == null ? 0 : RoundOff.clampNegative(var);
                Diagnostics d = new Diagnostics(lambda, null, clamped, 0, Double.NaN, Timings.ZERO);
                return new Posterior(
                        get, Double.POSITIVE_INFINITY, Matrix.wrapColumnMajor(m, k, meanH), null, var, d, null);
            }
        }
    }

    private static void checkSolve(Get get, Matrix kdd, Matrix y, Matrix ktd, double[] kttDiag, Regularization reg) {
        if (get == null) throw new InvalidInputException("get", "is required (nngp or ntkgp)");
        if (get == Get.NTK && kttDiag != null)
            throw new InvalidInputException(
                    "get",
                    "the NTK ensemble's variances need both kernels; " + "pass no kTestTestDiagonal, or use NTKGP");
        if (reg == null) throw new InvalidInputException("reg", "is required (Regularization.NONE for none)");
        if (kdd == null) throw new InvalidInputException("kTrainTrain", "is required");
        int n = kdd.rows();
        if (kdd.cols() != n)
            throw new InvalidInputException("kTrainTrain", "is " + n + "x" + kdd.cols() + "; must be square");
        if (y == null) throw new InvalidInputException("yTrain", "is required");
        if (y.rows() != n)
            throw new InvalidInputException("yTrain", "has " + y.rows() + " rows but kTrainTrain has " + n);
        if (y.cols() == 0) throw new InvalidInputException("yTrain", "has no columns");
        if (ktd == null || ktd.cols() != n)
            throw new InvalidInputException("kTestTrain", "must have " + n + " columns");
        if (kttDiag != null && kttDiag.length != ktd.rows())
            throw new InvalidInputException(
                    "kTestTestDiagonal", "has " + kttDiag.length + " entries, expected " + ktd.rows());
        org.ntk4j.kernel.KernelInputs.checkFinite("yTrain", y);
        org.ntk4j.kernel.KernelInputs.checkFinite("kTrainTrain", kdd);
        org.ntk4j.kernel.KernelInputs.checkFinite("kTestTrain", ktd);
    }

    private static void fits(CudaDevice dev, long need, String what) {
        long free = dev.freeMemory() - GpuKernelEngine.RESERVE;
        if (need > free) throw new InsufficientMemoryException(what + " on the GPU", need, free);
    }
}
