package org.ntk4j.gpu;

import java.util.Locale;
import org.ntk4j.arch.Architecture;
import org.ntk4j.error.InsufficientMemoryException;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.kernel.KernelInputs;
import org.ntk4j.kernel.KernelKind;
import org.ntk4j.kernel.KernelOptions;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.kernel.NativeKernels;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.linalg.NativeMatrix;
import org.ntk4j.linalg.Rows;
import org.ntk4j.operator.KernelOperator;

/**
 * The n×n training kernel of one kind (the NNGP or the NTK: the one a posterior inverts) resident in
 * GPU memory, in float64, as a {@link KernelOperator}. {@link #compute} builds it on the device
 * (Gram GEMM and the fused recursion, lower triangle) and it never passes through the host; the
 * exact GPU posterior then factors it in place ({@link #take}), as the CPU's exact solver does with
 * {@link org.ntk4j.operator.DenseKernelOperator#take}.
 *
 * <p>Where each operation runs:
 * <ul>
 *   <li>on the device: {@link #size}, {@link #has}, {@link #diagonal}, {@link #times} (V uploaded, one
 *       GEMM, the product downloaded) and {@link #columns} (downloaded); the upper triangle is
 *       mirrored from the lower one on the first call that reads it;</li>
 *   <li>on the host's copy of the training inputs, through {@link GpuKernelEngine#compute} (which
 *       itself runs on the GPU and returns heap matrices): {@link #block}, {@link #at},
 *       {@link #against}, {@link #among}; these give the NNGP and, for an NTK operator, the NTK.
 *       Their entries equal the resident matrix's to rounding, not bit for bit (a block is computed
 *       as a kernel between two sets, without the diagonal pinning of x with itself);</li>
 *   <li>on the host alone: {@link #priorVariances}, the per-example recursion the device kernels are
 *       fed with.</li>
 * </ul>
 * Unlike the interface's default, only the kind given to {@link #compute} is held. Not thread-safe;
 * every call holds the device's monitor for its duration. Close it to free the device memory.
 */
public final class GpuTrainKernel implements KernelOperator {
    private static final DType F64 = DType.FLOAT64;

    private final CudaDevice dev;
    private final DeviceKernels dk;
    private final Architecture arch;
    private final Matrix xTrain;
    private final GpuProgram.Rows trainRows;
    private final KernelKind kind;
    private final DeviceMatrix x;
    private final DeviceBuffer trainQ;
    private final long buildNanos;
    private DeviceMatrix matrix; // null once taken or closed
    private boolean mirrored; // whether the upper triangle holds the lower one's transpose
    private boolean closed;

    private GpuTrainKernel(
            CudaDevice dev,
            DeviceKernels dk,
            Architecture arch,
            Matrix xTrain,
            GpuProgram.Rows trainRows,
            KernelKind kind,
            DeviceMatrix x,
            DeviceBuffer trainQ,
            DeviceMatrix matrix,
            long buildNanos) {
        this.dev = dev;
        this.dk = dk;
        this.arch = arch;
        this.xTrain = xTrain;
        this.trainRows = trainRows;
        this.kind = kind;
        this.x = x;
        this.trainQ = trainQ;
        this.matrix = matrix;
        this.buildNanos = buildNanos;
    }

    /**
     * The {@code kind} kernel of {@code arch} on {@code xTrain}, built on the GPU.
     *
     * @throws InvalidInputException          when the GPU has no kernel for an activation of {@code arch},
     *                                        or {@code xTrain} is empty or not finite
     * @throws InsufficientMemoryException    when the n×n matrix does not fit in free device memory
     * @throws org.ntk4j.error.DeviceUnavailableException when no GPU is usable
     * @throws GpuException                   when a CUDA call fails
     */
    public static GpuTrainKernel compute(Architecture arch, Matrix xTrain, KernelKind kind) {
        checkArguments(arch, xTrain, kind);
        int n = xTrain.rows(), d = xTrain.cols();
        GpuProgram prog = GpuProgram.compile(arch, d);
        GpuProgram.Rows rows = prog.rows(xTrain.rowMeanSquares(), "xTrain", false);
        CudaDevice dev = GpuRuntime.device();
        synchronized (dev) {
            dev.bind();
            dev.releaseScratch();
            long need = (long) n * n * 8 + (long) n * (d + prog.ops.size()) * 8 + GpuKernelEngine.RESERVE;
            long free = dev.freeMemory();
            if (need > free)
                throw new InsufficientMemoryException(
                        String.format(Locale.ROOT, "the %dx%d train kernel on the GPU (float64)", n, n), need, free);
            return build(dev, prog, arch, xTrain, rows, kind);
        }
    }

