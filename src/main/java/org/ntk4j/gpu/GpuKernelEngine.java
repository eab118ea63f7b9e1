package org.ntk4j.gpu;

import java.nio.ByteBuffer;
import java.util.Locale;
import org.ntk4j.arch.Architecture;
import org.ntk4j.error.InsufficientMemoryException;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.kernel.KernelInputs;
import org.ntk4j.kernel.KernelOptions;
import org.ntk4j.kernel.KernelProgress;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.kernel.ProgressListener;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.linalg.MemoryGuard;
import org.ntk4j.parallel.ParallelRegion;

/**
 * NNGP/NTK kernels on the GPU, with the semantics of {@code KernelFunction.compute} (same inputs,
 * outputs, conventions and errors). The n1×n2 result is computed in square tiles sized to the
 * device's free memory: Gram GEMM, then every layer in one fused pass, then a pinned-staged copy
 * into the Java arrays. With x2 = null only tiles on or below the diagonal are computed; the
 * others are their transposes (the result is exactly symmetric).
 *
 * <p>Precision: float64 arithmetic for {@link DType#FLOAT64}; for {@link DType#FLOAT32} the GEMM
 * and the recursion run in float32 on the device (unlike the CPU path, which rounds float64
 * results): expect ~1e-6 relative differences, more where the maps are ill-conditioned.
 * The variances (cov1/cov2) are always computed in float64 on the host.
 */
public final class GpuKernelEngine {
    /** Device memory kept free for the driver and other users. */
    static final long RESERVE = 512L << 20;

    private GpuKernelEngine() {}

    /** Whether the GPU can compute this architecture's kernels (null), or why not. */
    public static String unsupportedReason(Architecture arch) {
        return GpuProgram.unsupportedReason(arch);
    }

    /**
     * The kernels of {@code arch} on x1 and x2 (null: x2 = x1), computed on the GPU. The steps: check
     * the inputs → prepare on the host (program, per-example recursions) → upload → every tile (Gram,
     * recursion, copy into the Java arrays) → check the result.
     */
    public static Kernels compute(Architecture arch, Matrix x1, Matrix x2, KernelOptions options) {
        KernelOptions o = options == null ? KernelOptions.defaults() : options;
        checkInputs(arch, x1, x2);
        Job job = Job.of(arch, x1, x2, o);
        CudaDevice dev = GpuRuntime.device();
        synchronized (dev) {
            dev.bind();
            return job.run(dev, o.progress());
        }
    }

    private static void checkInputs(Architecture arch, Matrix x1, Matrix x2) {
        if (arch == null) throw new InvalidInputException("arch", "is null");
        KernelInputs.validate(x1, x2);
        String why = unsupportedReason(arch);
        if (why != null) throw new InvalidInputException("arch", why + "; compute on the CPU (Device.CPU)");
    }

