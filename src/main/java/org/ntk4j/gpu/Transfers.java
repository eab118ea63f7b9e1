package org.ntk4j.gpu;

import static jcuda.driver.JCudaDriver.*;
import static org.ntk4j.gpu.CudaDevice.check;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jcuda.Pointer;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;

/**
 * Host/device copies of Java arrays through two pinned (page-locked) staging buffers, so that
 * the DMA of one chunk overlaps the Java-side copy of the next. The staging buffers are
 * allocated once per device and reused. Callers hold the device monitor.
 */
public final class Transfers {
    /** Bytes per staging buffer (two of them). */
    static final int CHUNK = 32 << 20;

    /** Receives downloaded data: {@code count} elements starting at element {@code first}, in {@code staged}. */
    public interface Sink {
        void accept(ByteBuffer staged, long first, int count);
    }

    private final CudaDevice device;
    private final Pointer[] pinned = new Pointer[2];
    private final ByteBuffer[] views = new ByteBuffer[2];
    private final CUevent[] done = new CUevent[2];

    Transfers(CudaDevice device) {
        this.device = device;
        device.bind();
        for (int b = 0; b < 2; b++) {
            pinned[b] = new Pointer();
            check(cuMemAllocHost(pinned[b], CHUNK), "cuMemAllocHost(" + CHUNK + ")");
            views[b] = pinned[b].getByteBuffer(0, CHUNK).order(ByteOrder.nativeOrder());
            done[b] = new CUevent();
            check(cuEventCreate(done[b], CUevent_flags.CU_EVENT_DISABLE_TIMING), "cuEventCreate");
        }
    }

    /** Copies {@code count} doubles from {@code src[off..]} to device bytes at {@code dst}+{@code dstByte}. */
    public void upload(double[] src, int off, long count, DeviceBuffer dst, long dstByte) {
        upload(count, 8, dst, dstByte, (bb, first, n) -> bb.asDoubleBuffer().put(src, off + (int) first, n));
    }

    /** Copies {@code count} floats from {@code src[off..]} to device bytes at {@code dst}+{@code dstByte}. */
    public void upload(float[] src, int off, long count, DeviceBuffer dst, long dstByte) {
        upload(count, 4, dst, dstByte, (bb, first, n) -> bb.asFloatBuffer().put(src, off + (int) first, n));
    }

    /** Uploads a double array as float64 or float32 (converted on the host). */
    public void upload(double[] src, boolean f32, DeviceBuffer dst, long dstByte) {
        if (!f32) {
            upload(src, 0, src.length, dst, dstByte);
            return;
        }
        upload(src.length, 4, dst, dstByte, (bb, first, n) -> {
            java.nio.FloatBuffer fb = bb.asFloatBuffer();
            for (int i = 0; i < n; i++) fb.put(i, (float) src[(int) first + i]);
        });
    }

    private void upload(long count, int elem, DeviceBuffer dst, long dstByte, Sink fill) {
        synchronized (device) {
            device.bind();
            int per = CHUNK / elem;
            long first = 0;
            for (int k = 0; first < count; k++) {
                int b = k & 1;
                if (k >= 2) check(cuEventSynchronize(done[b]), "cuEventSynchronize"); // buffer b's last DMA done
                int n = (int) Math.min(per, count - first);
                ByteBuffer v = views[b].duplicate().order(ByteOrder.nativeOrder());
                v.clear();
                fill.accept(v, first, n);
                check(
                        cuMemcpyHtoDAsync(dst.at(dstByte + first * elem), pinned[b], (long) n * elem, null),
                        "cuMemcpyHtoDAsync");
                check(cuEventRecord(done[b], null), "cuEventRecord");
                first += n;
            }
            check(cuCtxSynchronize(), "upload");
        }
    }

    /**
     * Downloads {@code count} elements of {@code elem} bytes from device bytes at {@code src}+{@code srcByte}
     * in chunks of whole records ({@code record} elements, e.g. one column), handing each staged chunk to
     * {@code sink} while the next chunk is in flight.
     */
    public void download(DeviceBuffer src, long srcByte, long count, int elem, int record, Sink sink) {
        synchronized (device) {
            device.bind();
            int per = Math.max(1, CHUNK / elem / Math.max(1, record)) * Math.max(1, record);
            if ((long) record * elem > CHUNK)
                throw new IllegalArgumentException("record larger than the staging buffer");
            long issued = 0;
            long[] firstOf = new long[2];
            int[] countOf = new int[2];
            int k = 0;
            // issue chunk 0
            issued = issue(src, srcByte, count, elem, per, issued, k & 1, firstOf, countOf);
            while (countOf[k & 1] > 0) {
                int b = k & 1, nb = b ^ 1;
                if (issued < count) issued = issue(src, srcByte, count, elem, per, issued, nb, firstOf, countOf);
                else countOf[nb] = 0;
                check(cuEventSynchronize(done[b]), "cuEventSynchronize");
                ByteBuffer v = views[b].duplicate().order(ByteOrder.nativeOrder());
                v.clear();
                sink.accept(v, firstOf[b], countOf[b]);
                k++;
            }
        }
    }

    private long issue(
            DeviceBuffer src,
            long srcByte,
            long count,
            int elem,
            int per,
            long first,
            int b,
            long[] firstOf,
            int[] countOf) {
        int n = (int) Math.min(per, count - first);
        firstOf[b] = first;
        countOf[b] = n;
        if (n == 0) return first;
        check(cuMemcpyDtoHAsync(pinned[b], src.at(srcByte + first * elem), (long) n * elem, null), "cuMemcpyDtoHAsync");
        check(cuEventRecord(done[b], null), "cuEventRecord");
        return first + n;
    }

    /** Downloads {@code count} doubles into {@code dst[off..]}. */
    public void download(DeviceBuffer src, long srcByte, long count, double[] dst, int off) {
        download(
                src, srcByte, count, 8, 1, (bb, first, n) -> bb.asDoubleBuffer().get(dst, off + (int) first, n));
    }

    /** Downloads {@code count} floats into {@code dst[off..]}. */
    public void download(DeviceBuffer src, long srcByte, long count, float[] dst, int off) {
        download(src, srcByte, count, 4, 1, (bb, first, n) -> bb.asFloatBuffer().get(dst, off + (int) first, n));
    }

    /** Downloads {@code count} elements (float64 or float32 on the device) as doubles. */
    public double[] downloadAsDouble(DeviceBuffer src, long srcByte, int count, boolean f32) {
        double[] out = new double[count];
        if (!f32) {
            download(src, srcByte, count, out, 0);
            return out;
        }
        download(src, srcByte, count, 4, 1, (bb, first, n) -> {
            java.nio.FloatBuffer fb = bb.asFloatBuffer();
            for (int i = 0; i < n; i++) out[(int) first + i] = fb.get(i);
        });
        return out;
    }
}
