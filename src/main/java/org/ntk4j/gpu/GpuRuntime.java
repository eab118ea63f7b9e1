package org.ntk4j.gpu;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import jcuda.driver.JCudaDriver;
import org.ntk4j.error.DeviceUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds out once per JVM whether ntk4j's GPU path can run, and holds the opened device.
 *
 * <p>The probe checks that an NVIDIA driver's device node exists, loads JCuda's driver binding, initializes CUDA, opens device 0 (or
 * {@code -Dntk4j.gpu.device=N}) and loads the kernels. Anything that goes wrong, including
 * {@code UnsatisfiedLinkError} (no {@code libcuda.so.1}) and the {@code NoClassDefFoundError}s that
 * follow it, is caught once, logged in one line and cached: later calls answer from the cache and
 * never touch JCuda again, so a machine without a GPU never crashes here.
 * {@code -Dntk4j.gpu.disable=true} turns the GPU off without probing.
 */
public final class GpuRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(GpuRuntime.class);
    private static GpuInfo info;
    private static CudaDevice device;

    /** Device nodes of which one exists wherever CUDA can run: the NVIDIA driver's (Linux), WSL2's. */
    private static final String[] DRIVER_NODES = {"/dev/nvidiactl", "/dev/dxg"};

    private GpuRuntime() {}

    /** The probe result (probing on the first call). Never throws. */
    public static synchronized GpuInfo probe() {
        if (info == null) {
            info = doProbe();
            LOG.info(info.describe());
        }
        return info;
    }

    /** Whether the GPU path can run. */
    public static boolean usable() {
        return probe().usable();
    }

    /** The opened device; {@link DeviceUnavailableException} with the probe's reason if there is none. */
    public static synchronized CudaDevice device() {
        GpuInfo i = probe();
        if (!i.usable())
            throw new DeviceUnavailableException(
                    "the GPU was requested but cannot be used: " + i.reason() + " (use Device.CPU)");
        return device;
    }

    /** The nvcc release that built the packaged kernels ({@link #nvccRelease}), or "none". */
    static String fatbinVersion() {
        try (InputStream in = GpuRuntime.class.getResourceAsStream("/native/nvcc-version.txt")) {
            if (in == null) return CudaDevice.fatbin("gemm") == null ? "none" : "unknown nvcc";
            return nvccRelease(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return "unknown nvcc";
        }
    }

    private static final java.util.regex.Pattern RELEASE =
            java.util.regex.Pattern.compile("release (\\d+\\.\\d+), (V[0-9][0-9.]*)");
    private static final java.util.regex.Pattern BUILD_TAG = java.util.regex.Pattern.compile("cuda_(\\d+\\.\\d+)");

    /**
     * One line naming the nvcc from its {@code nvcc --version} banner: "nvcc 13.0 (V13.0.88)" from
     * "Cuda compilation tools, release 13.0, V13.0.88"; "nvcc 13.0" from the build tag alone
     * ("Build cuda_13.0.r13.0/compiler.36424714_0", what jars built before the whole banner was kept
     * hold); "unknown nvcc" otherwise.
     */
    static String nvccRelease(String banner) {
        java.util.regex.Matcher m = RELEASE.matcher(banner);
        if (m.find()) return "nvcc " + m.group(1) + " (" + m.group(2) + ")";
        m = BUILD_TAG.matcher(banner);
        return m.find() ? "nvcc " + m.group(1) : "unknown nvcc";
    }

    private static GpuInfo doProbe() {
        String fatbin = fatbinVersion();
        if (Boolean.getBoolean("ntk4j.gpu.disable"))
            return GpuInfo.unusable("disabled by -Dntk4j.gpu.disable=true", 0, fatbin);
        // why: CUDA needs the NVIDIA kernel driver's device node (WSL2: its GPU paravirtualization node);
        // without one cuInit must fail, and finding that out through JCuda (extracting and loading its
        // native library) costs ~0.05 s of every CPU-only run
        if (java.util.stream.Stream.of(DRIVER_NODES)
                .noneMatch(n -> java.nio.file.Files.exists(java.nio.file.Path.of(n))))
            return GpuInfo.unusable(
                    "no NVIDIA driver on this machine (neither " + String.join(" nor ", DRIVER_NODES) + " exists)",
                    0,
                    fatbin);
        int driver = 0;
        try {
            JCudaDriver.setExceptionsEnabled(false); // every call's result is checked explicitly
            int rc = JCudaDriver.cuInit(0);
            int[] v = new int[1];
            if (JCudaDriver.cuDriverGetVersion(v) == 0) driver = v[0];
            if (rc != 0)
                return GpuInfo.unusable(
                        "cuInit failed: " + CudaDevice.errorName(rc) + " (no usable NVIDIA driver or device)",
                        driver,
                        fatbin);
            int[] count = new int[1];
            CudaDevice.check(JCudaDriver.cuDeviceGetCount(count), "cuDeviceGetCount");
            if (count[0] == 0) return GpuInfo.unusable("no CUDA device found", driver, fatbin);
            int ordinal = Integer.getInteger("ntk4j.gpu.device", 0);
            if (ordinal < 0 || ordinal >= count[0])
                return GpuInfo.unusable(
                        "-Dntk4j.gpu.device=" + ordinal + " but only " + count[0] + " device(s) exist", driver, fatbin);
            if ("none".equals(fatbin))
                return GpuInfo.unusable(
                        "no fatbin in this build (nvcc was absent when the jar was built)", driver, fatbin);
            CudaDevice d = CudaDevice.open(ordinal);
            device = d;
            return new GpuInfo(
                    true,
                    "",
                    d.name,
                    d.ccMajor,
                    d.ccMinor,
                    d.multiprocessors,
                    d.totalMemory,
                    d.freeMemory(),
                    driver,
                    fatbin);
        } catch (DeviceUnavailableException e) {
            return GpuInfo.unusable(e.getMessage(), driver, fatbin);
        } catch (Throwable t) { // UnsatisfiedLinkError, NoClassDefFoundError, GpuException, ...
            String why = t instanceof UnsatisfiedLinkError
                            || t instanceof NoClassDefFoundError
                            || t instanceof ExceptionInInitializerError
                    ? "the CUDA driver library could not be loaded (" + firstLine(t) + ")"
                    : firstLine(t);
            return GpuInfo.unusable(why, driver, fatbin);
        }
    }

    private static String firstLine(Throwable t) {
        String all = String.valueOf(t.getMessage());
        int lc = all.indexOf("libcuda.so.1");
        if (lc >= 0) return "libcuda.so.1 is missing: no NVIDIA driver on this machine";
        Throwable c = t;
        while (c.getCause() != null && c.getMessage() == null) c = c.getCause();
        String m = c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
