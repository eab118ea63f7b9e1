package org.ntk4j.kernel;

import org.ntk4j.device.Device;
import org.ntk4j.linalg.DType;

/**
 * Options of a kernel computation.
 *
 * @param computeNtk whether to compute the NTK (false: NNGP only, skipping the NTK work)
 * @param dtype      precision of the stored result (float64 default)
 * @param tileSize   tile edge for the fused recursion (0 = automatic)
 * @param threads    worker threads (0 = all available processors)
 * @param progress   progress callback
 * @param device     where to compute: AUTO (GPU if usable, else CPU; default), CPU, or GPU (fail if unusable)
 */
public record KernelOptions(
        boolean computeNtk, DType dtype, int tileSize, int threads, ProgressListener progress, Device device) {
    public KernelOptions {
        if (dtype == null) throw new IllegalArgumentException("dtype is null");
        if (tileSize < 0) throw new IllegalArgumentException("tileSize must be >= 0 (0 = automatic), got " + tileSize);
        if (threads < 0)
            throw new IllegalArgumentException("threads must be >= 0 (0 = all processors), got " + threads);
        if (progress == null) progress = ProgressListener.NONE;
        if (device == null) device = Device.AUTO;
    }

    /** Options without a device choice (AUTO). */
    public KernelOptions(boolean computeNtk, DType dtype, int tileSize, int threads, ProgressListener progress) {
        this(computeNtk, dtype, tileSize, threads, progress, Device.AUTO);
    }

    /** NNGP and NTK, float64, automatic tiling, all processors, device AUTO. */
    public static KernelOptions defaults() {
        return new KernelOptions(true, DType.FLOAT64, 0, 0, ProgressListener.NONE, Device.AUTO);
    }

    public KernelOptions withComputeNtk(boolean v) {
        return new KernelOptions(v, dtype, tileSize, threads, progress, device);
    }

    public KernelOptions withDtype(DType v) {
        return new KernelOptions(computeNtk, v, tileSize, threads, progress, device);
    }

    public KernelOptions withTileSize(int v) {
        return new KernelOptions(computeNtk, dtype, v, threads, progress, device);
    }

    public KernelOptions withThreads(int v) {
        return new KernelOptions(computeNtk, dtype, tileSize, v, progress, device);
    }

    public KernelOptions withProgress(ProgressListener v) {
        return new KernelOptions(computeNtk, dtype, tileSize, threads, v, device);
    }

    public KernelOptions withDevice(Device v) {
        return new KernelOptions(computeNtk, dtype, tileSize, threads, progress, v);
    }
}
