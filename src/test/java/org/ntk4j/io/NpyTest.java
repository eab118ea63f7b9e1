package org.ntk4j.io;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.Matrix;

class NpyTest {
    @TempDir
    Path dir;

    static Matrix random(int rows, int cols, long seed) {
        Random r = new Random(seed);
        double[] d = new double[rows * cols];
        for (int k = 0; k < d.length; k++) d[k] = r.nextGaussian() * Math.exp(10 * r.nextGaussian());
        return Matrix.wrapColumnMajor(rows, cols, d);
    }

    /** A .npy file with the given header dict and raw little-endian data, as numpy lays it out. */
    static Path raw(Path file, int major, String dict, byte[] data) throws IOException {
        int prefix = major == 1 ? 10 : 12;
        int total = (prefix + dict.length() + 1 + 63) / 64 * 64;
        String h = dict + " ".repeat(total - prefix - dict.length() - 1) + "\n";
        ByteBuffer b = ByteBuffer.allocate(total + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(NpyHeader.MAGIC).put((byte) major).put((byte) 0);
        if (major == 1) b.putShort((short) h.length());
        else b.putInt(h.length());
        b.put(h.getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1))
                .put(data);
        Files.write(file, b.array());
        return file;
    }

    static byte[] doubles(double... v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double x : v) b.putDouble(x);
        return b.array();
    }

    static String message(Runnable r) {
        return assertThrows(InvalidInputException.class, r::run).getMessage();
    }

    @Test
    void float64RoundTripIsBitExactForManyShapes() {
        int[][] shapes = {{1, 1}, {3, 4}, {1, 7}, {7, 1}, {0, 3}, {400, 401}, {3, 50000}};
        for (int[] s : shapes) {
            Matrix m = random(s[0], s[1], s[0] * 31L + s[1]);
            Path f = dir.resolve("m" + s[0] + "x" + s[1] + ".npy");
            Npy.write(f, m);
            NpyArray a = Npy.readArray(f, ReadOptions.defaults());
            assertFalse(a.vector());
            assertEquals(NpyDType.FLOAT64, a.dtype());
            assertEquals(m, a.matrix(), "shape " + s[0] + "x" + s[1]);
        }
    }

    /** Native matrices are written byte for byte as their heap copies (C order), symmetric or not, float64 and float32. */
    @Test
    void nativeMatrixWritesTheSameBytesAsTheHeapMatrix() throws IOException {
        int[][] shapes = {{1, 1}, {5, 3}, {3, 5}, {400, 401}, {401, 400}, {2, 70000}, {70000, 2}};
        for (int[] s : shapes) {
            Matrix m = random(s[0], s[1], s[0] * 17L + s[1]);
            for (DType t : DType.values()) check(m, t, false);
        }
        for (int n : new int[] {1, 7, 400, 513}) { // symmetric: the bytes go straight from native memory (f64)
            Matrix a = random(n, n, n);
            double[] sym = new double[n * n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) sym[i + j * n] = a.get(Math.min(i, j), Math.max(i, j));
            Matrix m = Matrix.wrapColumnMajor(n, n, sym);
            for (DType t : DType.values()) check(m, t, true);
        }
        try (org.ntk4j.linalg.NativeMatrix nm = org.ntk4j.linalg.NativeMatrix.copyOf(random(2, 3, 1), "x")) {
            assertThrows(
                    IllegalArgumentException.class, () -> Npy.write(dir.resolve("bad.npy"), nm, DType.FLOAT64, true));
        }
    }

    private void check(Matrix m, DType t, boolean symmetric) throws IOException {
        Path heap = dir.resolve("heap.npy"), nat = dir.resolve("native.npy");
        Npy.write(heap, m, t);
        try (org.ntk4j.linalg.NativeMatrix nm = org.ntk4j.linalg.NativeMatrix.copyOf(m, "test")) {
            Npy.write(nat, nm, t, symmetric);
        }
        assertArrayEquals(
                Files.readAllBytes(heap),
                Files.readAllBytes(nat),
                m.rows() + "x" + m.cols() + " " + t + " symmetric=" + symmetric);
    }

    @Test
    void headerIsPaddedTo64BytesAndDataIsCOrder() throws IOException {
        Matrix m = Matrix.of(new double[][] {{1, 2, 3}, {4, 5, 6}});
        Path f = dir.resolve("c.npy");
        Npy.write(f, m);
        byte[] bytes = Files.readAllBytes(f);
        assertEquals(128 + 6 * 8, bytes.length);
        String header = new String(bytes, 10, 118, StandardCharsets.ISO_8859_1);
        assertTrue(header.startsWith("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }"), header);
        assertEquals('\n', header.charAt(117));
        ByteBuffer b = ByteBuffer.wrap(bytes, 128, 48).order(ByteOrder.LITTLE_ENDIAN);
        for (int k = 1; k <= 6; k++) assertEquals(k, b.getDouble());
    }

    @Test
    void float32WriteRoundsAndKeepFloat32KeepsIt() {
        Matrix m = random(5, 3, 7);
        Path f = dir.resolve("f.npy");
        Npy.write(f, m, DType.FLOAT32);
        NpyArray a = Npy.readArray(f, ReadOptions.defaults());
        assertEquals(NpyDType.FLOAT32, a.dtype());
        assertEquals(DType.FLOAT64, a.matrix().dtype());
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 3; j++)
                assertEquals((double) (float) m.get(i, j), a.matrix().get(i, j));
        Matrix kept = Npy.read(f, ReadOptions.defaults().withKeepFloat32(true));
        assertEquals(m.as(DType.FLOAT32), kept);
    }

    @Test
    void largeWritesSpanningSeveralBuffersRoundTrip() {
        // beyond the 1 MiB write buffer: several row blocks (matrices) and several chunks (vectors)
        Matrix m = random(700, 400, 11);
        Path f = dir.resolve("big32.npy");
        Npy.write(f, m, DType.FLOAT32);
        assertEquals(m.as(DType.FLOAT32), Npy.read(f, ReadOptions.defaults().withKeepFloat32(true)));
        double[] v = random(300_001, 1, 12).toColumnMajor();
        Path g = dir.resolve("bigv.npy");
        Npy.writeVector(g, v);
        assertArrayEquals(v, Npy.readVector(g));
        Npy.writeVector(g, v, DType.FLOAT32);
        double[] back = Npy.readVector(g);
        for (int k = 0; k < v.length; k++) assertEquals((float) v[k], back[k]);
    }

    @Test
    void vectorsRoundTripAs1D() throws IOException {
        double[] v = random(9, 1, 3).toColumnMajor();
        Path f = dir.resolve("v.npy");
        Npy.writeVector(f, v);
        assertTrue(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains("'shape': (9,)"));
        NpyArray a = Npy.readArray(f, ReadOptions.defaults());
        assertTrue(a.vector());
        assertEquals(9, a.matrix().rows());
        assertEquals(1, a.matrix().cols());
        assertArrayEquals(v, a.toVector());
        assertArrayEquals(v, Npy.readVector(f));
        Npy.writeVector(f, v, DType.FLOAT32);
        double[] back = Npy.readVector(f);
        for (int k = 0; k < v.length; k++) assertEquals((float) v[k], back[k]);
    }

    @Test
    void readsVersions2And3FortranOrderAndIntegers() throws IOException {
        // 2×3 matrix [[1,2,3],[4,5,6]] stored column-major: 1,4,2,5,3,6.
        Matrix expect = Matrix.of(new double[][] {{1, 2, 3}, {4, 5, 6}});
        Path f2 = raw(
                dir.resolve("v2.npy"),
                2,
                "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }",
                doubles(1, 4, 2, 5, 3, 6));
        assertEquals(expect, Npy.read(f2));
        Path f3 = raw(
                dir.resolve("v3.npy"),
                3,
                "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }",
                doubles(1, 2, 3, 4, 5, 6));
        assertEquals(expect, Npy.read(f3));
        ByteBuffer i8 = ByteBuffer.allocate(48).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : new long[] {1, 2, 3, 4, 5, 6}) i8.putLong(v);
        assertEquals(
                expect,
                Npy.read(raw(
                        dir.resolve("i8.npy"),
                        1,
                        "{'descr': '<i8', 'fortran_order': False, 'shape': (2, 3), }",
                        i8.array())));
        ByteBuffer i4 = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : new int[] {-7, 0, 2147483647}) i4.putInt(v);
        assertArrayEquals(
                new double[] {-7, 0, 2147483647},
                Npy.readVector(raw(
                        dir.resolve("i4.npy"),
                        1,
                        "{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }",
                        i4.array())));
        ByteBuffer f4 = ByteBuffer.allocate(8)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putFloat(0.1f)
                .putFloat(-2.5f);
        assertArrayEquals(
                new double[] {0.1f, -2.5f},
                Npy.readVector(raw(
                        dir.resolve("f4.npy"),
                        1,
                        "{'descr': '=f4', 'fortran_order': True, 'shape': (1, 2), }",
                        f4.array())));
    }

    @Test
    void rejectsBigEndianComplexAnd3D() throws IOException {
        String m = message(() -> Npy.read(uncheck(() -> raw(
                dir.resolve("be.npy"), 1, "{'descr': '>f8', 'fortran_order': False, 'shape': (1,), }", new byte[8]))));
        assertTrue(m.contains("big-endian dtype '>f8'") && m.contains("astype('<f8')") && m.contains("be.npy"), m);
        m = message(() -> Npy.read(uncheck(() -> raw(
                dir.resolve("c.npy"), 1, "{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", new byte[16]))));
        assertTrue(m.contains("dtype '<c16' (complex, 16 bytes) is not supported") && m.contains("float64"), m);
        m = message(() -> Npy.read(uncheck(() -> raw(
                dir.resolve("u.npy"), 1, "{'descr': '|u1', 'fortran_order': False, 'shape': (1,), }", new byte[1]))));
        assertTrue(m.contains("'|u1' (unsigned integer, 1 bytes)"), m);
        m = message(() -> Npy.read(uncheck(() -> raw(
                dir.resolve("rec.npy"),
                1,
                "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,), }",
                new byte[8]))));
        assertTrue(m.contains("structured"), m);
        m = message(() -> Npy.read(uncheck(() -> raw(
                dir.resolve("t.npy"),
                1,
                "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1, 2), }",
                new byte[16]))));
        assertTrue(m.contains("is 3-D with shape (1, 1, 2)") && m.contains("reshape"), m);
        m = message(() -> Npy.read(uncheck(() ->
                raw(dir.resolve("s.npy"), 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (), }", new byte[8]))));
        assertTrue(m.contains("0-d scalar"), m);
    }

    @Test
    void rejectsTruncatedAndForeignFiles() throws IOException {
        Path f = dir.resolve("trunc.npy");
        raw(f, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", doubles(1, 2, 3, 4, 5));
        String m = message(() -> Npy.read(f));
        assertTrue(
                m.startsWith("input: ")
                        && m.contains("trunc.npy is truncated")
                        && m.contains("needs 48 data bytes, the file has 40"),
                m);
        Path h = dir.resolve("head.npy");
        Files.write(h, new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 100, 0, '{'});
        assertTrue(message(() -> Npy.read(h)).contains("head.npy is truncated"));
        Path csv = dir.resolve("text.npy");
        Files.writeString(csv, "1,2,3\n");
        m = message(() -> Npy.read(csv, ReadOptions.forArgument("--x1")));
        assertTrue(m.startsWith("--x1: ") && m.contains("text.npy is not a .npy file"), m);
        Path empty = dir.resolve("empty.npy");
        Files.write(empty, new byte[0]);
        assertTrue(message(() -> Npy.read(empty)).contains("is not a .npy file"));
        Path v9 = dir.resolve("v9.npy");
        Files.write(v9, new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 9, 0, 0, 0});
        assertTrue(message(() -> Npy.read(v9)).contains("unsupported .npy format version 9.0"));
        assertEquals(
                "--x1: file not found: " + dir.resolve("nope.npy"),
                message(() -> Npy.read(dir.resolve("nope.npy"), ReadOptions.forArgument("--x1"))));
        assertTrue(message(() -> Npy.read(dir)).contains("is a directory"));
    }

    @Test
    void nonFiniteValuesAreReportedByRowAndColumnUnlessAllowed() throws IOException {
        Path f = raw(
                dir.resolve("nan.npy"),
                1,
                "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }",
                doubles(1, 2, 3, Double.NaN, Double.POSITIVE_INFINITY, 6));
        String m = message(() -> Npy.read(f, ReadOptions.forArgument("--x1")));
        assertTrue(
                m.startsWith("--x1: ")
                        && m.contains("nan.npy has NaN at row 1, column 1 (0-based) and 1 more non-finite value"),
                m);
        Matrix allowed = Npy.read(f, ReadOptions.defaults().withCheckFinite(false));
        assertTrue(Double.isNaN(allowed.get(1, 1)));
        assertEquals(Double.POSITIVE_INFINITY, allowed.get(2, 0));
        Path v = raw(
                dir.resolve("inf.npy"),
                1,
                "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }",
                ByteBuffer.allocate(12)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .putFloat(1)
                        .putFloat(2)
                        .putFloat(Float.NEGATIVE_INFINITY)
                        .array());
        assertTrue(message(() -> Npy.readVector(v)).contains("has -Inf at index 2 (0-based);"));
    }

    @Test
    void readVectorRejectsMatrices() {
        Path f = dir.resolve("m.npy");
        Npy.write(f, random(3, 2, 1));
        assertTrue(message(() -> Npy.readVector(f)).contains("has shape (3, 2); expected a vector"));
        Npy.write(f, random(1, 4, 1));
        assertEquals(4, Npy.readVector(f).length);
    }

    @Test
    void failedWriteLeavesNoFileAndNamesIt() {
        Path f = dir.resolve("missing-dir").resolve("x.npy");
        var e = assertThrows(org.ntk4j.error.Ntk4jException.class, () -> Npy.write(f, random(2, 2, 1)));
        assertTrue(e.getMessage().startsWith("cannot write " + f), e.getMessage());
        assertFalse(Files.exists(f));
    }

    interface IoSupplier<T> {
        T get() throws IOException;
    }

    static <T> T uncheck(IoSupplier<T> s) {
        try {
            return s.get();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
