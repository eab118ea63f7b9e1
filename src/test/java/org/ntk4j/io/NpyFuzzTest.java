package org.ntk4j.io;

import static org.ntk4j.testing.FuzzTally.pick;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.testing.FuzzTally;
import org.ntk4j.testing.FuzzTally.Expect;
import org.ntk4j.testing.FuzzTally.Outcome;
import org.ntk4j.testing.FuzzTally.Tried;

/**
 * Fuzzing of {@link Npy#readArray} with 1200 tries from a seeded generator ({@link FuzzTally#run},
 * each mutation equally often): a random valid array (dtype, version, order, 1-D or 2-D, 0..6 rows
 * and columns) written the way numpy lays it out, by this test's own encoder, then one mutation. Each outcome must be a correct parse or a clean {@code InvalidInputException}
 * for {@code --x1}, within the time bound and without allocating more than the file justifies.
 *
 * <p>Each mutation states what it expects: the valid spellings must parse to the array written;
 * truncation, extra bytes, wrong length fields and versions, shapes claiming 10^12 elements,
 * unsupported dtypes, 0-D and 3-D shapes, duplicate, missing and extra keys must be rejected; random
 * byte flips in the header or anywhere may go either way, but a parse must then agree with an
 * independent decoding of the data bytes. Flips in the data alone must parse to the flipped values,
 * or be rejected exactly when they made a value non-finite (or an int64 beyond 2^53).
 */
class NpyFuzzTest {
    static final FuzzTally TALLY = new FuzzTally("npy");
    static final String ARG = "--x1";
    private static final Path FILE = TALLY.scratchFile("fuzz.npy");

    enum Mutation {
        VALID,
        VALID_SPELLING,
        ZERO_ROWS,
        ZERO_COLS,
        FLIP_DATA,
        FLIP_HEADER,
        FLIP_ANY,
        HEADER_GARBAGE,
        RANDOM_BYTES,
        TRUNCATE,
        EXTEND,
        HEADER_LENGTH,
        VERSION,
        HUGE_SHAPE,
        UNSUPPORTED_DTYPE,
        THREE_D,
        ZERO_D,
        DUPLICATE_KEY,
        WRONG_KEYS
    }

    /** A file to read, what it should give, and the header it was written with (null where unknown). */
    private record Case(byte[] bytes, Expect expect, Spec header) {}

    /** The array an encoder writes: dtype string, order, shape, and its raw little-endian data. */
    record Spec(String descr, boolean fortran, long[] shape, byte[] data) {
        int itemSize() {
            return Integer.parseInt(descr.substring(2));
        }
    }

    @Test
    void everyFileReadsCorrectlyOrFailsTyped() {
        TALLY.run(1200, Mutation.values(), NpyFuzzTest::oneTry);
    }

    private static Tried oneTry(Mutation mutation, RandomGenerator random) throws IOException {
        String descr = pick(random, "<f8", "<f4", "<i8", "<i4");
        int version = 1 + random.nextInt(3), rows = random.nextInt(7), cols = random.nextInt(7);
        boolean fortran = random.nextBoolean(), oneD = random.nextBoolean();
        boolean checkFinite = random.nextBoolean(), keepFloat32 = random.nextBoolean();
        Spec spec = randomArray(descr, fortran, oneD, rows, cols, random);
        Case c = mutate(mutation, spec, version, random);
        Files.write(FILE, c.bytes());
        ReadOptions options =
                ReadOptions.forArgument(ARG).withCheckFinite(checkFinite).withKeepFloat32(keepFloat32);
        long justified = 2L * c.bytes().length + (1 << 20); // float32/int32 widen 2x; 1 MiB for buffers and messages
        Expect expect = c.header() == null || c.expect() == Expect.FAIL
                ? c.expect()
                : valuesAcceptable(c.header(), options) ? Expect.PARSE : Expect.FAIL;
        return new Tried(
                mutation + " (checkFinite=" + checkFinite + ", keepFloat32=" + keepFloat32 + ")",
                new String(c.bytes(), StandardCharsets.ISO_8859_1),
                TALLY.check(
                        mutation.name(),
                        ARG,
                        expect,
                        () -> Npy.readArray(FILE, options),
                        a -> judge(a, c, options),
                        justified));
    }

