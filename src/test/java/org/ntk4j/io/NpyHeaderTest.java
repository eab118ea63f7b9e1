package org.ntk4j.io;

import static org.junit.jupiter.api.Assertions.*;
import static org.ntk4j.io.NpyTest.doubles;
import static org.ntk4j.io.NpyTest.message;
import static org.ntk4j.io.NpyTest.raw;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.testing.FuzzTally;

/**
 * The .npy header parsed as numpy parses it (a Python dict literal with exactly three keys), and
 * the crafted headers that a first-match regex reader misread: each case says what numpy 2.4 does.
 */
class NpyHeaderTest {
    @TempDir
    Path dir;

    private static final Matrix M23 = Matrix.of(new double[][] {{1, 2, 3}, {4, 5, 6}});
    private static final byte[] DATA23 = doubles(1, 2, 3, 4, 5, 6);

    private Path file(String dict, byte[] data) throws IOException {
        return raw(dir.resolve("h.npy"), 1, dict, data);
    }

    /** The header is rejected with one clean line containing {@code fragment}. */
    private void rejects(String dict, String fragment) throws IOException {
        Path f = file(dict, DATA23);
        String m = message(() -> Npy.read(f));
        assertNull(FuzzTally.messageProblem(m), m);
        assertTrue(m.contains(fragment), m);
    }

    @Test
    void spellingsNumpyAcceptsAreReadTheSame() throws IOException {
        for (String dict : new String[] {
            "{\"descr\": \"<f8\", \"fortran_order\": False, \"shape\": (2, 3)}", // double quotes, no trailing comma
            "{'shape': (2, 3), 'fortran_order': False, 'descr': '<f8'}", // any key order
            " \t{ 'descr' :'<f8' ,\n'fortran_order':False,'shape':( 2 ,3 ,) ,}", // whitespace, trailing commas
            "{'descr': '\\x3cf8', 'fortran_order': False, 'shape': ((2, 3))}", // an escape; grouping parentheses
            "{'descr': '<f8', 'fortran_order': False, 'shape': (2L, 3L)}", // Python 2's long ints (format 1.0)
            "{'descr': '<f8', 'fortran_order': False, 'shape': (+2, 3)}"
        }) {
            assertEquals(M23, Npy.read(file(dict, DATA23)), dict);
        }
        Path v3 = raw(dir.resolve("v3.npy"), 3, "{'descr': '<f8', 'fortran_order': False, 'shape': (2L, 3L)}", DATA23);
        assertTrue(
                message(() -> Npy.read(v3)).contains("malformed header: not a decimal integer"),
                "numpy rejects L in 3.0 too");
    }

    @Test
    void duplicateKeysAreRejectedAsAmbiguous() throws IOException {
        // numpy keeps the last 'shape' (2, 3); a first-match reader took (1,) and read one value.
        rejects(
                "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'shape': (2, 3)}",
                "key 'shape' appears twice (ambiguous)");
        rejects(
                "{'descr': '<f4', 'descr': '<f8', 'fortran_order': False, 'shape': (2, 3)}",
                "key 'descr' appears twice");
        rejects("{'a\\n': 1, 'a\\n': 2}", "key 'a\\n' appears twice");
    }

    @Test
    void decoyKeysInsideStringsAndWrongKeySetsAreRejected() throws IOException {
        rejects(
                "{'descr': \"<f8', 'shape': (1,), '\", 'fortran_order': False, 'shape': (2, 3)}",
                "dtype \"<f8', 'shape': (1,), '\" (float) is not supported");
        rejects(
                "{'note': \"'shape': (1,)\", 'descr': '<f8', 'fortran_order': False, 'shape': (2, 3)}",
                "the header has the keys '[descr, fortran_order, note, shape]'; expected exactly");
        rejects("{'descr': '<f8', 'fortran_order': False}", "[descr, fortran_order]");
    }

