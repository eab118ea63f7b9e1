package org.ntk4j.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.IntToLongFunction;
import java.util.function.IntUnaryOperator;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.linalg.NativeMatrix;

/**
 * Reads and writes NumPy {@code .npy} files.
 *
 * <p>Reading: format versions 1.0, 2.0 and 3.0; little-endian float64, float32, int64 and int32;
 * C or Fortran order; 1-D arrays (read as n×1, see {@link NpyArray#vector()}) and 2-D arrays.
 * Arrays with 0 rows or 0 columns are read as empty matrices (callers that need data reject them).
 * Anything else (big-endian, complex, bool, object, string or structured dtypes, 0-D or 3-D, a
 * malformed header, data shorter or longer than the shape calls for, not a .npy file) is an
 * {@link InvalidInputException} naming the argument, the file and the remedy, and is detected before
 * any array is allocated: no allocation exceeds what the file's size justifies. The header is parsed
 * as numpy parses it, only more strictly (see {@link NpyHeader#read}). NaN/Inf entries are rejected
 * with their row and column unless {@link ReadOptions#checkFinite()} is off.
 *
 * <p>Writing: float64 or float32, little-endian, C order (what the CLI's contract promises and
 * every .npy reader understands), through a temporary file renamed into place, so that a failed run
 * never leaves a half-written file under the final name.
 */
public final class Npy {
    private static final int CHUNK = 1 << 20;
    /** The largest |int64| every one of whose neighbours is a float64 too (2^53). */
    private static final long EXACT_INT = 1L << 53;

    private Npy() {}

    /** Reads a 1-D or 2-D array as float64 (1-D → n×1), rejecting NaN/Inf; errors name {@code input}. */
    public static Matrix read(Path file) {
        return read(file, ReadOptions.defaults());
    }

    /** Reads a 1-D or 2-D array (1-D → n×1) with the given options. */
    public static Matrix read(Path file, ReadOptions options) {
        return readArray(file, options).matrix();
    }

    /** Reads a vector: a 1-D array, or a 2-D array with one column or one row. */
    public static double[] readVector(Path file) {
        return readVector(file, ReadOptions.defaults());
    }

    /** Reads a vector (1-D, n×1 or 1×n) with the given options. */
    public static double[] readVector(Path file, ReadOptions options) {
        NpyArray a = readArray(file, options);
        Matrix m = a.matrix();
        if (m.cols() != 1 && m.rows() != 1)
            throw new InvalidInputException(
                    options.argument(),
                    Inputs.name(file) + " has shape (" + m.rows() + ", " + m.cols()
                            + "); expected a vector (n,) or (n, 1)");
        return m.toColumnMajor(); // n×1 and 1×n store the same sequence column-major
    }

    /** Reads a 1-D or 2-D array and remembers whether it was 1-D. */
    public static NpyArray readArray(Path file, ReadOptions options) {
        String arg = options.argument();
        return reading(file, arg, ch -> {
            NpyHeader h = checkedHeader(ch, file, arg); // before any allocation: the file must hold the shape's data
            NpyShape s = shapeOf(h);
            boolean f32 = h.dtype() == NpyDType.FLOAT32 && options.keepFloat32();
            Inputs.checkSize(arg, file, s.rows(), s.cols(), f32 ? 4 : 8);
            Matrix m = decode(ch, h, (int) s.rows(), (int) s.cols(), f32, file, arg);
            if (options.checkFinite() && (h.dtype() == NpyDType.FLOAT64 || h.dtype() == NpyDType.FLOAT32))
                Inputs.checkFinite(m, s.vector(), arg, file);
            return new NpyArray(m, s.vector(), h.dtype());
        });
    }

    /** What a read does with the open channel. */
    private interface ChannelRead<T> {
        T apply(FileChannel ch) throws IOException;
    }