    // ---- generating ---------------------------------------------------------------------------

    static Spec randomArray(String descr, boolean fortran, boolean oneD, int rows, int cols, RandomGenerator r) {
        long[] shape = oneD ? new long[] {rows} : new long[] {rows, cols};
        int count = oneD ? rows : rows * cols;
        int size = Integer.parseInt(descr.substring(2));
        ByteBuffer b = ByteBuffer.allocate(count * size).order(ByteOrder.LITTLE_ENDIAN);
        for (int k = 0; k < count; k++) {
            double x = r.nextGaussian() * Math.pow(10, r.nextInt(9) - 4);
            switch (descr) {
                case "<f8" -> b.putDouble(x);
                case "<f4" -> b.putFloat((float) x);
                case "<i8" -> b.putLong(r.nextInt(5) == 0 ? r.nextLong() >> r.nextInt(20) : Math.round(x));
                case "<i4" -> b.putInt(r.nextInt(5) == 0 ? r.nextInt() : (int) Math.round(x));
                default -> throw new IllegalArgumentException(descr);
            }
        }
        return new Spec(descr, fortran, shape, b.array());
    }

    private static Case mutate(Mutation m, Spec s, int version, RandomGenerator r) {
        return switch (m) {
            case VALID -> new Case(encode(version, dict(s, r, false), s.data()), Expect.PARSE, s);
            case VALID_SPELLING ->
                new Case(encode(version, dict(s, r, true), s.data(), r.nextBoolean()), Expect.PARSE, s);
            case ZERO_ROWS, ZERO_COLS -> {
                long[] shape = s.shape().clone();
                shape[m == Mutation.ZERO_ROWS || shape.length == 1 ? 0 : 1] = 0;
                Spec z = new Spec(s.descr(), s.fortran(), shape, new byte[0]);
                yield new Case(encode(version, dict(z, r, true), z.data()), Expect.PARSE, z);
            }
            case FLIP_DATA -> {
                byte[] data = s.data().clone();
                for (int k = 0; data.length > 0 && k <= r.nextInt(4); k++)
                    data[r.nextInt(data.length)] = (byte) r.nextInt(256);
                Spec flipped = new Spec(s.descr(), s.fortran(), s.shape(), data);
                yield new Case(
                        encode(version, dict(s, r, false), data),
                        Expect.PARSE,
                        flipped); // unless a value is unacceptable
            }
            case FLIP_HEADER, FLIP_ANY -> {
                byte[] f = encode(version, dict(s, r, false), s.data());
                int headerEnd = f.length - s.data().length;
                for (int k = 0; k <= r.nextInt(3); k++)
                    f[r.nextInt(m == Mutation.FLIP_HEADER ? headerEnd : f.length)] = (byte) r.nextInt(256);
                yield new Case(f, Expect.EITHER, null);
            }
            case HEADER_GARBAGE -> {
                String d = dict(s, r, false);
                int at = r.nextInt(d.length() + 1);
                yield new Case(
                        encode(version, d.substring(0, at) + garbage(r) + d.substring(at), s.data()),
                        Expect.EITHER,
                        null);
            }
            case RANDOM_BYTES -> {
                byte[] f = new byte[r.nextInt(300)];
                r.nextBytes(f);
                if (r.nextBoolean() && f.length >= 8) System.arraycopy(encode(version, "", new byte[0]), 0, f, 0, 8);
                yield new Case(f, Expect.EITHER, null);
            }
            case TRUNCATE -> {
                byte[] f = encode(version, dict(s, r, false), s.data());
                yield new Case(java.util.Arrays.copyOf(f, r.nextInt(f.length)), Expect.FAIL, null);
            }
            case EXTEND -> {
                byte[] f = encode(version, dict(s, r, false), s.data());
                byte[] g = java.util.Arrays.copyOf(f, f.length + 1 + r.nextInt(64));
                for (int k = f.length; k < g.length; k++) g[k] = (byte) r.nextInt(256);
                yield new Case(g, Expect.FAIL, null);
            }
            case HEADER_LENGTH -> {
                byte[] f = encode(version, dict(s, r, false), s.data());
                ByteBuffer b = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
                if (version == 1) {
                    int len = b.getShort(8) & 0xffff;
                    int[] choices = {len + 1 + r.nextInt(64), Math.max(0, len - 1 - r.nextInt(64)), 0xffff};
                    b.putShort(8, (short) choices[r.nextInt(choices.length)]);
                } else {
                    long len = b.getInt(8) & 0xffffffffL;
                    long[] choices = {
                        len + 1 + r.nextInt(64), Math.max(0, len - 1 - r.nextInt(64)), 0xffffffffL, 1L << 31
                    };
                    b.putInt(8, (int) choices[r.nextInt(choices.length)]);
                }
                yield new Case(f, Expect.FAIL, null);
            }
            case VERSION -> {
                byte[] f = encode(version, dict(s, r, false), s.data());
                int major, minor;
                do {
                    major = r.nextInt(6);
                    minor = r.nextInt(3);
                } while (minor == 0 && major == version);
                f[6] = (byte) major;
                f[7] = (byte) minor;
                // 2.0 and 3.0 both have a 4-byte length (they differ only in the header's text encoding).
                boolean stillValid = minor == 0 && major >= 2 && version >= 2;
                yield new Case(f, stillValid ? Expect.EITHER : Expect.FAIL, null);
            }
            case HUGE_SHAPE -> {
                String[] shapes = {
                    "(1000000, 1000000)",
                    "(1000000000000,)",
                    "(2147483648, 1)",
                    "(1, 2147483648)",
                    "(4, 4611686018427387904)",
                    "(9223372036854775807, 9223372036854775807)",
                    "(99999999999999999999,)",
                    "(65536, 65536)",
                    "(46341, 46341)",
                    "(40000, 40000)",
                    "(20000, 20000)",
                    "(5000, 5000)",
                    "(-1, 2)"
                };
                String d = "{'descr': '" + s.descr() + "', 'fortran_order': False, 'shape': "
                        + shapes[r.nextInt(shapes.length)] + ", }";
                yield new Case(encode(version, d, s.data()), Expect.FAIL, null);
            }
            case UNSUPPORTED_DTYPE -> {
                String[] descrs = {
                    "'|O'",
                    "'<c16'",
                    "'<c8'",
                    "'|b1'",
                    "'>f8'",
                    "'>f4'",
                    "'>i8'",
                    "'>i4'",
                    "'<U4'",
                    "'|S3'",
                    "'<f2'",
                    "'|u1'",
                    "'<u8'",
                    "'<M8[ns]'",
                    "'|V8'",
                    "[('a', '<f8')]",
                    "('<f8', (2,))",
                    "'float64'",
                    "'f8'",
                    "'|f8'",
                    "''",
                    "'<'",
                    "None",
                    "8",
                    "'<f16'"
                };
                String d = "{'descr': " + descrs[r.nextInt(descrs.length)] + ", 'fortran_order': False, 'shape': "
                        + shapeText(s.shape()) + ", }";
                yield new Case(encode(version, d, s.data()), Expect.FAIL, null);
            }
            case THREE_D -> {
                long a = 1 + r.nextInt(3), b = 1 + r.nextInt(3), c = 1 + r.nextInt(3);
                Spec t = new Spec(
                        s.descr(), s.fortran(), new long[] {a, b, c}, new byte[(int) (a * b * c) * s.itemSize()]);
                yield new Case(encode(version, dict(t, r, true), t.data()), Expect.FAIL, null);
            }
            case ZERO_D -> {
                Spec t = new Spec(s.descr(), s.fortran(), new long[0], new byte[s.itemSize()]);
                yield new Case(encode(version, dict(t, r, true), t.data()), Expect.FAIL, null);
            }
            case DUPLICATE_KEY -> {
                String[] extra = {
                    "'shape': (1,)",
                    "'shape': " + shapeText(s.shape()),
                    "'descr': '" + s.descr() + "'",
                    "'fortran_order': " + (s.fortran() ? "True" : "False"),
                    "\"shape\": (0,)"
                };
                String d = dict(s, r, false);
                String dup = extra[r.nextInt(extra.length)];
                d = r.nextBoolean() ? "{" + dup + ", " + d.substring(1) : d.substring(0, d.length() - 1) + dup + "}";
                yield new Case(encode(version, d, s.data()), Expect.FAIL, null);
            }
            case WRONG_KEYS -> {
                String desc = "'descr': '" + s.descr() + "'",
                        fo = "'fortran_order': " + (s.fortran() ? "True" : "False");
                String sh = "'shape': " + shapeText(s.shape());
                String[] dicts = {
                    "{" + desc + ", " + fo + "}",
                    "{" + desc + ", " + sh + "}",
                    "{" + fo + ", " + sh + "}",
                    "{" + desc + ", " + fo + ", " + sh + ", 'extra': 1}",
                    "{" + desc + ", " + fo + ", 'x': \"'shape': " + shapeText(s.shape()) + "\", " + "'shap': (1,)}",
                    "{'descr': \"" + s.descr() + "', 'shape': (1,), '\", " + fo + ", " + sh + "}",
                    "{" + desc + ", " + fo + ", 'Shape': " + shapeText(s.shape()) + "}",
                    "{}",
                    "[" + desc + "]",
                    "{" + desc + ", " + fo + ", " + sh + "} {}",
                    "{" + desc + ", " + fo + ", 'shape': [" + s.shape()[0] + "]}",
                    "{" + desc + ", 'fortran_order': 0, " + sh + "}",
                    "{" + desc + ", 'fortran_order': 'False', " + sh + "}",
                    "{" + desc + ", " + fo + ", 'shape': (" + s.shape()[0] + ".0,)}",
                    "{" + desc + ", " + fo + ", 'shape': (True,)}"
                };
                yield new Case(encode(version, dicts[r.nextInt(dicts.length)], s.data()), Expect.FAIL, null);
            }
        };
    }

