package org.ntk4j.gpu;

import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;

/**
 * A block of device memory ({@code cuMemAlloc}), freed by {@link #close()}. Obtain one from
 * {@link CudaDevice#alloc}; kernels receive {@link #address()}-based raw pointers.
 */
public final class DeviceBuffer implements AutoCloseable {
    /** A CUdeviceptr whose raw address is readable (JCuda keeps it protected). */
    static final class Ptr extends CUdeviceptr {
        long address() {
            return getNativePointer();
        }
    }

    private final CudaDevice device;
    private final Ptr ptr;
    private final long bytes;
    private boolean closed;

    DeviceBuffer(CudaDevice device, Ptr ptr, long bytes) {
        this.device = device;
        this.ptr = ptr;
        this.bytes = bytes;
    }

    /** Size in bytes. */
    public long bytes() {
        return bytes;
    }

    /** The device address of byte 0. */
    public long address() {
        if (closed) throw new IllegalStateException("device buffer already freed");
        return ptr.address();
    }

    /** A CUdeviceptr at {@code byteOffset}, for memcpy calls. */
    CUdeviceptr at(long byteOffset) {
        if (closed) throw new IllegalStateException("device buffer already freed");
        if (byteOffset < 0 || byteOffset > bytes)
            throw new IllegalArgumentException("offset " + byteOffset + " outside " + bytes);
        return byteOffset == 0 ? ptr : ptr.withByteOffset(byteOffset);
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        synchronized (device) {
            device.bind();
            JCudaDriver.cuMemFree(ptr); // best effort: a failed free during error handling must not mask the cause
        }
    }
}