    private static void checkArguments(Architecture arch, Matrix xTrain, KernelKind kind) {
        if (arch == null) throw new InvalidInputException("arch", "is required");
        if (kind == null) throw new InvalidInputException("kind", "is required (NNGP or NTK)");
        if (xTrain == null || xTrain.rows() == 0 || xTrain.cols() == 0)
            throw new InvalidInputException("xTrain", "is empty or missing; need at least one row and one column");
        KernelInputs.checkFinite("xTrain", xTrain);
        KernelInputs.checkNotUnderflowing("xTrain", xTrain);
        String why = GpuProgram.unsupportedReason(arch);
        if (why != null) throw new InvalidInputException("arch", why + "; compute on the CPU (Device.CPU)");
    }

    /** The device work of {@link #compute} (the caller holds the monitor): inputs up, kernel built, checked. */
    private static GpuTrainKernel build(
            CudaDevice dev, GpuProgram prog, Architecture arch, Matrix xTrain, GpuProgram.Rows rows, KernelKind kind) {
        int n = xTrain.rows(), d = xTrain.cols();
        long t0 = System.nanoTime();
        DeviceKernels dk = new DeviceKernels(dev, prog, F64);
        DeviceBuffer bx = null, bq = null, bm = null;
        try {
            bx = dk.upload(xTrain.toColumnMajor(), "xTrain");
            bq = dk.upload(GpuProgram.flatten(rows.pre(), n), "xTrain variances");
            bm = dev.alloc((long) n * n * 8, "the train kernel");
            DeviceMatrix xd = DeviceMatrix.of(bx, n, d, F64), m = DeviceMatrix.of(bm, n, n, F64);
            boolean ntk = kind == KernelKind.NTK;
            dk.block(xd, 0, n, xd, 0, n, bq, n, bq, n, m, ntk ? null : m, ntk ? m : null, true, true);
            dev.sync();
            dk.requireFinite("train kernel");
            return new GpuTrainKernel(dev, dk, arch, xTrain, rows, kind, xd, bq, m, System.nanoTime() - t0);
        } catch (RuntimeException e) {
            for (DeviceBuffer b : new DeviceBuffer[] {bx, bq, bm}) if (b != null) b.close();
            dk.close();
            throw e;
        }
    }

    /** Which kernel this operator holds. */
    public KernelKind kind() {
        return kind;
    }

    /** Wall-clock time of building the kernel on the device (uploads, Gram, recursion), in nanoseconds. */
    public long buildNanos() {
        return buildNanos;
    }

    @Override
    public int size() {
        return x.rows();
    }

    @Override
    public boolean has(KernelKind k) {
        return k == kind && matrix != null;
    }

    /** The diagonal, gathered on the device (a strided view transposed into a vector) and downloaded. */
    @Override
    public double[] diagonal(KernelKind k) {
        synchronized (dev) {
            DeviceMatrix m = held(k);
            int n = size();
            DeviceMatrix diagonal =
                    new DeviceMatrix(m.buffer(), m.offset(), 1, n, m.ld() + 1, F64); // 1×n: entry j is (j, j)
            DeviceMatrix column =
                    GpuKernelEngine.transpose(dev, diagonal, dev.scratch("kernel diagonal", (long) n * 8), false);
            return dev.transfers().downloadAsDouble(column.buffer(), 0, n, false);
        }
    }

    /** M·V by one GEMM on the device. */
    @Override
    public NativeMatrix times(KernelKind k, NativeMatrix v) {
        int n = size(), c = v.cols();
        if (v.rows() != n)
            throw new InvalidInputException("v", "has " + v.rows() + " rows but the kernel is " + n + "x" + n);
        synchronized (dev) {
            DeviceMatrix m = full(k);
            try (DeviceBuffer bv = dev.alloc((long) n * c * 8, "kernel operand V");
                    DeviceBuffer br = dev.alloc((long) n * c * 8, "kernel product")) {
                dev.transfers().upload(v.toColumnMajorArray(), false, bv, 0);
                DeviceMatrix vd = DeviceMatrix.of(bv, n, c, F64), rd = DeviceMatrix.of(br, n, c, F64);
                GpuBlas.gemm(dev, false, false, n, c, n, 1.0, m, vd, 0.0, rd, false);
                return toNative(dev.transfers().downloadAsDouble(br, 0, n * c, false), n, c, kind.label() + " V");
            }
        }
    }

