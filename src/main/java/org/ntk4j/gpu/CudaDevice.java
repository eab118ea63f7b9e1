package org.ntk4j.gpu;

import static jcuda.driver.JCudaDriver.*;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUfunction;
import jcuda.driver.CUfunction_attribute;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import org.ntk4j.error.DeviceUnavailableException;
import org.ntk4j.error.InsufficientMemoryException;

/**
 * One CUDA device with ntk4j's kernels loaded (driver API through JCuda; the primary context).
 * Thread-safe by confinement: callers hold the device's monitor ({@code synchronized (device)})
 * for a whole computation; every entry point also binds the context to the calling thread.
 * Every CUDA call is checked and a failure becomes a {@link GpuException}.
 *
 * <p>Kernel launches take their arguments as Java values: {@code Integer}, {@code Long},
 * {@code Double}, {@code Float} and {@link DeviceMatrix.Arg} (raw device pointers).
 */
public final class CudaDevice {
    /** The fatbins built by native/build.sh, packaged under /native/ in the jar. */
    static final String[] MODULES = {"gemm", "kernels", "linalg"};

    private final CUdevice dev;
    private final CUcontext ctx;
    private final List<CUmodule> modules = new ArrayList<>();
    private final Map<String, CUfunction> functions = new HashMap<>();
    private final Map<String, DeviceBuffer> scratch = new HashMap<>();
    private final Map<String, Integer> dynSmemLimit = new HashMap<>();
    /** The float64 GEMM engine for large products, chosen once by {@link GemmTuner}. */
    volatile GemmTuner.Choice gemmChoice;

    final String name;
    final int ccMajor, ccMinor, multiprocessors;
    final long totalMemory;
    private Transfers transfers;
    /** Synchronize after every launch (surfaces asynchronous errors at the launch that caused them). */
    private volatile boolean syncEachLaunch = Boolean.getBoolean("ntk4j.gpu.syncEachLaunch");

    private CudaDevice(CUdevice dev, CUcontext ctx, String name, int ccMajor, int ccMinor, int sms, long total) {
        this.dev = dev;
        this.ctx = ctx;
        this.name = name;
        this.ccMajor = ccMajor;
        this.ccMinor = ccMinor;
        this.multiprocessors = sms;
        this.totalMemory = total;
    }