    /**
     * One kernel computation as prepared on the host: the compiled program, the inputs column-major
     * and their per-example recursions (x2's are x1's when {@code sym}).
     */
    private record Job(
            GpuProgram prog,
            DType dtype,
            boolean ntk,
            boolean sym,
            int n1,
            int n2,
            int d,
            double[] x1cm,
            double[] x2cm,
            GpuProgram.Rows r1,
            GpuProgram.Rows r2) {
        static Job of(Architecture arch, Matrix x1, Matrix x2, KernelOptions o) {
            boolean sym = x2 == null, ntk = o.computeNtk(), f32 = o.dtype() == DType.FLOAT32;
            int n1 = x1.rows(), n2 = sym ? n1 : x2.rows(), d = x1.cols();
            GpuProgram prog = GpuProgram.compile(arch, d);
            double[] x1cm = x1.toColumnMajor(), x2cm = sym ? x1cm : x2.toColumnMajor();
            GpuProgram.Rows r1 = prog.rows(x1.rowMeanSquares(), "x1", false);
            GpuProgram.Rows r2 = sym ? r1 : prog.rows(x2.rowMeanSquares(), "x2", false);
            MemoryGuard.requireHeap(
                    String.format(Locale.ROOT, "the %dx%d kernel (%s)", n1, n2, f32 ? "float32" : "float64"),
                    (long) n1 * n2 * (f32 ? 4 : 8) * (ntk ? 2 : 1));
            return new Job(prog, o.dtype(), ntk, sym, n1, n2, d, x1cm, x2cm, r1, r2);
        }

        boolean f32() {
            return dtype == DType.FLOAT32;
        }

        /** Uploads the inputs and computes every tile into heap matrices; the caller holds the monitor. */
        Kernels run(CudaDevice dev, ProgressListener listener) {
            try (DeviceKernels dk = new DeviceKernels(dev, prog, dtype);
                    DeviceBuffer bx1 = dk.upload(x1cm, "x1");
                    DeviceBuffer bx2 = sym ? null : dk.upload(x2cm, "x2");
                    DeviceBuffer q1 = dk.upload(GpuProgram.flatten(r1.pre(), n1), "x1 variances");
                    DeviceBuffer q2 = sym ? null : dk.upload(GpuProgram.flatten(r2.pre(), n2), "x2 variances")) {
                DeviceMatrix mx1 = DeviceMatrix.of(bx1, n1, d, dtype);
                DeviceMatrix mx2 = sym ? mx1 : DeviceMatrix.of(bx2, n2, d, dtype);
                Tiles tiles = new Tiles(dev, dk, this, mx1, mx2, q1, sym ? q1 : q2);
                tiles.all(listener);
                dk.requireFinite("kernel");
                return new Kernels(
                        tiles.outK.matrix(), ntk ? tiles.outT.matrix() : null, r1.cov(), sym ? null : r2.cov());
            }
        }
    }

    /**
     * The tile loop of one computation on the device: square tiles sized to free memory, each a
     * Gram GEMM and one fused recursion pass, copied into the host arrays. With x2 = x1 only tiles on
     * or below the diagonal are computed; a diagonal tile is symmetrized, the others are also stored
     * transposed.
     */
    private static final class Tiles {
        final CudaDevice dev;
        final DeviceKernels dk;
        final Job job;
        final DeviceMatrix mx1, mx2;
        final DeviceBuffer q1, q2;
        final Out outK, outT;
        DeviceBuffer wk, wt, tk, tt; // the tile, its NTK, and their transposes (x2 = x1 only)

        Tiles(
                CudaDevice dev,
                DeviceKernels dk,
                Job job,
                DeviceMatrix mx1,
                DeviceMatrix mx2,
                DeviceBuffer q1,
                DeviceBuffer q2) {
            this.dev = dev;
            this.dk = dk;
            this.job = job;
            this.mx1 = mx1;
            this.mx2 = mx2;
            this.q1 = q1;
            this.q2 = q2;
            outK = new Out(job.n1, job.n2, job.f32());
            outT = job.ntk ? new Out(job.n1, job.n2, job.f32()) : null;
        }

        void all(ProgressListener listener) {
            int n1 = job.n1, n2 = job.n2, tile = buffers();
            long total = 0;
            for (int c0 = 0; c0 < n2; c0 += tile) for (int r0 = job.sym ? c0 : 0; r0 < n1; r0 += tile) total++;
            KernelProgress progress = new KernelProgress(listener, n1, n2, total);
            for (int c0 = 0; c0 < n2; c0 += tile) {
                for (int r0 = job.sym ? c0 : 0; r0 < n1; r0 += tile) {
                    ParallelRegion.checkInterrupted(
                            "the kernel computation"); // as the CPU engine: within about one block
                    tile(r0, c0, Math.min(tile, n1 - r0), Math.min(tile, n2 - c0));
                    progress.unitDone();
                }
            }
        }

