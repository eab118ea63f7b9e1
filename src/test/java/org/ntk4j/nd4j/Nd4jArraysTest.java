package org.ntk4j.nd4j;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.linalg.NativeMatrix;

/**
 * {@link Nd4jArrays}: what shares memory (proven by address and by writes through one side read
 * through the other), what copies (and that it is a copy), and the typed errors.
 */
class Nd4jArraysTest {
    /** A rows×cols DOUBLE array of distinct values in the given order. */
    static INDArray distinct(int rows, int cols, char order) {
        INDArray a = Nd4j.create(DataType.DOUBLE, new long[] {rows, cols}, order);
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) a.putScalar(i, j, 10 * i + j + 0.25);
        return a;
    }

    static void sameEntries(INDArray a, Matrix m) {
        assertEquals(a.rows(), m.rows());
        assertEquals(a.columns(), m.cols());
        for (int i = 0; i < m.rows(); i++)
            for (int j = 0; j < m.cols(); j++)
                assertEquals(
                        Double.doubleToRawLongBits(a.getDouble(i, j)),
                        Double.doubleToRawLongBits(m.get(i, j)),
                        "(" + i + ", " + j + ")");
    }

    @Test
    void anFOrderFloat64ArrayIsSharedWithoutACopy() {
        INDArray a = distinct(4, 3, 'f');
        assertTrue(Nd4jArrays.isZeroCopy(a));
        try (NativeMatrix m = Nd4jArrays.toNative(a, "a")) {
            assertEquals(a.data().addressPointer().address(), m.pointer().address(), "same address");
            assertEquals(4, m.rows());
            assertEquals(3, m.cols());
            assertEquals(21.25, m.get(2, 1));
            m.set(3, 2, -1.5); // write through the matrix ...
            assertEquals(-1.5, a.getDouble(3, 2)); // ... read through the array
            a.putScalar(0, 1, 99.0); // and the other way round
            assertEquals(99.0, m.get(0, 1));
        }
        assertEquals(-1.5, a.getDouble(3, 2), "closing the view leaves the array and its memory alone");
    }

    @Test
    void layoutsIdenticalToColumnMajorAreSharedToo() {
        INDArray column = distinct(5, 1, 'c'); // an n x 1 column is column-major whatever its order
        INDArray row = distinct(1, 5, 'f');
        for (INDArray a : new INDArray[] {column, row}) {
            assertTrue(Nd4jArrays.isZeroCopy(a), a.shapeInfoToString());
            try (NativeMatrix m = Nd4jArrays.toNative(a, "a")) {
                assertEquals(a.data().addressPointer().address(), m.pointer().address());
                m.set((int) a.rows() - 1, (int) a.columns() - 1, 7);
                assertEquals(7, a.getDouble(a.rows() - 1, a.columns() - 1));
            }
        }
    }

    @Test
    void everyOtherArrayIsRefusedWithTheReasonAndTheRemedy() {
        INDArray f = distinct(5, 4, 'f');
        Object[][] cases = {
            {distinct(3, 2, 'c'), "not the column-major"},
            {distinct(3, 2, 'f').castTo(DataType.FLOAT), "FLOAT, not DOUBLE"},
            {f.get(NDArrayIndex.all(), NDArrayIndex.interval(1, 3)), "offset 5"}, // contiguous, but at an offset
            {f.get(NDArrayIndex.interval(0, 3), NDArrayIndex.all()), "strides [1, 5]"}, // gaps between columns
            {f.transpose(), "not the column-major"},
        };
        for (Object[] c : cases) {
            INDArray a = (INDArray) c[0];
            assertFalse(Nd4jArrays.isZeroCopy(a), a.shapeInfoToString());
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> Nd4jArrays.toNative(a, "kernel"));
            assertEquals("kernel", e.argument());
            assertTrue(e.getMessage().contains((String) c[1]), e.getMessage());
            assertTrue(e.getMessage().contains("dup('f')") && e.getMessage().contains("toMatrix"), e.getMessage());
        }
    }

    @Test
    void anArrayInAWorkspaceIsNotShared() {
        WorkspaceConfiguration conf =
                WorkspaceConfiguration.builder().initialSize(1 << 20).build();
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(conf, "nd4j-interop-test")) {
            INDArray a = Nd4j.create(DataType.DOUBLE, new long[] {3, 3}, 'f');
            assertTrue(a.isAttached());
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> Nd4jArrays.toNative(a, "k"));
            assertTrue(e.getMessage().contains("workspace"), e.getMessage());
            sameEntries(a, Nd4jArrays.toMatrix(a, "k")); // the copy is fine
        }
    }

    @Test
    void toMatrixMakesOneHeapCopyOfAnyLayout() {
        INDArray f = distinct(5, 4, 'f'), c = distinct(5, 4, 'c');
        INDArray[] arrays = {
            f,
            c,
            f.get(NDArrayIndex.all(), NDArrayIndex.interval(1, 3)), // offset
            f.get(NDArrayIndex.interval(1, 4), NDArrayIndex.interval(1, 3)), // offset and gaps
            c.get(NDArrayIndex.interval(1, 4), NDArrayIndex.interval(0, 4, 2)), // strided view of a 'c' array
            f.transpose(),
            c.transpose(),
        };
        for (INDArray a : arrays) {
            Matrix m = Nd4jArrays.toMatrix(a, "x");
            assertEquals(DType.FLOAT64, m.dtype());
            sameEntries(a, m);
            double before = m.get(0, 0);
            a.putScalar(0, 0, -1e9);
            assertEquals(before, m.get(0, 0), "a copy: later writes to the array do not show");
        }
    }

    @Test
    void float32StaysFloat32OnTheHeap() {
        Random r = new Random(3);
        INDArray a = Nd4j.create(DataType.FLOAT, new long[] {6, 3}, 'c');
        for (int i = 0; i < 6; i++) for (int j = 0; j < 3; j++) a.putScalar(i, j, (float) r.nextGaussian());
        Matrix m = Nd4jArrays.toMatrix(a, "x");
        assertEquals(DType.FLOAT32, m.dtype());
        for (int i = 0; i < 6; i++) for (int j = 0; j < 3; j++) assertEquals(a.getFloat(i, j), (float) m.get(i, j));
        INDArray back = Nd4jArrays.of(m);
        assertEquals(DataType.FLOAT, back.dataType());
        assertEquals(a, back);
    }

    @Test
    void wrongArgumentsAreTypedErrorsNamingTheArgument() {
        Object[][] cases = {
            {null, "is null"},
            {Nd4j.createFromArray(1.0, 2.0, 3.0), "rank 1"},
            {Nd4j.create(DataType.DOUBLE, 2, 2, 2), "rank 3"},
            {Nd4j.create(DataType.DOUBLE, 0, 3), "empty"},
            {Nd4j.empty(DataType.DOUBLE), "empty"},
            {Nd4j.create(DataType.INT32, 2, 2), "castTo(DataType.DOUBLE)"},
            {Nd4j.create(DataType.HALF, 2, 2), "HALF"},
        };
        for (Object[] c : cases) {
            INDArray a = (INDArray) c[0];
            InvalidInputException e =
                    assertThrows(InvalidInputException.class, () -> Nd4jArrays.toMatrix(a, "xTrain"), (String) c[1]);
            assertEquals("xTrain", e.argument());
            assertTrue(e.getMessage().contains((String) c[1]), e.getMessage());
            if (c[0] != null && ((INDArray) c[0]).dataType() == DataType.DOUBLE)
                assertEquals(
                        "xTrain",
                        assertThrows(InvalidInputException.class, () -> Nd4jArrays.toNative(a, "xTrain"))
                                .argument());
        }
        assertFalse(Nd4jArrays.isZeroCopy(null));
    }

    @Test
    void anOffHeapMatrixBecomesAnArrayOverTheSameMemory() {
        NativeMatrix m = NativeMatrix.zeros(3, 4, "result");
        for (int j = 0; j < 4; j++) for (int i = 0; i < 3; i++) m.set(i, j, i - 2.0 * j);
        long address = m.pointer().address();
        INDArray a = Nd4jArrays.of(m);
        assertEquals(address, a.data().addressPointer().address(), "same memory, not a copy");
        assertEquals(DataType.DOUBLE, a.dataType());
        assertEquals('f', a.ordering());
        assertArrayEquals(new long[] {3, 4}, a.shape());
        for (int j = 0; j < 4; j++) for (int i = 0; i < 3; i++) assertEquals(i - 2.0 * j, a.getDouble(i, j));
        // the handle was handed over: it refuses access, and closing it frees nothing
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.get(0, 0));
        assertTrue(e.getMessage().contains("handed over"), e.getMessage());
        m.close();
        // ND4J computes on it, and a view of it shares it back
        assertEquals(a.sumNumber().doubleValue(), a.dup('c').sumNumber().doubleValue());
        try (NativeMatrix view = Nd4jArrays.toNative(a, "a")) {
            a.putScalar(2, 3, 123.0);
            assertEquals(123.0, view.get(2, 3));
            assertEquals(address, view.pointer().address());
        }
    }

    @Test
    void aViewHandedBackGivesTheArrayItself() {
        INDArray a = distinct(3, 3, 'f');
        NativeMatrix view = Nd4jArrays.toNative(a, "a");
        assertSame(a, Nd4jArrays.of(view));
        assertThrows(IllegalStateException.class, () -> view.get(0, 0)); // handed over
        view.close(); // frees nothing
        assertEquals(0.25, a.getDouble(0, 0));
    }

    @Test
    void heapMatricesAndVectorsAreCopied() {
        Matrix m = Matrix.of(new double[][] {{1, 2, 3}, {4, 5, 6}});
        INDArray a = Nd4jArrays.of(m);
        assertEquals(DataType.DOUBLE, a.dataType());
        assertEquals('f', a.ordering());
        sameEntries(a, m);
        INDArray v = Nd4jArrays.of(new double[] {1.5, -2});
        assertEquals(1, v.rank());
        assertArrayEquals(new double[] {1.5, -2}, v.toDoubleVector());
        assertNull(Nd4jArrays.of((double[]) null));
    }
}