    @Test
    void valuesOfTheWrongTypeAreRejected() throws IOException {
        rejects("{'descr': '<f8', 'fortran_order': 0, 'shape': (2, 3)}", "fortran_order is not True or False: '0'");
        rejects(
                "{'descr': '<f8', 'fortran_order': False, 'shape': [2, 3]}",
                "shape is not a tuple of integers: '[2, 3]'");
        rejects(
                "{'descr': '<f8', 'fortran_order': False, 'shape': (True, 6)}",
                "shape is not a tuple of integers: '(True, 6)'");
        rejects(
                "{'descr': '<f8', 'fortran_order': False, 'shape': (-2, -3)}",
                "dimension '-2' in shape '(-2, -3)' is negative");
        rejects("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,)}", "is too large");
        rejects("{'descr': 8, 'fortran_order': False, 'shape': (6,)}", "descr is not a dtype string");
        rejects(
                "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3)} # note",
                "unexpected text after the literal"); // comments: numpy accepts them, ntk4j does not (stricter)
    }

    @Test
    void headerLengthVersionAndDataSizeMustAgree() throws IOException {
        Path f = file("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", DATA23);
        byte[] b = Files.readAllBytes(f);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort(8, (short)
                (b.length - 48 - 10 + 8)); // swallows one value
        Files.write(f, b);
        String m = message(() -> Npy.read(f));
        assertTrue(m.contains("malformed header"), m);

        Path extra = dir.resolve("extra.npy");
        raw(extra, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", doubles(1, 2, 3, 4, 5, 6, 7));
        m = message(() -> Npy.read(extra));
        assertTrue(
                m.contains("has extra bytes after the data: shape (2, 3) of <f8 needs 48 data bytes, the file has 56"),
                m);

        b[7] = 1; // version 1.1
        Files.write(f, b);
        assertTrue(message(() -> Npy.read(f)).contains("unsupported .npy format version 1.1"));

        Path big = raw(
                dir.resolve("big.npy"),
                2,
                "{'descr': '<f8', 'fortran_order': False, 'shape': (6,), }" + " ".repeat(10_000),
                DATA23);
        m = message(() -> Npy.read(big));
        assertTrue(m.contains("more than the 10000 numpy reads by default"), m);
    }

    @Test
    void aShapeClaimingTeraElementsInATinyFileFailsBeforeAllocating() throws IOException {
        rejects(
                "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000, 1000000)}",
                "is truncated: shape (1000000, 1000000) of <f8 needs 8000000000000 data bytes, the file has 48");
        rejects(
                "{'descr': '<f8', 'fortran_order': False, 'shape': (9223372036854775807, 9223372036854775807)}",
                "needs more than 2^63 data bytes");
    }

    @Test
    void deepNestingAndBinaryHeadersGiveOneCleanLine() throws IOException {
        String deep =
                "{'descr': '<f8', 'fortran_order': False, 'shape': " + "(".repeat(3000) + "6" + ")".repeat(3000) + "}";
        rejects(deep, "nested more than 16 levels deep");
        rejects("{'descr': '<f8',\n\u0000\u0007 'fortran_order': False, 'shape': (2, 3)}", "\\n\\x00\\x07");
    }

    @Test
    void zeroRowsAndZeroColumnsAreEmptyMatrices() throws IOException {
        Matrix m = Npy.read(file("{'descr': '<f8', 'fortran_order': False, 'shape': (0, 4), }", new byte[0]));
        assertEquals(0, m.rows());
        assertEquals(4, m.cols());
        m = Npy.read(file("{'descr': '<i4', 'fortran_order': True, 'shape': (3, 0), }", new byte[0]));
        assertEquals(3, m.rows());
        assertEquals(0, m.cols());
        assertEquals(
                0,
                Npy.readArray(
                                file("{'descr': '<f4', 'fortran_order': False, 'shape': (0,), }", new byte[0]),
                                ReadOptions.defaults())
                        .matrix()
                        .rows());
    }

    @Test
    void version3HeadersAreUtf8AndVersion1HeadersLatin1() throws IOException {
        String dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), '\u00e9\u6570': 1}";
        Path f = dir.resolve("u.npy");
        Files.write(f, NpyFuzzTest.encode(3, dict, DATA23));
        String m = message(() -> Npy.read(f));
        assertTrue(m.contains("[descr, fortran_order, shape, \u00e9\u6570]"), m);
        byte[] latin1 = NpyFuzzTest.encode(1, dict.replace("\u6570", ""), DATA23);
        Files.write(f, latin1);
        m = message(() -> Npy.read(f));
        assertTrue(m.contains("[descr, fortran_order, shape, \u00e9]"), m);
    }
}