        /** The tile size, with its scratch buffers (after the uploads: the size depends on what is left). */
        private int buffers() {
            int s = job.f32() ? 4 : 8, tile = tileSize(dev, job.n1, job.n2, s, job.ntk, job.sym);
            long tileBytes = (long) tile * tile * s;
            wk = dev.scratch("kernel tile K", tileBytes);
            wt = job.ntk ? dev.scratch("kernel tile NTK", tileBytes) : null;
            tk = job.sym ? dev.scratch("kernel tile K^T", tileBytes) : null;
            tt = job.sym && job.ntk ? dev.scratch("kernel tile NTK^T", tileBytes) : null;
            return tile;
        }

        /** Rows [r0, r0 + rows) × columns [c0, c0 + cols) of the kernels (and, x2 = x1, their mirror). */
        private void tile(int r0, int c0, int rows, int cols) {
            boolean f32 = job.f32(), sym = job.sym;
            DeviceMatrix k = DeviceMatrix.of(wk, rows, cols, job.dtype);
            DeviceMatrix t = job.ntk ? DeviceMatrix.of(wt, rows, cols, job.dtype) : null;
            dk.block(mx1, r0, rows, mx2, c0, cols, q1, job.n1, q2, job.n2, k, k, t, sym, false);
            if (sym && r0 == c0) {
                symmetrize(dev, k, f32);
                if (t != null) symmetrize(dev, t, f32);
            }
            outK.fetch(dev, k, r0, c0);
            if (t != null) outT.fetch(dev, t, r0, c0);
            if (sym && r0 != c0) {
                outK.fetch(dev, transpose(dev, k, tk, f32), c0, r0);
                if (t != null) outT.fetch(dev, transpose(dev, t, tt, f32), c0, r0);
            }
        }
    }

    /**
     * The NNGP (and NTK) of x with itself, left on the device as full symmetric n×n matrices (for
     * callers that keep working on the device, and for benchmarks). Close the result to free it.
     */
    public static OnDevice computeOnDevice(Architecture arch, Matrix x, boolean ntk, DType dtype) {
        KernelInputs.validate(x, null);
        String why = unsupportedReason(arch);
        if (why != null) throw new InvalidInputException("arch", why);
        int n = x.rows(), d = x.cols(), s = DeviceMatrix.size(dtype);
        GpuProgram prog = GpuProgram.compile(arch, d);
        double[] xcm = x.toColumnMajor();
        GpuProgram.Rows rows = prog.rows(x.rowMeanSquares(), "x1", false);
        CudaDevice dev = GpuRuntime.device();
        synchronized (dev) {
            dev.bind();
            dev.releaseScratch();
            long need = (long) n * n * s * (ntk ? 2 : 1);
            long free = dev.freeMemory() - RESERVE;
            if (need > free)
                throw new InsufficientMemoryException("the " + n + "x" + n + " kernels on the GPU", need, free);
            try (DeviceKernels dk = new DeviceKernels(dev, prog, dtype);
                    DeviceBuffer bx = dk.upload(xcm, "x1");
                    DeviceBuffer bq = dk.upload(GpuProgram.flatten(rows.pre(), n), "x1 variances")) {
                DeviceBuffer bk = dev.alloc((long) n * n * s, "NNGP"), bt = null;
                try {
                    bt = ntk ? dev.alloc((long) n * n * s, "NTK") : null;
                    DeviceMatrix mx = DeviceMatrix.of(bx, n, d, dtype), k = DeviceMatrix.of(bk, n, n, dtype);
                    DeviceMatrix t = ntk ? DeviceMatrix.of(bt, n, n, dtype) : null;
                    dev.sync();
                    long c0 = System.nanoTime();
                    dk.block(mx, 0, n, mx, 0, n, bq, n, bq, n, k, k, t, true, true);
                    symmetrize(dev, k, dtype == DType.FLOAT32);
                    if (t != null) symmetrize(dev, t, dtype == DType.FLOAT32);
                    dev.sync();
                    double computeMs = (System.nanoTime() - c0) / 1e6;
                    dk.requireFinite("kernel");
                    return new OnDevice(k, t, rows.cov(), computeMs);
                } catch (RuntimeException e) {
                    bk.close();
                    if (bt != null) bt.close();
                    throw e;
                }
            }
        }
    }

