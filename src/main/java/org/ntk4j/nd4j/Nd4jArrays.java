package org.ntk4j.nd4j;

import java.lang.ref.Reference;
import java.util.Arrays;
import java.util.Locale;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.indexer.DoubleIndexer;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.linalg.NativeMatrix;

/**
 * Conversions between ND4J {@link INDArray}s and ntk4j's matrices: which ones share memory and which
 * ones copy is part of each method's contract (docs/nd4j.md, "ND4J arrays").
 *
 * <ul>
 *   <li>{@link #toNative(INDArray, String)}: an INDArray that is float64, column-major ('f' order, or a
 *       layout identical to it such as an n×1 column), contiguous, at offset 0 and not in an ND4J
 *       workspace becomes a
 *       {@link NativeMatrix} over the <em>same</em> memory, without a copy. The INDArray owns the
 *       memory; the matrix borrows it ({@link NativeMatrix#borrow}) and keeps the array reachable.
 *       Any other array is refused with an {@link InvalidInputException}: this method never copies.
 *   <li>{@link #toMatrix(INDArray, String)}: any real rank-2 INDArray becomes a heap {@link Matrix} in
 *       one copy (float64 stays float64, float32 stays float32 and is widened exactly where ntk4j
 *       computes). Never into off-heap memory.
 *   <li>{@link #of(NativeMatrix)}: an off-heap result becomes an INDArray over the same memory,
 *       without a copy; the matrix is handed over ({@link NativeMatrix#takeOwnership()}) and the
 *       INDArray keeps the memory alive until it is garbage-collected.
 *   <li>{@link #of(Matrix)}, {@link #of(double[])}: heap results are copied into new ND4J arrays.
 * </ul>
 *
 * <p>Zero copy needs ND4J's CPU backend ({@code nd4j-native}), whose arrays live in host memory. On
 * another backend (CUDA) {@link #toNative} refuses and {@link #of(NativeMatrix)} copies.
 *
 * <p>ND4J is an optional dependency of ntk4j: this package needs {@code nd4j-api} and a backend
 * ({@code nd4j-native}) on the class path; nothing else in ntk4j uses it.
 */
public final class Nd4jArrays {
    private Nd4jArrays() {}

    /**
     * Whether {@link #toNative} would share {@code array}'s memory: a non-null, non-empty rank-2 DOUBLE
     * array of ND4J's CPU backend, laid out column-major from offset 0 without gaps.
     */
    public static boolean isZeroCopy(INDArray array) {
        return array != null && zeroCopyRefusal(array) == null;
    }

    /**
     * {@code array} as a {@link NativeMatrix} over its own memory, without copying: writes through
     * either are seen by the other. The array owns the memory and frees it; the matrix keeps the array
     * reachable, frees nothing when closed (close it to end its use, e.g. with try-with-resources), and
     * throws {@link IllegalStateException} on any access after the array was closed.
     *
     * @param name the argument's name in error messages (e.g. {@code "kernel"})
     * @throws InvalidInputException naming {@code name} when the array cannot be shared (null, not rank
     *     2, empty, not DOUBLE, not column-major and contiguous from offset 0, or not on the CPU backend),
     *     with the remedy: {@code array.dup('f')} or {@code castTo(DataType.DOUBLE)} to make a shareable
     *     copy in ND4J, or {@link #toMatrix} for a heap copy
     */
    public static NativeMatrix toNative(INDArray array, String name) {
        requireMatrix(array, name);
        String refusal = zeroCopyRefusal(array);
        if (refusal != null)
            throw new InvalidInputException(
                    name,
                    refusal
                            + ", so it cannot be shared without a copy; pass array.dup('f') (after castTo(DataType.DOUBLE)"
                            + " for another type) or copy it to the heap with Nd4jArrays.toMatrix");
        int rows = (int) array.rows(), cols = (int) array.columns();
        DoublePointer memory = new DoublePointer(array.data().addressPointer());
        return NativeMatrix.borrow(memory, rows, cols, new ArrayLender(array), name);
    }

