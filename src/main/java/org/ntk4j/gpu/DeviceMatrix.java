package org.ntk4j.gpu;

import org.ntk4j.linalg.DType;

/**
 * A column-major matrix view on device memory: entry (i, j) at element offset
 * {@code offset + i + j*ld} of {@code buffer}.
 */
public record DeviceMatrix(DeviceBuffer buffer, long offset, int rows, int cols, long ld, DType dtype) {
    public DeviceMatrix {
        if (rows < 0 || cols < 0 || ld < Math.max(1, rows))
            throw new IllegalArgumentException("bad device matrix " + rows + "x" + cols + " ld " + ld);
        long lastByte = (offset + (cols == 0 ? 0 : (cols - 1) * ld + rows)) * size(dtype);
        if (lastByte > buffer.bytes()) throw new IllegalArgumentException("device matrix exceeds its buffer");
    }

    /** Bytes per element of a dtype. */
    public static int size(DType t) {
        return t == DType.FLOAT64 ? 8 : 4;
    }

    /** A rows x cols matrix with ld = rows at the start of buffer. */
    public static DeviceMatrix of(DeviceBuffer b, int rows, int cols, DType t) {
        return new DeviceMatrix(b, 0, rows, cols, Math.max(1, rows), t);
    }

    /** The device address of entry (i, j). */
    public long address(int i, int j) {
        return buffer.address() + (offset + i + (long) j * ld) * size(dtype);
    }

    /** Byte offset of entry (i, j) within the buffer. */
    long byteOffset(int i, int j) {
        return (offset + i + (long) j * ld) * size(dtype);
    }

    /** The sub-matrix of r rows and c columns starting at (i, j). */
    public DeviceMatrix sub(int i, int j, int r, int c) {
        if (i < 0 || j < 0 || i + r > rows || j + c > cols)
            throw new IllegalArgumentException("sub-matrix outside " + rows + "x" + cols);
        return new DeviceMatrix(buffer, offset + i + (long) j * ld, r, c, ld, dtype);
    }

    /** Kernel argument: the raw address of entry (0, 0). */
    public Arg arg() {
        return new Arg(address(0, 0));
    }

    /** A raw device pointer passed to a kernel. */
    public record Arg(long address) {
        /** The null pointer. */
        public static final Arg NULL = new Arg(0);
    }
}