    /**
     * Kernels resident on the device; {@link #close()} frees them. {@code computeMillis}: wall time of
     * the device work alone (Gram, recursion, mirror), after x was uploaded and the outputs allocated.
     */
    public record OnDevice(DeviceMatrix nngp, DeviceMatrix ntk, double[] cov, double computeMillis)
            implements AutoCloseable {
        @Override
        public void close() {
            nngp.buffer().close();
            if (ntk != null) ntk.buffer().close();
        }
    }

    /** Largest square tile (multiple of 128, at most the problem) whose buffers fit in free memory. */
    static int tileSize(CudaDevice dev, int n1, int n2, int s, boolean ntk, boolean sym) {
        int bufs = (ntk ? 2 : 1) * (sym ? 2 : 1);
        int want = Integer.getInteger("ntk4j.gpu.tile", 0);
        int maxDim = Math.max(n1, n2);
        dev.releaseScratch();
        long free = dev.freeMemory() - RESERVE;
        long fit = (long) Math.floor(Math.sqrt(Math.max(0, free) / (double) (bufs * (long) s)));
        int t = (int) Math.min(Math.min(fit, 16384), maxDim);
        if (want > 0) t = Math.min(t, want);
        if (t < maxDim) t = Math.max(128, t / 128 * 128);
        if ((long) t * t * s * bufs > free)
            throw new InsufficientMemoryException(
                    "GPU tiles for the kernel (even 128x128 does not fit)", (long) t * t * s * bufs, free);
        return t;
    }

    static void symmetrize(CudaDevice dev, DeviceMatrix m, boolean f32) {
        int n = m.rows();
        dev.launch(
                f32 ? "ntk_symmetrize_lower_f32" : "ntk_symmetrize_lower_f64",
                (n + 31) / 32,
                (n + 31) / 32,
                32,
                8,
                m.arg(),
                m.ld(),
                n);
    }

    static DeviceMatrix transpose(CudaDevice dev, DeviceMatrix m, DeviceBuffer into, boolean f32) {
        DeviceMatrix t = DeviceMatrix.of(into, m.cols(), m.rows(), m.dtype());
        dev.launch(
                f32 ? "ntk_transpose_f32" : "ntk_transpose_f64",
                (m.rows() + 31) / 32,
                (m.cols() + 31) / 32,
                32,
                8,
                m.arg(),
                m.ld(),
                t.arg(),
                t.ld(),
                m.rows(),
                m.cols());
        return t;
    }

    /** A host output array, filled tile by tile through the pinned staging buffers. */
    private static final class Out {
        final int n1, n2;
        final double[] f64;
        final float[] f32;

        Out(int n1, int n2, boolean single) {
            this.n1 = n1;
            this.n2 = n2;
            f64 = single ? null : new double[n1 * n2];
            f32 = single ? new float[n1 * n2] : null;
        }

        /** Copies the device block m (ld = rows) to rows [r0, r0+rows) × columns [c0, c0+cols). */
        void fetch(CudaDevice dev, DeviceMatrix m, int r0, int c0) {
            int rows = m.rows();
            if (m.ld() != rows) throw new IllegalArgumentException("fetch: block must be contiguous");
            int elem = f64 != null ? 8 : 4;
            dev.transfers()
                    .download(
                            m.buffer(),
                            m.byteOffset(0, 0),
                            (long) rows * m.cols(),
                            elem,
                            rows,
                            (ByteBuffer bb, long first, int n) -> {
                                int col0 = (int) (first / rows), ncols = n / rows;
                                for (int j = 0; j < ncols; j++) {
                                    int dst = r0 + (c0 + col0 + j) * n1;
                                    if (f64 != null) bb.asDoubleBuffer().get(j * rows, f64, dst, rows);
                                    else bb.asFloatBuffer().get(j * rows, f32, dst, rows);
                                }
                            });
        }

        Matrix matrix() {
            return f64 != null ? Matrix.wrapColumnMajor(n1, n2, f64) : Matrix.wrapColumnMajor(n1, n2, f32);
        }
    }
}
