package org.ntk4j.io;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.Matrix;

class CsvTest {
    @TempDir
    Path dir;

    Path file(String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    String error(Path f) {
        return assertThrows(InvalidInputException.class, () -> Csv.read(f, ReadOptions.forArgument("--x1")))
                .getMessage();
    }

    @Test
    void readsWithAndWithoutHeaderCommentsQuotesAndCrlf() throws IOException {
        Matrix expect = Matrix.of(new double[][] {{1, -2.5, 3e-4}, {0.5, 1e10, -7}});
        assertEquals(expect, Csv.read(file("a.csv", "1,-2.5,3e-4\n0.5,1e10,-7\n")));
        assertEquals(
                expect,
                Csv.read(file(
                        "b.csv", "# made by numpy.savetxt\nx1, x2 ,\"x 3\"\n\n1, -2.5 ,\"3e-4\"\r\n0.5,1E+10,-7")));
        assertEquals(expect, Csv.read(file("c.csv", "\"a\",\"b\",\"c\"\r\n+1,-2.5,.0003\r\n.5,10000000000.,-7.0\r\n")));
        assertEquals(Matrix.column(new double[] {1, 2, 3}), Csv.read(file("d.csv", "y\n1\n2\n3\n")));
        assertEquals(expect, Csv.read(file("bom.csv", "\uFEFF1,-2.5,3e-4\n0.5,1e10,-7\n")));
    }

    @Test
    void nonFiniteTokensAreRejectedWithLineAndColumnUnlessAllowed() throws IOException {
        Path f = file("n.csv", "a,b\n1,2\n3,nan\n-inf,4\n");
        assertEquals("--x1: " + f + " line 3, column 2: 'nan'; inputs must be finite: remove or impute it", error(f));
        Matrix m = Csv.read(f, ReadOptions.defaults().withCheckFinite(false));
        assertTrue(Double.isNaN(m.get(1, 1)));
        assertEquals(Double.NEGATIVE_INFINITY, m.get(2, 0));
    }

    @Test
    void badDataIsNamedByFileLineAndColumn() throws IOException {
        Path f = file("t.csv", "1,2\n3,x4\n");
        assertEquals("--x1: " + f + " line 2, column 2: 'x4' is not a number", error(f));
        f = file("e.csv", "# c\n1,2\n\n3,\n");
        assertEquals("--x1: " + f + " line 4, column 2: empty field is not a number", error(f));
        f = file("r.csv", "1,2\n3,4,5\n");
        assertEquals("--x1: " + f + " line 2 has 3 columns, expected 2 (as in the first data row)", error(f));
        f = file("m.csv", "1,abc\n3,4\n");
        assertEquals(
                "--x1: " + f + " line 1, column 2: 'abc' is not a number (a header row must have only names)",
                error(f));
        f = file("j.csv", "1,2f\n");
        assertTrue(error(f).contains("'2f' is not a number"));
        assertEquals("--x1: " + dir.resolve("h.csv") + " has no data rows", error(file("h.csv", "x,y\n")));
        assertTrue(error(file("z.csv", "")).endsWith("has no data rows"));
        Path bin = dir.resolve("bin.csv");
        Files.write(bin, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2});
        assertTrue(error(bin).contains("is not a UTF-8 text file"), error(bin));
    }

    @Test
    void matrixReaderDispatchesOnExtension() throws IOException {
        Matrix m = Matrix.of(new double[][] {{1, 2}, {3, 4}});
        Path npy = dir.resolve("m.NPY");
        Npy.write(npy, m);
        assertEquals(m, MatrixReader.read(npy));
        assertEquals(m, MatrixReader.read(file("m.csv", "1,2\n3,4\n")));
        assertArrayEquals(
                new double[] {1, 3}, MatrixReader.readVector(file("v.csv", "1\n3\n"), ReadOptions.defaults()));
        Path txt = file("m.txt", "1,2\n");
        assertEquals(
                "--x1: " + txt + ": unsupported file type '.txt'; give a .npy file (numpy.save) or a numeric .csv file",
                assertThrows(InvalidInputException.class, () -> MatrixReader.read(txt, ReadOptions.forArgument("--x1")))
                        .getMessage());
        Path none = file("noext", "1\n");
        assertTrue(assertThrows(InvalidInputException.class, () -> MatrixReader.read(none))
                .getMessage()
                .contains("(no extension)"));
        assertEquals(
                "--x1: file not found: missing.txt",
                assertThrows(
                                InvalidInputException.class,
                                () -> MatrixReader.read(Path.of("missing.txt"), ReadOptions.forArgument("--x1")))
                        .getMessage());
    }
}
