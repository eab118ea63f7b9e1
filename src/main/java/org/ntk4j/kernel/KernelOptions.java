package org.ntk4j.kernel;

import org.ntk4j.linalg.DType;

/**
 * Options of a kernel computation.
 *
 * @param computeNtk whether to compute the NTK (false: NNGP only, skipping the NTK work)
 * @param dtype      precision of the stored result (float64 default)
 * @param tileSize   tile edge for the fused recursion (0 = automatic)
 * @param threads    worker threads (0 = all available processors)
 * @param progress   progress callback
 */
public record KernelOptions(boolean computeNtk, DType dtype, int tileSize, int threads, ProgressListener progress) {
    public KernelOptions {
        if (dtype == null) throw new IllegalArgumentException("dtype is null");
        if (tileSize < 0) throw new IllegalArgumentException("tileSize must be >= 0 (0 = automatic), got " + tileSize);
        if (threads < 0) throw new IllegalArgumentException("threads must be >= 0 (0 = all processors), got " + threads);
        if (progress == null) progress = ProgressListener.NONE;
    }

    /** NNGP and NTK, float64, automatic tiling, all processors. */
    public static KernelOptions defaults() { return new KernelOptions(true, DType.FLOAT64, 0, 0, ProgressListener.NONE); }

    public KernelOptions withComputeNtk(boolean v) { return new KernelOptions(v, dtype, tileSize, threads, progress); }
    public KernelOptions withDtype(DType v) { return new KernelOptions(computeNtk, v, tileSize, threads, progress); }
    public KernelOptions withTileSize(int v) { return new KernelOptions(computeNtk, dtype, v, threads, progress); }
    public KernelOptions withThreads(int v) { return new KernelOptions(computeNtk, dtype, tileSize, v, progress); }
    public KernelOptions withProgress(ProgressListener v) { return new KernelOptions(computeNtk, dtype, tileSize, threads, v); }
}