    /**
     * Opens {@code file} (checked readable) and applies {@code body}; an I/O failure becomes an
     * {@link InvalidInputException} naming {@code arg}.
     */
    private static <T> T reading(Path file, String arg, ChannelRead<T> body) {
        Inputs.checkReadable(file, arg);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return body.apply(ch);
        } catch (IOException e) {
            throw new InvalidInputException(arg, "cannot read " + Inputs.name(file) + ": " + Inputs.reason(e), e);
        }
    }

    /**
     * The shape of a 1-D or 2-D array (1-D: n × 1), from its header alone, after the checks
     * {@link #readArray} makes before it reads any data (format, dtype, 1-D or 2-D, the data's size
     * against the file's). With {@link #readRows} a caller reads a large file block by block, e.g. one
     * block per Spark partition, without ever holding the whole array.
     */
    public static NpyShape shape(Path file, ReadOptions options) {
        String arg = options.argument();
        return reading(file, arg, ch -> shapeOf(checkedHeader(ch, file, arg)));
    }

    /** The header of a 1-D or 2-D array whose data has the size its shape calls for. */
    private static NpyHeader checkedHeader(FileChannel ch, Path file, String arg) throws IOException {
        NpyHeader h = NpyHeader.read(ch, file, arg);
        long[] shape = h.shape();
        if (shape.length == 0)
            throw new InvalidInputException(
                    arg, Inputs.name(file) + " holds a 0-d scalar; expected a 1-D (n,) or 2-D (n, d) array");
        if (shape.length > 2)
            throw new InvalidInputException(
                    arg,
                    Inputs.name(file) + " is " + shape.length + "-D with shape " + h.shapeText()
                            + "; expected 1-D (n,) or 2-D (n, d): reshape it, e.g. x.reshape(x.shape[0], -1)");
        checkDataSize(h, ch.size(), file, arg);
        return h;
    }

    private static NpyShape shapeOf(NpyHeader h) {
        long[] shape = h.shape();
        return new NpyShape(shape[0], shape.length == 2 ? shape[1] : 1, shape.length == 1, h.dtype());
    }

    /**
     * Rows [first, first + count) of a 1-D or 2-D array as a count × cols float64 matrix (a 1-D array's
     * entries as count × 1), reading only their bytes: the values and checks of the same rows of
     * {@link #readArray}, with a NaN/Inf (when {@link ReadOptions#checkFinite()}) or an inexact int64
     * reported at its row in the whole file. C order reads one contiguous run, Fortran order one run
     * per column.
     */
    public static Matrix readRows(Path file, long first, int count, ReadOptions options) {
        String arg = options.argument();
        return reading(file, arg, ch -> {
            NpyHeader h = checkedHeader(ch, file, arg);
            NpyShape s = shapeOf(h);
            if (first < 0 || count < 0 || first + count > s.rows())
                throw new InvalidInputException(
                        arg,
                        "rows [" + first + ", " + (first + (long) count) + ") are outside " + Inputs.name(file) + "'s "
                                + s.rows() + " rows");
            int cols = (int) s.cols();
            Inputs.checkSize(arg, file, count, cols, 8);
            int size = h.dtype().size();
            double[] out = new double[count * cols];
            if (!h.fortranOrder() || cols == 1) { // row-major run: element e is row e / cols, column e % cols
                readRun(
                        ch,
                        h.dataOffset() + first * cols * size,
                        count * cols,
                        h.dtype(),
                        out,
                        e -> e / cols + (e % cols) * count,
                        e -> first + e / cols,
                        e -> e % cols,
                        arg,
                        file);
            } else
                for (int j = 0; j < cols; j++) {
                    final int col = j;
                    readRun(
                            ch,
                            h.dataOffset() + ((long) j * s.rows() + first) * size,
                            count,
                            h.dtype(),
                            out,
                            e -> e + col * count,
                            e -> first + e,
                            e -> col,
                            arg,
                            file);
                }
            Matrix m = Matrix.wrapColumnMajor(count, cols, out);
            if (options.checkFinite() && (h.dtype() == NpyDType.FLOAT64 || h.dtype() == NpyDType.FLOAT32))
                Inputs.checkFinite(m, s.vector(), arg, file, first);
            return m;
        });
    }

    /**
     * Reads {@code n} consecutive elements from byte {@code pos} into {@code out[dst(e)]}; {@code row}
     * and {@code col} place element e in the whole file (for the int64 message).
     */
    private static void readRun(
            FileChannel ch,
            long pos,
            int n,
            NpyDType t,
            double[] out,
            IntUnaryOperator dst,
            IntToLongFunction row,
            IntUnaryOperator col,
            String arg,
            Path file)
            throws IOException {
        int size = t.size();
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(CHUNK, Math.max(size, (long) n * size)))
                .order(ByteOrder.LITTLE_ENDIAN);
        ch.position(pos);
        for (int e = 0; e < n; ) {
            buf.clear();
            buf.limit((int) Math.min(buf.capacity(), (long) (n - e) * size));
            fill(ch, buf, file, arg);
            buf.flip();
            for (int m = buf.remaining() / size; m > 0; m--, e++) {
                double v;
                switch (t) {
                    case FLOAT64 -> v = buf.getDouble();
                    case FLOAT32 -> v = buf.getFloat();
                    case INT64 -> v = exactInt(buf.getLong(), row.applyAsLong(e), col.applyAsInt(e), arg, file);
                    default -> v = buf.getInt();
                }
                out[dst.applyAsInt(e)] = v;
            }
        }
    }

    /**
     * The data must be exactly what the shape and dtype call for. Fewer bytes: numpy rejects the file
     * too. More bytes: numpy ignores them, ntk4j rejects them (stricter), since trailing bytes mean
     * the header and the data disagree, e.g. a header rewritten with a smaller shape.
     */
    private static void checkDataSize(NpyHeader h, long fileSize, Path file, String arg) {
        long need = h.dataBytes(), have = fileSize - h.dataOffset();
        if (have == need) return;
        String needs = "shape " + h.shapeText() + " of " + h.dtype().descr() + " needs "
                + (need == Long.MAX_VALUE ? "more than 2^63" : Long.toString(need)) + " data bytes, the file has "
                + have;
        throw new InvalidInputException(
                arg,
                Inputs.name(file) + (have < need ? " is truncated: " : " has extra bytes after the data: ") + needs
                        + "; re-create it with numpy.save");
    }

    private static Matrix decode(FileChannel ch, NpyHeader h, int rows, int cols, boolean f32, Path file, String arg)
            throws IOException {
        int n = rows * cols;
        double[] d = f32 ? null : new double[n];
        float[] f = f32 ? new float[n] : null;
        // File order → column-major index: identity unless a C-ordered array has 2+ rows and columns.
        boolean transpose = !h.fortranOrder() && rows > 1 && cols > 1;
        NpyDType t = h.dtype();
        int size = t.size();
        ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        ch.position(h.dataOffset());
        int k = 0, i = 0, j = 0;
        while (k < n) {
            buf.clear();
            buf.limit((int) Math.min(CHUNK, (long) (n - k) * size));
            fill(ch, buf, file, arg);
            buf.flip();
            int m = buf.remaining() / size;
            for (int e = 0; e < m; e++, k++) {
                int dst;
                if (transpose) {
                    dst = i + j * rows;
                    if (++j == cols) {
                        j = 0;
                        i++;
                    }
                } else {
                    dst = k;
                }
                switch (t) {
                    case FLOAT64 -> d[dst] = buf.getDouble();
                    case FLOAT32 -> {
                        if (f32) f[dst] = buf.getFloat();
                        else d[dst] = buf.getFloat();
                    }
                    case INT64 -> d[dst] = exactIntAtIndex(buf.getLong(), dst, rows, arg, file);
                    case INT32 -> d[dst] = buf.getInt();
                }
            }
        }
        return f32 ? Matrix.wrapColumnMajor(rows, cols, f) : Matrix.wrapColumnMajor(rows, cols, d);
    }

    /** As {@link #exactInt(long, long, long, String, Path)} for column-major index {@code dst} of a rows-row matrix. */
    private static double exactIntAtIndex(long v, int dst, int rows, String arg, Path file) {
        return exactInt(v, dst % rows, dst / rows, arg, file);
    }

    /** v as a double, or an error at (row, col) of the file when |v| > 2^53 (not every such int64 is a double). */
    private static double exactInt(long v, long row, long col, String arg, Path file) {
        // compared as longs: (double) v rounds 2^53 + 1 down to 2^53, which would pass
        if (v > EXACT_INT || v < -EXACT_INT)
            throw new InvalidInputException(
                    arg,
                    Inputs.name(file) + ": int64 value " + v + " at row " + row + ", column " + col
                            + " is too large to convert exactly to float64 (|v| > 2^53)");
        return v;
    }

    /**
     * Writes a native column-major matrix as a 2-D C-order array in {@code dtype}, without a heap copy
     * of the matrix. {@code exactlySymmetric} (the caller guarantees m = mᵀ bit for bit, e.g. a kernel of
     * x with itself) lets float64 bytes go from the matrix's memory to the file unchanged: column-major
     * and row-major order are then the same bytes. Otherwise rows are transposed in blocks.
     */
    public static void write(Path file, NativeMatrix m, DType dtype, boolean exactlySymmetric) {
        int rows = m.rows(), cols = m.cols();
        if (exactlySymmetric && rows != cols)
            throw new IllegalArgumentException("a " + rows + "x" + cols + " matrix is not symmetric");
        NpyDType t = dtype == DType.FLOAT32 ? NpyDType.FLOAT32 : NpyDType.FLOAT64;
        byte[] header = NpyHeader.encode(t, false, new long[] {rows, cols});
        long total = (long) rows * cols;
        Outputs.writeAtomically(file, ch -> {
            ch.write(ByteBuffer.wrap(header));
            if (total == 0) return;
            if (exactlySymmetric && t == NpyDType.FLOAT64 && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
                for (long k = 0; k < total; k += CHUNK) {
                    ByteBuffer view = m.byteView(k, (int) Math.min(CHUNK, total - k));
                    while (view.hasRemaining()) ch.write(view);
                }
                return;
            }
            writeRowBlocks(ch, t, rows, cols, rowsOf(m, exactlySymmetric));
        });
    }

    /**
     * Rows of a native column-major matrix in row-major order, gathered column by column (or, for an
     * exactly symmetric matrix, copied: row i = column i). Shared with {@link Csv}'s writer.
     */
    static RowSource rowsOf(NativeMatrix m, boolean exactlySymmetric) {
        int rows = m.rows(), cols = m.cols();
        if (exactlySymmetric) return (i0, i1, row) -> m.getRun((long) i0 * cols, row, 0, (i1 - i0) * cols);
        double[][] col = {new double[0]}; // one column of a block, grown to the largest block asked for
        return (i0, i1, row) -> {
            if (col[0].length < i1 - i0) col[0] = new double[i1 - i0];
            for (int j = 0; j < cols; j++) {
                m.getRun(i0 + (long) j * rows, col[0], 0, i1 - i0);
                for (int i = 0; i < i1 - i0; i++) row[i * cols + j] = col[0][i];
            }
        };
    }

    /**
     * Writes a native matrix as a 2-D float64 array in Fortran (column-major) order: the bytes go from
     * the matrix's memory to the file unchanged, so a large matrix (a Cholesky factor) is written at
     * the disk's speed and {@link #readNative} reads it back the same way, bit for bit.
     */
    public static void writeColumnMajor(Path file, NativeMatrix m) {
        int rows = m.rows(), cols = m.cols();
        byte[] header = NpyHeader.encode(NpyDType.FLOAT64, true, new long[] {rows, cols});
        long total = (long) rows * cols;
        Outputs.writeAtomically(file, ch -> {
            ch.write(ByteBuffer.wrap(header));
            try (NativeMatrix.Pin pin = m.pin()) {
                for (long k = 0; k < total; k += CHUNK) {
                    int len = (int) Math.min(CHUNK, total - k);
                    ByteBuffer view = m.byteView(k, len);
                    if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) view = littleEndian(view, len);
                    while (view.hasRemaining()) ch.write(view);
                }
            }
        });
    }

    /** {@code len} doubles of a native-order buffer, re-encoded little-endian (big-endian hosts only). */
    private static ByteBuffer littleEndian(ByteBuffer nativeOrder, int len) {
        ByteBuffer out = ByteBuffer.allocate(len * 8).order(ByteOrder.LITTLE_ENDIAN);
        java.nio.DoubleBuffer in = nativeOrder.order(ByteOrder.nativeOrder()).asDoubleBuffer();
        for (int i = 0; i < len; i++) out.putDouble(in.get(i));
        return out.flip();
    }

    /**
     * Reads a 2-D float64 array straight into off-heap memory (no heap copy of the matrix; the caller
     * closes the result): Fortran order in bulk, C order transposed in blocks of rows. Other dtypes
     * and 1-D arrays are an {@link InvalidInputException} naming {@link ReadOptions#argument()}; NaN
     * or ±Infinity too unless {@link ReadOptions#checkFinite()} is off.
     */
    public static NativeMatrix readNative(Path file, ReadOptions options) {
        String arg = options.argument();
        return reading(file, arg, ch -> {
            NpyHeader h = NpyHeader.read(ch, file, arg);
            long[] shape = h.shape();
            if (shape.length != 2 || h.dtype() != NpyDType.FLOAT64)
                throw new InvalidInputException(
                        arg,
                        Inputs.name(file) + " holds " + h.dtype().descr() + " with shape " + h.shapeText()
                                + "; expected a 2-D float64 array");
            checkDataSize(h, ch.size(), file, arg);
            if (shape[0] > Integer.MAX_VALUE || shape[1] > Integer.MAX_VALUE)
                throw new InvalidInputException(arg, Inputs.name(file) + " has shape " + h.shapeText() + ": too large");
            int rows = (int) shape[0], cols = (int) shape[1];
            NativeMatrix m = NativeMatrix.allocate(rows, cols, Inputs.name(file));
            try {
                ch.position(h.dataOffset());
                if (h.fortranOrder() || rows <= 1 || cols <= 1) readColumnMajor(ch, m, file, arg);
                else readRowMajor(ch, m, file, arg);
                if (options.checkFinite() && !m.allFinite())
                    throw new InvalidInputException(
                            arg, Inputs.name(file) + " holds NaN or infinite entries; expected finite numbers");
                return m;
            } catch (RuntimeException | IOException e) {
                m.close();
                throw e;
            }
        });
    }

    private static void readColumnMajor(FileChannel ch, NativeMatrix m, Path file, String arg) throws IOException {
        long total = (long) m.rows() * m.cols();
        try (NativeMatrix.Pin pin = m.pin()) {
            for (long k = 0; k < total; k += CHUNK) {
                int len = (int) Math.min(CHUNK, total - k);
                ByteBuffer view = m.byteView(k, len);
                if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
                    fill(ch, view, file, arg);
                    continue;
                }
                ByteBuffer le = ByteBuffer.allocate(len * 8).order(ByteOrder.LITTLE_ENDIAN);
                fill(ch, le, file, arg);
                le.flip();
                double[] run = new double[len];
                le.asDoubleBuffer().get(run);
                m.putRun(k, run, 0, len);
            }
        }
    }

    private static void readRowMajor(FileChannel ch, NativeMatrix m, Path file, String arg) throws IOException {
        int rows = m.rows(), cols = m.cols();
        int block = Math.max(1, CHUNK / (cols * 8));
        ByteBuffer buf = ByteBuffer.allocateDirect(Math.max(CHUNK, cols * 8)).order(ByteOrder.LITTLE_ENDIAN);
        double[] d = new double[block * cols];
        for (int i0 = 0; i0 < rows; i0 += block) {
            int b = Math.min(block, rows - i0);
            buf.clear().limit(b * cols * 8);
            fill(ch, buf, file, arg);
            buf.flip();
            buf.asDoubleBuffer().get(d, 0, b * cols);
            for (int i = 0; i < b; i++) for (int j = 0; j < cols; j++) m.set(i0 + i, j, d[i * cols + j]);
        }
    }

    /** Fills {@code buf} from the channel: the size was checked, so an early end means the file shrank. */
    private static void fill(FileChannel ch, ByteBuffer buf, Path file, String arg) throws IOException {
        while (buf.hasRemaining())
            if (ch.read(buf) < 0)
                throw new InvalidInputException(arg, Inputs.name(file) + " is truncated (it shrank while being read)");
    }

    /** Writes {@code m} in its own precision, as a 2-D C-order array. */
    public static void write(Path file, Matrix m) {
        write(file, m, m.dtype());
    }

    /** Writes {@code m} as a 2-D C-order array in {@code dtype} (float64 → float32 rounds to nearest). */
    public static void write(Path file, Matrix m, DType dtype) {
        int rows = m.rows(), cols = m.cols();
        NpyDType t = dtype == DType.FLOAT32 ? NpyDType.FLOAT32 : NpyDType.FLOAT64;
        byte[] header = NpyHeader.encode(t, false, new long[] {rows, cols});
        Outputs.writeAtomically(file, ch -> {
            ch.write(ByteBuffer.wrap(header));
            if (rows == 0 || cols == 0) return;
            writeRowBlocks(ch, t, rows, cols, m::copyRowsRowMajor);
        });
    }

    /** Fills {@code dst} with rows [i0, i1) of a matrix in row-major order (row i at (i − i0)·cols). */
    interface RowSource {
        void rows(int i0, int i1, double[] dst);
    }

    /**
     * The data of a C-order array in blocks of whole rows: each block is gathered into a heap array by
     * a tight loop and copied to the direct buffer in bulk (a per-entry putDouble costs ~10x more);
     * float32 rounds to nearest.
     */
    private static void writeRowBlocks(FileChannel ch, NpyDType t, int rows, int cols, RowSource src)
            throws java.io.IOException {
        int rowBytes = cols * t.size();
        int block = Math.max(1, CHUNK / rowBytes);
        ByteBuffer b = ByteBuffer.allocateDirect(Math.max(CHUNK, rowBytes)).order(ByteOrder.LITTLE_ENDIAN);
        double[] d = new double[block * cols];
        float[] f = t == NpyDType.FLOAT32 ? new float[block * cols] : null;
        for (int i0 = 0; i0 < rows; i0 += block) {
            int i1 = Math.min(rows, i0 + block), len = (i1 - i0) * cols;
            src.rows(i0, i1, d);
            b.clear();
            if (f != null) {
                for (int q = 0; q < len; q++) f[q] = (float) d[q];
                b.asFloatBuffer().put(f, 0, len);
            } else {
                b.asDoubleBuffer().put(d, 0, len);
            }
            b.limit(len * t.size());
            while (b.hasRemaining()) ch.write(b);
        }
    }

    /** Writes a 1-D float64 array. */
    public static void writeVector(Path file, double[] v) {
        writeVector(file, v, DType.FLOAT64);
    }

    /** Writes a 1-D array in {@code dtype}. */
    public static void writeVector(Path file, double[] v, DType dtype) {
        writeArray(file, v, dtype, v.length);
    }

    /**
     * Writes an array of any shape in C order (the last index fastest) in {@code dtype}, e.g. a
     * tensor of shape (m, m, m, m); {@code v.length} must be the product of {@code shape}.
     */
    public static void writeArray(Path file, double[] v, DType dtype, long... shape) {
        long size = 1;
        for (long n : shape) size *= n;
        if (size != v.length)
            throw new IllegalArgumentException(
                    v.length + " values do not fill the shape " + NpyHeader.shapeText(shape) + " (" + size + ")");
        NpyDType t = dtype == DType.FLOAT32 ? NpyDType.FLOAT32 : NpyDType.FLOAT64;
        byte[] header = NpyHeader.encode(t, false, shape);
        Outputs.writeAtomically(file, ch -> {
            ch.write(ByteBuffer.wrap(header));
            ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
            int per = CHUNK / t.size();
            for (int k = 0; k < v.length; k += per) {
                int len = Math.min(per, v.length - k);
                buf.clear();
                if (t == NpyDType.FLOAT32) {
                    java.nio.FloatBuffer fb = buf.asFloatBuffer();
                    for (int i = 0; i < len; i++) fb.put(i, (float) v[k + i]);
                } else {
                    buf.asDoubleBuffer().put(v, k, len);
                }
                buf.limit(len * t.size());
                while (buf.hasRemaining()) ch.write(buf);
            }
        });
    }
}