    /** The columns, downloaded one by one (each contiguous in the column-major matrix). */
    @Override
    public NativeMatrix columns(KernelKind k, int[] idx) {
        int n = size();
        NativeMatrix out = NativeMatrix.allocate(n, idx.length, "kernel columns");
        try {
            synchronized (dev) {
                DeviceMatrix m = full(k);
                for (int q = 0; q < idx.length; q++) {
                    if (idx[q] < 0 || idx[q] >= n) throw new IndexOutOfBoundsException("column " + idx[q] + " of " + n);
                    out.putRun(
                            (long) q * n,
                            dev.transfers().downloadAsDouble(m.buffer(), m.byteOffset(0, idx[q]), n, false),
                            0,
                            n);
                }
            }
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    @Override
    public Kernels block(int r0, int r1, int[] cols) {
        double[] cm = xTrain.toColumnMajor();
        int n = size(), d = xTrain.cols();
        return GpuKernelEngine.compute(
                arch, Rows.select(cm, n, d, r0, r1), Rows.select(cm, n, d, cols), options(kind == KernelKind.NTK));
    }

    @Override
    public Kernels block(int r0, int r1, Matrix points) {
        return GpuKernelEngine.compute(
                arch,
                Rows.select(xTrain.toColumnMajor(), size(), xTrain.cols(), r0, r1),
                points,
                options(kind == KernelKind.NTK));
    }

    @Override
    public Kernels at(Matrix points, Matrix others) {
        return GpuKernelEngine.compute(arch, points, others, options(kind == KernelKind.NTK));
    }

    @Override
    public Kernels at(Matrix points, int[] cols) {
        return GpuKernelEngine.compute(
                arch,
                points,
                Rows.select(xTrain.toColumnMajor(), size(), xTrain.cols(), cols),
                options(kind == KernelKind.NTK));
    }

    @Override
    public NativeKernels against(Matrix points) {
        return new GpuKernelBackend().computeOffHeap(arch, xTrain, points, options(kind == KernelKind.NTK), true);
    }

    @Override
    public Kernels among(Matrix points, boolean ntk) {
        return GpuKernelEngine.compute(arch, points, null, options(ntk));
    }

    /** The host recursion's K(z, z) or Θ(z, z): what the device kernels are fed with and pin their diagonals to. */
    @Override
    public double[] priorVariances(Matrix points, KernelKind k) {
        GpuProgram.Rows r =
                GpuProgram.compile(arch, points.cols()).rows(points.rowMeanSquares(), "points", k == KernelKind.NTK);
        return k == KernelKind.NTK ? r.diagNtk() : r.cov();
    }

    private static KernelOptions options(boolean ntk) {
        return KernelOptions.defaults().withComputeNtk(ntk);
    }

    /** The training points' NNGP variances K(x, x), from the host recursion. */
    double[] trainVariances() {
        return trainRows.cov();
    }

    /**
     * The kernels of the training points (rows) against the test points {@code xt} (columns) into
     * {@code out} (n×|xt|) on the device; {@code qt}: the test points' pre-activation variances per op
     * ({@link GpuProgram#flatten}). The caller holds the monitor and synchronizes.
     */
    void kernelAgainst(DeviceMatrix xt, DeviceBuffer qt, DeviceMatrix out) {
        int n = size(), m = xt.rows();
        boolean ntk = kind == KernelKind.NTK;
        dk.block(x, 0, n, xt, 0, m, trainQ, n, qt, m, out, ntk ? null : out, ntk ? out : null, false, false);
    }

    /** The compiled program the device kernels run. */
    GpuProgram program() {
        return dk.prog;
    }

    /** The device this kernel lives on. */
    CudaDevice device() {
        return dev;
    }

    /** Throws when an entry computed since {@link #compute} (train or test kernels) is not finite. */
    void requireFinite(String what) {
        dk.requireFinite(what);
    }

    /**
     * The n×n device matrix handed over to the caller, to be factored in place: afterwards this
     * operator no longer holds it (its test-side kernels stay usable), and the caller closes it.
     * Only the lower triangle is meaningful unless it was mirrored by a call that read the upper one.
     */
    DeviceMatrix take() {
        DeviceMatrix m = held(kind);
        matrix = null;
        return m;
    }

    private DeviceMatrix held(KernelKind k) {
        if (closed) throw new IllegalStateException("the GPU train kernel was closed");
        if (k != kind)
            throw new IllegalStateException(
                    "the GPU train kernel holds the " + kind.label() + " only, not the " + k.label());
        if (matrix == null) throw new IllegalStateException("the GPU train kernel was handed over to be factored");
        return matrix;
    }

    /** The matrix with its upper triangle filled (mirrored once, on the device). */
    private DeviceMatrix full(KernelKind k) {
        DeviceMatrix m = held(k);
        if (!mirrored) {
            dev.bind();
            GpuKernelEngine.symmetrize(dev, m, false);
            mirrored = true;
        }
        return m;
    }

    private static NativeMatrix toNative(double[] cm, int rows, int cols, String what) {
        NativeMatrix r = NativeMatrix.allocate(rows, cols, what);
        r.putRun(0, cm, 0, cm.length);
        return r;
    }

    /** Frees the device memory still held; idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        synchronized (dev) {
            if (matrix != null) matrix.buffer().close();
            matrix = null;
            x.buffer().close();
            trainQ.close();
            dk.close();
        }
    }
}
