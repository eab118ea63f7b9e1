package org.ntk4j.gpu;

import java.util.Locale;
import org.ntk4j.kernel.KernelInputs;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.Matrix;

/**
 * A fitted GPU posterior ({@link GpuGpInference#fit}): holds x_train, the Cholesky factor L and
 * α = (M + λI)⁻¹y on the device until {@link #close()}. Not thread-safe (calls are serialized on
 * the device anyway).
 */
public final class GpuGpModel implements AutoCloseable {
    private final CudaDevice dev;
    private final DeviceKernels dk;
    private final GpuProgram prog;
    private final GpuGpInference.Mode mode;
    private final DeviceMatrix x, l, alpha;
    private final DeviceBuffer trainQ;
    private final int alphaExponent; // α was solved for y·2^-alphaExponent: means are scaled back
    private final double lambda, kernelMs, factorMs, alphaMs;
    private double lastKernelMs, lastSolveMs;
    private boolean closed;

    GpuGpModel(CudaDevice dev, DeviceKernels dk, GpuProgram prog, GpuGpInference.Mode mode, DeviceMatrix x, GpuProgram.Rows trainRows,
               DeviceBuffer trainQ, DeviceMatrix l, DeviceMatrix alpha, int alphaExponent, double lambda, double kernelMs, double factorMs,
               double alphaMs) {
        this.trainQ = trainQ;
        this.dev = dev;
        this.dk = dk;
        this.prog = prog;
        this.mode = mode;
        this.x = x;
        this.l = l;
        this.alpha = alpha;
        this.alphaExponent = alphaExponent;
        this.lambda = lambda;
        this.kernelMs = kernelMs;
        this.factorMs = factorMs;
        this.alphaMs = alphaMs;
    }

    /** The regularizer λ that was added to the diagonal. */
    public double lambda() { return lambda; }

    /**
     * Wall milliseconds of fit: building the train kernel; regularize + Cholesky + α; and the
     * part of the latter spent on α = L⁻ᵀL⁻¹y after the factorization.
     */
    public double[] fitMillis() { return new double[] {kernelMs, factorMs, alphaMs}; }

    /** Wall milliseconds of the last predict: test/train kernel, and mean + variance solves. */
    public double[] predictMillis() { return new double[] {lastKernelMs, lastSolveMs}; }

    /** Posterior mean (and variances if asked) at the rows of xTest. */
    public GpuPrediction predict(Matrix xTest, boolean variances) {
        if (closed) throw new IllegalStateException("model closed");
        if (xTest == null) throw new InvalidInputException("xTest", "is null");
        if (xTest.cols() != x.cols())
            throw new InvalidInputException("xTest", "has " + xTest.cols() + " columns but x_train has " + x.cols());
        KernelInputs.validate(xTest, null);
        int n = x.rows(), m = xTest.rows(), d = x.cols(), k = alpha.cols();
        DType t = x.dtype();
        boolean f32 = t == DType.FLOAT32;
        int s = DeviceMatrix.size(t);
        double[] xt = xTest.toColumnMajor();
        boolean ntk = mode == GpuGpInference.Mode.NTKGP;
        GpuProgram.Rows rows = prog.rows(xTest.rowMeanSquares(), "xTest", ntk);
        double[] prior = ntk ? rows.diagNtk() : rows.cov();
        double[] mean = new double[m * k];
        double[] var = variances ? new double[m] : null;
        lastKernelMs = lastSolveMs = 0;
        synchronized (dev) {
            dev.bind();
            dev.releaseScratch();
            long perCol = (long) s * (n + d + prog.ops.size() + k + 2);
            long free = dev.freeMemory() - GpuKernelEngine.RESERVE;
            int mc = (int) Math.min(m, Math.max(0, free / perCol));
            mc = Math.min(mc, 65536);
            if (mc < Math.min(m, 32))
                throw new org.ntk4j.error.InsufficientMemoryException(String.format(Locale.ROOT,
                    "GPU blocks of test points against %d training points", n), perCol * Math.min(m, 32), free);
            DeviceBuffer kb = dev.scratch("test kernel", (long) n * mc * s);
            DeviceBuffer xb = dev.scratch("x_test block", (long) mc * d * s);
            DeviceBuffer qb = dev.scratch("x_test variances", (long) mc * Math.max(1, prog.ops.size()) * s);
            DeviceBuffer mb = dev.scratch("mean block", (long) mc * k * s);
            DeviceBuffer pb = dev.scratch("prior block", (long) mc * s);
            for (int c0 = 0; c0 < m; c0 += mc) {
                int mcur = Math.min(mc, m - c0);
                long a = System.nanoTime();
                dev.transfers().upload(slice(xt, m, d, c0, mcur), f32, xb, 0);
                double[][] pre = new double[rows.pre().length][];
                for (int o = 0; o < pre.length; o++) pre[o] = java.util.Arrays.copyOfRange(rows.pre()[o], c0, c0 + mcur);
                dev.transfers().upload(GpuProgram.flatten(pre, mcur), f32, qb, 0);
                DeviceMatrix xtm = DeviceMatrix.of(xb, mcur, d, t), kdt = DeviceMatrix.of(kb, n, mcur, t);
                dk.block(x, 0, n, xtm, 0, mcur, trainQ, n, qb, mcur, kdt, ntk ? null : kdt, ntk ? kdt : null, false, false);
                dev.sync();
                long b = System.nanoTime();
                DeviceMatrix mm = DeviceMatrix.of(mb, mcur, k, t);
                GpuBlas.gemm(dev, true, false, mcur, k, n, 1.0, kdt, alpha, 0.0, mm, false);  // mean = K_dt^T α
                double[] mch = dev.transfers().downloadAsDouble(mb, 0, mcur * k, f32);
                for (int j = 0; j < k; j++) System.arraycopy(mch, j * mcur, mean, c0 + j * m, mcur);
                if (variances) {
                    GpuCholesky.solveLower(dev, l, kdt);                           // W = L^-1 K_dt
                    dev.transfers().upload(java.util.Arrays.copyOfRange(prior, c0, c0 + mcur), f32, pb, 0);
                    dev.launch(f32 ? "ntk_col_sumsq_sub_f32" : "ntk_col_sumsq_sub_f64", mcur, 1, 256, 1, kdt.arg(), kdt.ld(), n, mcur, pb, pb);
                    double[] vch = dev.transfers().downloadAsDouble(pb, 0, mcur, f32);
                    System.arraycopy(vch, 0, var, c0, mcur);
                }
                dev.sync();
                long c = System.nanoTime();
                lastKernelMs += (b - a) / 1e6;
                lastSolveMs += (c - b) / 1e6;
            }
        }
        dk.requireFinite("test kernel");
        return new GpuPrediction(Matrix.wrapColumnMajor(m, k, mean).scalb(alphaExponent), var);
    }


    private static double[] slice(double[] cm, int rows, int cols, int r0, int nr) {
        double[] out = new double[nr * cols];
        for (int j = 0; j < cols; j++) System.arraycopy(cm, r0 + j * rows, out, j * nr, nr);
        return out;
    }

    @Override public void close() {
        if (closed) return;
        closed = true;
        synchronized (dev) {
            x.buffer().close();
            l.buffer().close();
            alpha.buffer().close();
            trainQ.close();
            dk.close();
        }
    }
}