    /**
     * A heap copy of the rank-2 {@code array} (one copy, whatever its order, strides, offset or
     * backend): a DOUBLE array gives a float64 {@link Matrix}, a FLOAT array a float32 one (ntk4j widens
     * float32 to float64 exactly when it computes). Entries are not checked here: the computation that
     * takes the matrix rejects NaN and infinities, naming row and column.
     *
     * @param name the argument's name in error messages (e.g. {@code "xTrain"})
     * @throws InvalidInputException naming {@code name} for null, a rank other than 2, an empty shape,
     *     more than 2^31 - 9 entries, or a type other than DOUBLE or FLOAT (remedy: {@code castTo})
     */
    public static Matrix toMatrix(INDArray array, String name) {
        requireMatrix(array, name);
        DataType type = array.dataType();
        if (type != DataType.DOUBLE && type != DataType.FLOAT)
            throw new InvalidInputException(
                    name,
                    "is an ND4J array of type " + type
                            + "; ntk4j takes DOUBLE or FLOAT arrays: convert it with castTo(DataType.DOUBLE)");
        int rows = (int) array.rows(), cols = (int) array.columns();
        long[] stride = array.stride();
        if (!onCpu() || stride[0] < 0 || stride[1] < 0) {
            // not host memory read in place (untested here: ND4J's CUDA build needs a CUDA 11 stack): ND4J
            // makes a contiguous column-major copy, then the heap copy
            INDArray f = array.dup('f');
            return type == DataType.DOUBLE
                    ? Matrix.wrapColumnMajor(rows, cols, f.data().asDouble())
                    : Matrix.wrapColumnMajor(rows, cols, f.data().asFloat());
        }
        // entry (i, j) sits at i*stride[0] + j*stride[1] from the array's first entry, whatever its order,
        // offset or gaps: one pass reads it straight into the column-major heap array
        long span = (rows - 1) * stride[0] + (cols - 1) * stride[1] + 1;
        try {
            if (type == DataType.DOUBLE) {
                double[] cm = new double[rows * cols];
                DoubleIndexer in =
                        DoubleIndexer.create(new DoublePointer(array.data().addressPointer())
                                .capacity(span)
                                .limit(span));
                for (int j = 0, k = 0; j < cols; j++)
                    for (int i = 0; i < rows; i++) cm[k++] = in.get(i * stride[0] + j * stride[1]);
                return Matrix.wrapColumnMajor(rows, cols, cm);
            }
            float[] cm = new float[rows * cols];
            FloatIndexer in = FloatIndexer.create(new FloatPointer(array.data().addressPointer())
                    .capacity(span)
                    .limit(span));
            for (int j = 0, k = 0; j < cols; j++)
                for (int i = 0; i < rows; i++) cm[k++] = in.get(i * stride[0] + j * stride[1]);
            return Matrix.wrapColumnMajor(rows, cols, cm);
        } finally {
            Reference.reachabilityFence(array); // its memory must outlive the reads through the raw pointer
        }
    }

    /**
     * {@code m} as an INDArray over the same memory, without copying (ND4J's CPU backend): {@code m} is
     * handed over ({@link NativeMatrix#takeOwnership()}: the handle is left empty, its {@code close()}
     * does nothing), and the array keeps the memory alive; it is freed once, by the garbage collector,
     * after the array (and every view of it) is unreachable. A matrix borrowed from an array by
     * {@link #toNative} gives that array back. On another backend the entries are copied into a new
     * array and the matrix is closed.
     *
     * @throws IllegalStateException when {@code m} is closed, handed over or pinned
     */
    public static INDArray of(NativeMatrix m) {
        if (m == null) throw new IllegalArgumentException("native matrix is null");
        NativeMatrix moved = m.takeOwnership();
        int rows = moved.rows(), cols = moved.cols();
        if (moved.lender() instanceof ArrayLender lent && Arrays.equals(lent.array.shape(), new long[] {rows, cols}))
            return lent.array;
        if (!onCpu() || (long) rows * cols == 0) {
            INDArray copy = Nd4j.create(moved.toColumnMajorArray(), new long[] {rows, cols}, 'f');
            moved.close();
            return copy;
        }
        long n = (long) rows * cols;
        // why our own pointer class: ND4J keeps the Pointer object it is given for the buffer's life, and
        // through it the handle, whose allocation is freed only once nothing refers to the handle any more
        DoublePointer memory = new Keeper(moved.pointer(), moved).capacity(n).limit(n);
        DataBuffer buffer =
                Nd4j.getDataBufferFactory().create(memory, DataType.DOUBLE, n, DoubleIndexer.create(memory));
        return Nd4j.create(buffer, new long[] {rows, cols}, new long[] {1, rows}, 0, 'f', DataType.DOUBLE);
    }

