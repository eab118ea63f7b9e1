package org.ntk4j.gpu;

import java.util.Locale;

/**
 * What the GPU probe found. When {@link #usable()} is false, {@link #reason()} says why in one
 * line (no driver, no device, compute capability too old, no fatbin in this build, ...).
 *
 * @param usable           whether ntk4j's GPU path can run
 * @param reason           why not (empty when usable)
 * @param name             device name, e.g. "NVIDIA H100 80GB HBM3" (empty when none)
 * @param ccMajor          compute capability major (0 when none)
 * @param ccMinor          compute capability minor
 * @param multiprocessors  streaming multiprocessors
 * @param totalMemory      device memory in bytes
 * @param freeMemory       free device memory in bytes at probe time
 * @param driverVersion    CUDA driver API version, e.g. 13000 for 13.0 (0 when no driver)
 * @param fatbin           the nvcc that built the kernels (e.g. "nvcc 13.0 (V13.0.88)"), or "none" when the build had no nvcc
 */
public record GpuInfo(
        boolean usable,
        String reason,
        String name,
        int ccMajor,
        int ccMinor,
        int multiprocessors,
        long totalMemory,
        long freeMemory,
        int driverVersion,
        String fatbin) {

    /** A probe result for "not usable". */
    static GpuInfo unusable(String reason, int driverVersion, String fatbin) {
        return new GpuInfo(false, reason, "", 0, 0, 0, 0, 0, driverVersion, fatbin);
    }

    /** One line for logs: the {@link #device}, the {@link #driver} and the {@link #kernels}. */
    public String describe() {
        return "GPU: " + device() + "; CUDA driver " + driver() + "; " + kernels();
    }

    /** The CUDA driver API version as "13.0", or "none". */
    public String driver() {
        return driverVersion == 0 ? "none" : (driverVersion / 1000) + "." + (driverVersion % 1000 / 10);
    }

    /** The device, e.g. "NVIDIA H100 80GB HBM3 (compute 9.0, 132 SMs, 79.1 GiB, 78.5 GiB free)", or why none is used. */
    public String device() {
        if (!usable) return "not used (" + reason + ")";
        return String.format(
                Locale.ROOT,
                "%s (compute %d.%d, %d SMs, %.1f GiB, %.1f GiB free)",
                name,
                ccMajor,
                ccMinor,
                multiprocessors,
                totalMemory / 1073741824.0,
                freeMemory / 1073741824.0);
    }

    /** How the packaged CUDA kernels were built: "kernels built with nvcc 13.0 (V13.0.88)", or "no CUDA kernels in this build". */
    public String kernels() {
        return "none".equals(fatbin) ? "no CUDA kernels in this build" : "kernels built with " + fatbin;
    }
}