    /** The header dict; {@code variants} picks among spellings numpy (and ast.literal_eval) accept. */
    static String dict(Spec s, RandomGenerator r, boolean variants) {
        if (!variants)
            return "{'descr': '" + s.descr() + "', 'fortran_order': " + (s.fortran() ? "True" : "False") + ", 'shape': "
                    + shapeText(s.shape()) + ", }";
        String q = r.nextBoolean() ? "'" : "\"";
        List<String> entries = new ArrayList<>(List.of(
                q + "descr" + q + ws(r) + ":" + ws(r) + q + s.descr() + q,
                q + "fortran_order" + q + ws(r) + ":" + ws(r) + (s.fortran() ? "True" : "False"),
                q + "shape" + q + ws(r) + ":" + ws(r) + shapeVariant(s.shape(), r)));
        Collections.shuffle(entries, r); // numpy accepts the keys in any order
        return ws(r) + "{" + ws(r) + String.join(ws(r) + "," + ws(r), entries) + (r.nextBoolean() ? "," : "") + ws(r)
                + "}";
    }

    private static String shapeVariant(long[] shape, RandomGenerator r) {
        StringBuilder b = new StringBuilder("(").append(ws(r));
        for (int k = 0; k < shape.length; k++) {
            b.append(k > 0 ? "," + ws(r) : "").append(shape[k]);
            b.append(ws(r));
        }
        if (shape.length == 1 || (shape.length > 1 && r.nextBoolean()))
            b.append(",").append(ws(r));
        return b.append(")").toString();
    }