    /** A new column-major ND4J array with the entries of {@code m} (one copy): DOUBLE, or FLOAT for a float32 matrix. */
    public static INDArray of(Matrix m) {
        if (m == null) throw new IllegalArgumentException("matrix is null");
        int rows = m.rows(), cols = m.cols();
        long n = (long) rows * cols;
        boolean f32 = m.dtype() == DType.FLOAT32;
        if (!onCpu() || n == 0) { // ND4J copies a heap array into its memory (untested on CUDA, see toMatrix)
            if (!f32) return Nd4j.create(m.toColumnMajor(), new long[] {rows, cols}, 'f');
            float[] cm = new float[(int) n];
            for (int j = 0, k = 0; j < cols; j++) for (int i = 0; i < rows; i++) cm[k++] = (float) m.get(i, j);
            return Nd4j.create(cm, new long[] {rows, cols}, 'f');
        }
        // one copy: straight from the heap matrix into ND4J's memory
        INDArray a = Nd4j.createUninitialized(f32 ? DataType.FLOAT : DataType.DOUBLE, new long[] {rows, cols}, 'f');
        try {
            if (f32) {
                FloatIndexer out = FloatIndexer.create(
                        new FloatPointer(a.data().addressPointer()).capacity(n).limit(n));
                for (int j = 0, k = 0; j < cols; j++) for (int i = 0; i < rows; i++) out.put(k++, (float) m.get(i, j));
            } else {
                DoubleIndexer out = DoubleIndexer.create(
                        new DoublePointer(a.data().addressPointer()).capacity(n).limit(n));
                for (int j = 0, k = 0; j < cols; j++) for (int i = 0; i < rows; i++) out.put(k++, m.get(i, j));
            }
        } finally {
            Reference.reachabilityFence(a);
        }
        return a;
    }

    /** A new rank-1 DOUBLE array with the entries of {@code v} (one copy), or null for null. */
    public static INDArray of(double[] v) {
        return v == null ? null : Nd4j.createFromArray(v.clone());
    }

    /** Null, not rank 2, empty or too large for a matrix: an {@link InvalidInputException} naming {@code name}. */
    private static void requireMatrix(INDArray array, String name) {
        if (array == null) throw new InvalidInputException(name, "is null");
        if (array.isEmpty() || array.length() == 0)
            throw new InvalidInputException(
                    name,
                    "is an empty ND4J array (shape " + Arrays.toString(array.shape())
                            + "); need at least one row and one column");
        if (array.rank() != 2)
            throw new InvalidInputException(
                    name,
                    "is an ND4J array of rank " + array.rank() + " (shape " + Arrays.toString(array.shape())
                            + "); ntk4j takes matrices (rank 2): reshape a vector of n values to n x 1 with reshape('f', n, 1)");
        if (array.length() > Integer.MAX_VALUE - 8)
            throw new InvalidInputException(
                    name,
                    "has " + array.length() + " entries (shape " + Arrays.toString(array.shape())
                            + "), more than one ntk4j matrix holds (2^31-9); pass it in blocks of rows");
    }

    /** Why {@code array} (a valid matrix) cannot be shared without a copy, or null when it can. */
    private static String zeroCopyRefusal(INDArray array) {
        if (array.isEmpty() || array.rank() != 2 || array.length() > Integer.MAX_VALUE - 8)
            return "is not a non-empty matrix";
        if (!onCpu())
            return "lives on ND4J's " + Nd4j.getBackend().getClass().getSimpleName()
                    + " backend, whose memory is not host memory";
        if (array.dataType() != DataType.DOUBLE) return "is of type " + array.dataType() + ", not DOUBLE (float64)";
        if (array.isAttached())
            return "is attached to an ND4J workspace, which reuses its memory when the workspace closes"
                    + " (detach() it first)";
        if (array.offset() != 0) return "is a view at offset " + array.offset() + " into another array";
        long rows = array.rows(), cols = array.columns();
        long[] stride = array.stride();
        // column-major: entry (i, j) at i + j*rows; a dimension of extent 1 may carry any stride
        if ((rows > 1 && stride[0] != 1) || (cols > 1 && stride[1] != rows))
            return "has strides " + Arrays.toString(stride) + " (order '" + array.ordering()
                    + "'), not the column-major" + " contiguous layout [1, " + rows + "] ('f' order without gaps)";
        return null;
    }

    /** Whether ND4J's backend keeps arrays in host memory (nd4j-native). */
    static boolean onCpu() {
        return Nd4j.getEnvironment().isCPU();
    }

    /** The owner of memory lent to a {@link NativeMatrix}: an ND4J array, freed when it is closed or collected. */
    private record ArrayLender(INDArray array) implements NativeMatrix.Lender {
        @Override
        public boolean released() {
            return array.wasClosed();
        }

        @Override
        public String toString() {
            return "ND4J array " + Arrays.toString(array.shape()).replace(", ", "x") + " "
                    + array.dataType().toString().toLowerCase(Locale.ROOT);
        }
    }

    /** A pointer to a handle's memory that keeps the handle (and so its allocation) reachable. */
    private static final class Keeper extends DoublePointer {
        @SuppressWarnings({"unused", "FieldCanBeLocal"}) // held for reachability only
        private final NativeMatrix owner;

        Keeper(DoublePointer memory, NativeMatrix owner) {
            super(memory);
            this.owner = owner;
        }
    }
}