    /** Opens device {@code ordinal} and loads the kernels; throws with a one-line reason. */
    static CudaDevice open(int ordinal) {
        CUdevice dev = new CUdevice();
        check(cuDeviceGet(dev, ordinal), "cuDeviceGet(" + ordinal + ")");
        byte[] nm = new byte[256];
        check(cuDeviceGetName(nm, nm.length, dev), "cuDeviceGetName");
        int len = 0;
        while (len < nm.length && nm[len] != 0) len++;
        String name = new String(nm, 0, len, StandardCharsets.US_ASCII);
        int major = attr(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
        int minor = attr(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
        int sms = attr(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
        long[] total = new long[1];
        check(cuDeviceTotalMem(total, dev), "cuDeviceTotalMem");
        if (major < 8)
            throw new DeviceUnavailableException(name + " has compute capability " + major + "." + minor
                    + "; ntk4j's GPU kernels need 8.0 or newer (A100, H100 and later)");
        CUcontext ctx = new CUcontext();
        check(cuDevicePrimaryCtxRetain(ctx, dev), "cuDevicePrimaryCtxRetain");
        CudaDevice d = new CudaDevice(dev, ctx, name, major, minor, sms, total[0]);
        d.bind();
        for (String m : MODULES) d.loadModule(m);
        return d;
    }

    private static int attr(CUdevice dev, int a) {
        int[] v = new int[1];
        check(cuDeviceGetAttribute(v, a, dev), "cuDeviceGetAttribute(" + a + ")");
        return v[0];
    }

    private void loadModule(String m) {
        byte[] image = fatbin(m);
        if (image == null)
            throw new DeviceUnavailableException("no fatbin in this build (/native/" + m
                    + ".fatbin is missing: nvcc was absent when the jar was built)");
        CUmodule mod = new CUmodule();
        int rc = cuModuleLoadData(mod, image);
        if (rc != CUresult.CUDA_SUCCESS)
            throw new DeviceUnavailableException("cannot load the GPU kernels (" + m + ".fatbin): " + errorName(rc)
                    + "; they need a CUDA 13 driver (R580 or newer) for PTX, or an sm_80/sm_90 GPU");
        modules.add(mod);
    }

    /** The bytes of /native/NAME.fatbin from the classpath, or null. */
    static byte[] fatbin(String name) {
        try (InputStream in = CudaDevice.class.getResourceAsStream("/native/" + name + ".fatbin")) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            return null;
        }
    }

    /** Makes this device's context current on the calling thread. */
    void bind() {
        check(cuCtxSetCurrent(ctx), "cuCtxSetCurrent");
    }

    public String name() {
        return name;
    }

    public int multiprocessors() {
        return multiprocessors;
    }

    public int computeCapabilityMajor() {
        return ccMajor;
    }

    public long totalMemory() {
        return totalMemory;
    }

    /** Free device memory now, in bytes. */
    public synchronized long freeMemory() {
        bind();
        long[] free = new long[1], total = new long[1];
        check(cuMemGetInfo(free, total), "cuMemGetInfo");
        return free[0];
    }

    /** Allocates {@code bytes} of device memory; {@link InsufficientMemoryException} if it does not fit. */
    public synchronized DeviceBuffer alloc(long bytes, String what) {
        bind();
        DeviceBuffer.Ptr p = new DeviceBuffer.Ptr();
        int rc = cuMemAlloc(p, Math.max(bytes, 1));
        if (rc == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
            releaseScratch();
            rc = cuMemAlloc(p, Math.max(bytes, 1));
            if (rc == CUresult.CUDA_ERROR_OUT_OF_MEMORY)
                throw new InsufficientMemoryException("GPU buffer for " + what, bytes, freeMemory());
        }
        check(rc, "cuMemAlloc(" + bytes + ") for " + what);
        return new DeviceBuffer(this, p, Math.max(bytes, 1));
    }

    /**
     * A cached device buffer of at least {@code bytes} for the given purpose, reused across calls
     * (grown when too small). Owned by the device: do not close it.
     */
    public synchronized DeviceBuffer scratch(String key, long bytes) {
        DeviceBuffer b = scratch.get(key);
        if (b != null && b.bytes() >= bytes) return b;
        if (b != null) b.close();
        scratch.remove(key);
        b = alloc(bytes, key);
        scratch.put(key, b);
        return b;
    }

    /** Frees every cached scratch buffer (before a large allocation). */
    public synchronized void releaseScratch() {
        for (DeviceBuffer b : scratch.values()) b.close();
        scratch.clear();
    }

    /** Sets {@code bytes} bytes of {@code b} to zero. */
    public synchronized void zero(DeviceBuffer b, long bytes) {
        bind();
        check(cuMemsetD8(b.at(0), (byte) 0, bytes), "cuMemsetD8");
    }

    /** Reads one int from device memory. */
    public synchronized int readInt(DeviceBuffer b) {
        bind();
        int[] v = new int[1];
        check(cuMemcpyDtoH(Pointer.to(v), b.at(0), 4), "cuMemcpyDtoH");
        return v[0];
    }

    /** Sets {@code count} ints of {@code b} to zero (in stream order with the launches). */
    public synchronized void zeroInts(DeviceBuffer b, long count) {
        bind();
        check(cuMemsetD32(b.at(0), 0, count), "cuMemsetD32");
    }

    /** Reads one double from device memory. */
    public synchronized double readDouble(DeviceBuffer b) {
        bind();
        double[] v = new double[1];
        check(cuMemcpyDtoH(Pointer.to(v), b.at(0), 8), "cuMemcpyDtoH");
        return v[0];
    }

    /** Launches {@code fn} on a (gx, gy) grid of (bx, by) blocks on the default stream. */
    public synchronized void launch(String fn, int gx, int gy, int bx, int by, Object... args) {
        launchDyn(fn, gx, gy, bx, by, 0, args);
    }

    /**
     * {@link #launch} with {@code smemBytes} of dynamic shared memory per block; above the default
     * 48 KB the function's limit is raised first (once per function).
     */
    public synchronized void launchDyn(String fn, int gx, int gy, int bx, int by, int smemBytes, Object... args) {
        if (gx <= 0 || gy <= 0) return; // empty problem: nothing to do
        bind();
        CUfunction f = function(fn);
        if (smemBytes > 48 * 1024 && dynSmemLimit.getOrDefault(fn, 0) < smemBytes) {
            check(
                    cuFuncSetAttribute(
                            f, CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, smemBytes),
                    "cuFuncSetAttribute(" + fn + ", max dynamic shared memory " + smemBytes + ")");
            dynSmemLimit.put(fn, smemBytes);
        }
        Pointer[] ps = new Pointer[args.length];
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a instanceof Integer v) ps[i] = Pointer.to(new int[] {v});
            else if (a instanceof Long v) ps[i] = Pointer.to(new long[] {v});
            else if (a instanceof Double v) ps[i] = Pointer.to(new double[] {v});
            else if (a instanceof Float v) ps[i] = Pointer.to(new float[] {v});
            else if (a instanceof DeviceMatrix.Arg v) ps[i] = Pointer.to(new long[] {v.address()});
            else if (a instanceof DeviceBuffer v) ps[i] = Pointer.to(new long[] {v.address()});
            else throw new IllegalArgumentException("kernel argument " + i + " of " + fn + ": unsupported " + a);
        }
        check(cuLaunchKernel(f, gx, gy, 1, bx, by, 1, smemBytes, null, Pointer.to(ps), null), "launch " + fn);
        if (syncEachLaunch) check(cuCtxSynchronize(), "kernel " + fn);
    }

    private CUfunction function(String fn) {
        CUfunction f = functions.get(fn);
        if (f != null) return f;
        for (CUmodule m : modules) {
            CUfunction g = new CUfunction();
            if (cuModuleGetFunction(g, m, fn) == CUresult.CUDA_SUCCESS) {
                functions.put(fn, g);
                return g;
            }
        }
        throw new GpuException("GPU kernel " + fn + " not found in the loaded fatbins (stale build?)", 0);
    }

    /** Waits for all queued work; asynchronous kernel faults surface here. */
    public synchronized void sync() {
        bind();
        check(cuCtxSynchronize(), "cuCtxSynchronize");
    }

    /** Host/device copies through pinned staging buffers. */
    public synchronized Transfers transfers() {
        if (transfers == null) transfers = new Transfers(this);
        return transfers;
    }

    /** Throws a {@link GpuException} naming the call unless {@code rc} is CUDA_SUCCESS. */
    static void check(int rc, String call) {
        if (rc != CUresult.CUDA_SUCCESS) throw new GpuException("CUDA call failed: " + call + ": " + errorName(rc), rc);
    }

    static String errorName(int rc) {
        String[] s = new String[1];
        try {
            if (cuGetErrorName(rc, s) == CUresult.CUDA_SUCCESS && s[0] != null) return s[0] + " (" + rc + ")";
        } catch (Throwable ignored) {
            // fall through to JCuda's table
        }
        return CUresult.stringFor(rc) + " (" + rc + ")";
    }
}