    private static String ws(RandomGenerator r) {
        return switch (r.nextInt(6)) {
            case 0 -> " ";
            case 1 -> "  ";
            case 2 -> "\n\t ";
            default -> "";
        };
    }

    private static String garbage(RandomGenerator r) {
        String[] pieces = {
            "\u0000", "\n", "'", "\"", "\\", ",", ":", "(", ")", "{", "}", "#", "L", "True", " ", "\u00e9", "\u2028",
            "\u0007", "\ud800", "\u00ff", "shape", "1e3", "-", "0x1", "\t"
        };
        StringBuilder b = new StringBuilder();
        for (int k = 0; k <= r.nextInt(3); k++) b.append(pieces[r.nextInt(pieces.length)]);
        return b.toString();
    }

    static String shapeText(long[] shape) {
        if (shape.length == 1) return "(" + shape[0] + ",)";
        List<String> dims = new ArrayList<>();
        for (long d : shape) dims.add(Long.toString(d));
        return "(" + String.join(", ", dims) + ")";
    }

    static byte[] encode(int version, String dict, byte[] data) {
        return encode(version, dict, data, true);
    }

    /** Magic, version, header length (2 bytes in 1.0, 4 in 2.0/3.0), dict padded to 64 bytes, data. */
    static byte[] encode(int version, String dict, byte[] data, boolean pad) {
        int prefix = version == 1 ? 10 : 12;
        byte[] text = dict.getBytes(version == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        int padded = pad ? (prefix + text.length + 1 + 63) / 64 * 64 - prefix : text.length;
        ByteBuffer b = ByteBuffer.allocate(prefix + padded + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) version, 0});
        if (version == 1) b.putShort((short) padded);
        else b.putInt(padded);
        b.put(text);
        for (int k = text.length; k < padded; k++) b.put((byte) (k == padded - 1 ? '\n' : ' '));
        return b.put(data).array();
    }

    // ---- checking -----------------------------------------------------------------------------

    /** Whether the reader must accept these values: finite (when checked), int64 within ±2^53. */
    private static boolean valuesAcceptable(Spec s, ReadOptions options) {
        for (int k = 0; k < s.data().length / s.itemSize(); k++)
            if (!acceptable(element(s, k), s, options)) return false;
        return true;
    }

    /** Element {@code k} of the data in file order, as float64; an int64 beyond ±2^53 as NaN (not exact). */
    private static double element(Spec s, int k) {
        ByteBuffer b = ByteBuffer.wrap(s.data()).order(ByteOrder.LITTLE_ENDIAN);
        return switch (s.descr()) {
            case "<f8" -> b.getDouble(8 * k);
            case "<f4" -> b.getFloat(4 * k);
            case "<i8" ->
                Math.abs(b.getLong(8 * k)) > (1L << 53) || b.getLong(8 * k) == Long.MIN_VALUE
                        ? Double.NaN
                        : b.getLong(8 * k);
            default -> b.getInt(4 * k);
        };
    }

    private static boolean acceptable(double v, Spec s, ReadOptions options) {
        return !(Double.isNaN(v) && s.descr().equals("<i8")) && (!options.checkFinite() || Double.isFinite(v));
    }

    private static Outcome judge(NpyArray a, Case c, ReadOptions options) {
        if (options.checkFinite() && a.matrix().firstNonFinite() >= 0) return Outcome.NON_FINITE_OUTPUT;
        return agreesWithData(a, c, options) ? Outcome.PARSED : Outcome.WRONG_RESULT;
    }

    /**
     * A parse is correct when its values are the file's data bytes decoded independently of the
     * reader (little-endian, C or Fortran order) under the header the case was written with, or,
     * for mutations that leave the header unknown, the header the reader reports; and when it
     * passes the finite check and the int64 exactness rule the options ask for.
     */
    private static boolean agreesWithData(NpyArray a, Case c, ReadOptions options) {
        Spec h = c.header() != null ? c.header() : headerOf(c.bytes());
        if (c.header() != null) {
            NpyHeader seen = parsedHeader();
            if (!seen.dtype().descr().equals(h.descr())
                    || seen.fortranOrder() != h.fortran()
                    || !java.util.Arrays.equals(seen.shape(), h.shape())) return false;
        }
        long rows = h.shape()[0], cols = h.shape().length == 2 ? h.shape()[1] : 1;
        Matrix m = a.matrix();
        if (m.rows() != rows || m.cols() != cols || a.vector() != (h.shape().length == 1)) return false;
        boolean keep32 = options.keepFloat32() && h.descr().equals("<f4");
        if ((m.dtype() == org.ntk4j.linalg.DType.FLOAT32) != keep32) return false;
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) {
                double want = element(h, (int) (h.fortran() ? i + j * rows : i * cols + j));
                if (!acceptable(want, h, options) || Double.compare(want, m.get(i, j)) != 0) return false;
            }
        return true;
    }

    /** The header of {@link #FILE} as the reader parses it (the library has no header-only entry point). */
    private static NpyHeader parsedHeader() {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(FILE)) {
            return NpyHeader.read(ch, FILE, ARG);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The header of a file the reader accepted, as the reader reports it, with the file's data bytes. */
    private static Spec headerOf(byte[] file) {
        NpyHeader h = parsedHeader();
        byte[] data = java.util.Arrays.copyOfRange(file, (int) h.dataOffset(), file.length);
        return new Spec(h.dtype().descr(), h.fortranOrder(), h.shape(), data);
    }
}
