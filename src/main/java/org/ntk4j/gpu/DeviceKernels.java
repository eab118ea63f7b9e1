package org.ntk4j.gpu;

import org.ntk4j.error.NonFiniteResultException;
import org.ntk4j.linalg.DType;

/**
 * Device-side kernel construction shared by {@link GpuKernelEngine} and {@link GpuTrainKernel}:
 * the program's constants on the device, and Gram GEMM + fused recursion on one output block.
 * Callers hold the device monitor.
 */
final class DeviceKernels implements AutoCloseable {
    final CudaDevice dev;
    final GpuProgram prog;
    final DType dtype;
    final DeviceBuffer ops, params, nonfinite;

    DeviceKernels(CudaDevice dev, GpuProgram prog, DType dtype) {
        this.dev = dev;
        this.prog = prog;
        this.dtype = dtype;
        boolean f32 = dtype == DType.FLOAT32;
        int s = f32 ? 4 : 8;
        ops = dev.alloc((long) prog.opArray.length * s, "recursion ops");
        params = dev.alloc((long) prog.params.length * s, "activation constants");
        nonfinite = dev.alloc(4, "non-finite counter");
        dev.transfers().upload(prog.opArray, f32, ops, 0);
        dev.transfers().upload(prog.params, f32, params, 0);
        dev.zero(nonfinite, 4);
    }

    boolean f32() {
        return dtype == DType.FLOAT32;
    }

    /** Uploads a host double array to a new device buffer in this dtype. */
    DeviceBuffer upload(double[] host, String what) {
        DeviceBuffer b = dev.alloc((long) Math.max(1, host.length) * DeviceMatrix.size(dtype), what);
        dev.transfers().upload(host, f32(), b, 0);
        return b;
    }

    /**
     * out(rows×cols) ← kernel of x1 rows [r0, r0+rows) against x2 rows [c0, c0+cols): the Gram GEMM
     * into {@code work}, then every layer in one pass. {@code outK}/{@code outT} receive the NNGP and
     * NTK (either may be null; either may be {@code work} itself; both share work's ld).
     * q1s/q2s hold the pre-activation variances per op (leading dimensions ldq1/ldq2, global row
     * indices). symmetric: x2 is x1 (diagonal pinned); lowerOnly: skip entries above the global diagonal.
     */
    void block(
            DeviceMatrix x1,
            int r0,
            int rows,
            DeviceMatrix x2,
            int c0,
            int cols,
            DeviceBuffer q1s,
            long ldq1,
            DeviceBuffer q2s,
            long ldq2,
            DeviceMatrix work,
            DeviceMatrix outK,
            DeviceMatrix outT,
            boolean symmetric,
            boolean lowerOnly) {
        int d = x1.cols();
        boolean lowerGemm = lowerOnly && r0 == c0;
        GpuBlas.gemm(
                dev,
                false,
                true,
                rows,
                cols,
                d,
                1.0,
                x1.sub(r0, 0, rows, d),
                x2.sub(c0, 0, cols, d),
                0.0,
                work,
                lowerGemm);
        recursion(work, outK, outT, rows, cols, r0, c0, q1s, ldq1, q2s, ldq2, d, symmetric, lowerOnly);
    }

    /** The fused recursion on dot products already in {@code in} (see native/kernels.cu). */
    void recursion(
            DeviceMatrix in,
            DeviceMatrix outK,
            DeviceMatrix outT,
            int rows,
            int cols,
            int r0,
            int c0,
            DeviceBuffer q1s,
            long ldq1,
            DeviceBuffer q2s,
            long ldq2,
            int d,
            boolean symmetric,
            boolean lowerOnly) {
        String fn = f32() ? "ntk_recursion_f32" : "ntk_recursion_f64";
        long ld = in.ld();
        if (outK != null && outK.ld() != ld || outT != null && outT.ld() != ld)
            throw new IllegalArgumentException("recursion: outputs must share the input's leading dimension");
        final int maxCols = 65535 * 8; // grid.y limit × columns per block
        for (int j0 = 0; j0 < cols; j0 += maxCols) {
            int cj = Math.min(maxCols, cols - j0);
            dev.launch(
                    fn,
                    (rows + 127) / 128,
                    (cj + 7) / 8,
                    128,
                    1,
                    rows,
                    cj,
                    in.sub(0, j0, rows, cj).arg(),
                    ld,
                    outK == null
                            ? DeviceMatrix.Arg.NULL
                            : outK.sub(0, j0, rows, cj).arg(),
                    outT == null
                            ? DeviceMatrix.Arg.NULL
                            : outT.sub(0, j0, rows, cj).arg(),
                    ld,
                    r0,
                    c0 + j0,
                    ops,
                    params,
                    prog.ops.size(),
                    q1s,
                    ldq1,
                    q2s,
                    ldq2,
                    f32() ? (Object) (float) d : (Object) (double) d,
                    symmetric ? 1 : 0,
                    lowerOnly ? 1 : 0,
                    nonfinite);
        }
    }

    /** Entries that came out NaN or infinite so far. */
    int nonFiniteCount() {
        return dev.readInt(nonfinite);
    }

    /**
     * Throws {@link NonFiniteResultException} (stage {@code what}) when any entry computed so far is
     * NaN or infinite, in the precision the kernel is stored in (so a float32 overflow counts).
     */
    void requireFinite(String what) {
        int bad = nonFiniteCount();
        if (bad > 0)
            throw new NonFiniteResultException(
                    what + " (GPU, " + (f32() ? "float32" : "float64") + ")",
                    bad
                            + " entries are NaN or infinite: the recursion overflows for these inputs; use smaller W_std/b_std, "
                            + "scale the inputs down" + (f32() ? ", or use float64" : ""));
    }

    @Override
    public void close() {
        ops.close();
        params.close();
        nonfinite.close();
    }
}
