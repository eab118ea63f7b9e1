package org.ntk4j.gpu;

import java.util.Arrays;
import java.util.Locale;
import org.ntk4j.error.InsufficientMemoryException;
import org.ntk4j.kernel.KernelKind;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.parallel.ParallelRegion;

/**
 * The test side of the GPU posterior: the m test points in column blocks sized to free device
 * memory. Per block, the n×b kernel K_dt of the training against the test points is built on the
 * device; the mean block is K_dtᵀα, and the variances prior − ‖L⁻¹K_dt‖² per column (K_dt is
 * overwritten by L⁻¹K_dt after the mean used it). The test-train kernel never reaches the host.
 * Callers hold the device's monitor.
 */
final class TestBlocks {
    private static final DType F64 = DType.FLOAT64;
    /** Most test points per block (bounds the launch grids and the host staging). */
    private static final int MAX_BLOCK = 65536;

    private final GpuTrainKernel train;
    private final GpuFactor factor;
    private final DeviceMatrix alpha;
    private final double[] xt; // the test points, column-major m×d
    private final GpuProgram.Rows rows; // their per-example recursions
    private final double[] prior; // their prior variances, or null: no variances
    private final int m;
    /** The m×k mean (column-major, for y scaled as α was) and the m variances (null when not asked). */
    final double[] mean, variances;
    /** Wall-clock time of the test kernels, of the mean products and of the variances. */
    long kernelNanos, meanNanos, varianceNanos;

    private TestBlocks(
            GpuTrainKernel train, GpuFactor factor, DeviceMatrix alpha, Matrix xTest, boolean withVariances) {
        this.train = train;
        this.factor = factor;
        this.alpha = alpha;
        this.m = xTest.rows();
        boolean ntk = train.kind() == KernelKind.NTK;
        this.xt = xTest.toColumnMajor();
        this.rows = train.program().rows(xTest.rowMeanSquares(), "xTest", ntk && withVariances);
        this.prior = !withVariances ? null : ntk ? rows.diagNtk() : rows.cov();
        this.mean = new double[m * alpha.cols()];
        this.variances = withVariances ? new double[m] : null;
    }

    /**
     * The mean (and variances when {@code withVariances}) at the rows of {@code xTest}, from the
     * factored kernel and α = (M + λI)⁻¹y (n×k) on the device.
     */
    static TestBlocks run(
            GpuTrainKernel train, GpuFactor factor, DeviceMatrix alpha, Matrix xTest, boolean withVariances) {
        TestBlocks t = new TestBlocks(train, factor, alpha, xTest, withVariances);
        t.all();
        return t;
    }

    /** Every block, in scratch buffers sized once for the largest block. */
    private void all() {
        CudaDevice dev = train.device();
        dev.bind();
        dev.releaseScratch();
        int n = train.size(),
                d = xt.length / m,
                k = alpha.cols(),
                ops = train.program().ops.size();
        int mc = blockColumns(dev, n, d, k, ops);
        DeviceBuffer kb = dev.scratch("test kernel", (long) n * mc * 8);
        DeviceBuffer xb = dev.scratch("xTest block", (long) mc * d * 8);
        DeviceBuffer qb = dev.scratch("xTest variances", (long) mc * Math.max(1, ops) * 8);
        DeviceBuffer mb = dev.scratch("mean block", (long) mc * k * 8);
        DeviceBuffer pb = dev.scratch("prior block", (long) mc * 8);
        for (int c0 = 0; c0 < m; c0 += mc) {
            ParallelRegion.checkInterrupted("the GPU posterior");
            int mcur = Math.min(mc, m - c0);
            DeviceMatrix kdt = kernelBlock(dev, c0, mcur, d, kb, xb, qb);
            meanBlock(dev, kdt, c0, mcur, mb);
            if (variances != null) varianceBlock(dev, kdt, c0, mcur, pb);
        }
        train.requireFinite("test kernel");
    }

    /** Test points per block: as many as free memory holds (at least 32 or all of them). */
    private int blockColumns(CudaDevice dev, int n, int d, int k, int ops) {
        long perCol = 8L * (n + d + ops + k + 2);
        long free = dev.freeMemory() - GpuKernelEngine.RESERVE;
        int mc = (int) Math.min(m, Math.max(0, free / perCol));
        mc = Math.min(mc, MAX_BLOCK);
        if (mc < Math.min(m, 32))
            throw new InsufficientMemoryException(
                    String.format(Locale.ROOT, "GPU blocks of test points against %d training points", n),
                    perCol * Math.min(m, 32),
                    free);
        return mc;
    }

    /** K_dt (n×mcur) of the training points against test points [c0, c0 + mcur), built on the device. */
    private DeviceMatrix kernelBlock(
            CudaDevice dev, int c0, int mcur, int d, DeviceBuffer kb, DeviceBuffer xb, DeviceBuffer qb) {
        long a = System.nanoTime();
        dev.transfers().upload(slice(xt, m, d, c0, mcur), false, xb, 0);
        double[][] pre = new double[rows.pre().length][];
        for (int o = 0; o < pre.length; o++) pre[o] = Arrays.copyOfRange(rows.pre()[o], c0, c0 + mcur);
        dev.transfers().upload(GpuProgram.flatten(pre, mcur), false, qb, 0);
        DeviceMatrix xtm = DeviceMatrix.of(xb, mcur, d, F64), kdt = DeviceMatrix.of(kb, train.size(), mcur, F64);
        train.kernelAgainst(xtm, qb, kdt);
        dev.sync();
        kernelNanos += System.nanoTime() - a;
        return kdt;
    }

    /** mean[c0 : c0 + mcur, :] = K_dtᵀα. */
    private void meanBlock(CudaDevice dev, DeviceMatrix kdt, int c0, int mcur, DeviceBuffer mb) {
        long a = System.nanoTime();
        int n = train.size(), k = alpha.cols();
        DeviceMatrix mm = DeviceMatrix.of(mb, mcur, k, F64);
        GpuBlas.gemm(dev, true, false, mcur, k, n, 1.0, kdt, alpha, 0.0, mm, false);
        double[] mch = dev.transfers().downloadAsDouble(mb, 0, mcur * k, false); // waits for the product
        for (int j = 0; j < k; j++) System.arraycopy(mch, j * mcur, mean, c0 + j * m, mcur);
        meanNanos += System.nanoTime() - a;
    }

    /** variances[c0 : c0 + mcur] = prior − ‖L⁻¹K_dt‖² per column (K_dt overwritten). */
    private void varianceBlock(CudaDevice dev, DeviceMatrix kdt, int c0, int mcur, DeviceBuffer pb) {
        long a = System.nanoTime();
        int n = train.size();
        GpuCholesky.solveLower(dev, factor.l, kdt); // W = L^-1 K_dt
        dev.transfers().upload(Arrays.copyOfRange(prior, c0, c0 + mcur), false, pb, 0);
        dev.launch("ntk_col_sumsq_sub_f64", mcur, 1, 256, 1, kdt.arg(), kdt.ld(), n, mcur, pb, pb);
        double[] vch = dev.transfers().downloadAsDouble(pb, 0, mcur, false);
        System.arraycopy(vch, 0, variances, c0, mcur);
        dev.sync();
        varianceNanos += System.nanoTime() - a;
    }

    /** Rows [r0, r0 + nr) of a column-major rows×cols array. */
    private static double[] slice(double[] cm, int rows, int cols, int r0, int nr) {
        double[] out = new double[nr * cols];
        for (int j = 0; j < cols; j++) System.arraycopy(cm, r0 + j * rows, out, j * nr, nr);
        return out;
    }
}
