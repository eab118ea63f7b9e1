package org.ntk4j.io;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeSet;
import org.ntk4j.error.InputText;
import org.ntk4j.error.InvalidInputException;

/**
 * The header of a NumPy {@code .npy} file (format versions 1.0, 2.0 and 3.0; see numpy's
 * {@code numpy.lib.format}): element type, memory order and shape, and where the data starts.
 *
 * @param dtype        the element type
 * @param fortranOrder whether the data is stored column-major
 * @param shape        the dimensions (0, 1 or more; this reader later accepts 1-D and 2-D only)
 * @param dataOffset   byte offset of the first element
 */
record NpyHeader(NpyDType dtype, boolean fortranOrder, long[] shape, long dataOffset) {
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** numpy's default {@code max_header_size}: longer headers are refused as unsafe to parse. */
    static final int MAX_HEADER_BYTES = 10_000;

    private static final Set<String> KEYS = Set.of("descr", "fortran_order", "shape");
    /** Characters of header text quoted before a syntax error. */
    private static final int ERROR_CONTEXT = 30;

    public NpyHeader {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** The shape as numpy prints it, e.g. {@code (3, 4)} or {@code (5,)}. */
    public String shapeText() {
        return shapeText(shape);
    }

    static String shapeText(long[] shape) {
        if (shape.length == 1) return "(" + shape[0] + ",)";
        StringJoiner j = new StringJoiner(", ", "(", ")");
        for (long s : shape) j.add(Long.toString(s));
        return j.toString();
    }

    /**
     * Reads and validates the header at the start of {@code ch}. Errors name {@code argument} and
     * {@code file}. The dtype must be one ntk4j reads ({@link NpyDType}); the shape is checked to be a
     * tuple of non-negative integers, not against the data (see {@link #dataBytes()}).
     *
     * <p>As numpy: the magic string, then version 1.0 (a 2-byte header length) or 2.0/3.0 (4 bytes;
     * any other version is rejected), then a header of at most {@value #MAX_HEADER_BYTES} bytes
     * (numpy's default {@code max_header_size}), latin-1 in 1.0/2.0, UTF-8 in 3.0, holding a Python
     * dict literal with exactly the keys {@code descr}, {@code fortran_order} and {@code shape}
     * ({@link PyLiteral}). Stricter than numpy: a key given twice is rejected as ambiguous (numpy keeps
     * the last), and only the literal forms numpy writes are understood.
     */
    static NpyHeader read(FileChannel ch, Path file, String argument) throws IOException {
        long size = ch.size();
        ByteBuffer pre = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        while (pre.hasRemaining() && ch.read(pre) >= 0) {
            /* fill */
        }
        pre.flip();
        byte[] magic = new byte[Math.min(6, pre.remaining())];
        pre.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            String hint = file.toString().toLowerCase(Locale.ROOT).endsWith(".npz")
                    ? "; this looks like an .npz archive: save one array with numpy.save(path, array)"
                    : "; save the array with numpy.save(path, array)";
            throw new InvalidInputException(
                    argument, Inputs.name(file) + " is not a .npy file (no NumPy magic string)" + hint);
        }
        if (pre.remaining() < 2) throw truncated(argument, file, "its header", size);
        int major = pre.get() & 0xff, minor = pre.get() & 0xff;
        if (major < 1 || major > 3 || minor != 0)
            throw new InvalidInputException(
                    argument,
                    Inputs.name(file) + ": unsupported .npy format version " + major + "." + minor
                            + " (ntk4j reads 1.0, 2.0 and 3.0, as numpy does); re-save it with numpy.save");
        int lenBytes = major == 1 ? 2 : 4;
        if (pre.remaining() < lenBytes) throw truncated(argument, file, "its header", size);
        long headerLen = major == 1 ? pre.getShort() & 0xffff : pre.getInt() & 0xffffffffL;
        long dataOffset = 8 + lenBytes + headerLen;
        if (headerLen > MAX_HEADER_BYTES)
            throw new InvalidInputException(
                    argument,
                    Inputs.name(file) + ": the .npy header length field says " + headerLen + " bytes, more than the "
                            + MAX_HEADER_BYTES + " numpy reads by default; the file is corrupt or not from numpy.save");
        if (dataOffset > size) throw truncated(argument, file, "its " + headerLen + "-byte header", size);
        ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
        ch.position(8 + lenBytes);
        while (hb.hasRemaining() && ch.read(hb) >= 0) {
            /* fill */
        }
        // Versions 1 and 2 store the header in latin-1, version 3 in UTF-8 (numpy.lib.format).
        String text = new String(hb.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        return parse(text, major < 3, dataOffset, file, argument);
    }

    /**
     * Interprets header text: a dict literal with exactly {@link #KEYS}; {@code longSuffix} accepts
     * Python 2's {@code 3L} integers (numpy does in format 1.0 and 2.0).
     */
    static NpyHeader parse(String text, boolean longSuffix, long dataOffset, Path file, String argument) {
        Object literal;
        try {
            literal = PyLiteral.parse(text, longSuffix);
        } catch (PyLiteral.Malformed e) {
            // Quote from a little before the error, where the reader's eye should go.
            int from = Math.max(0, e.position() - ERROR_CONTEXT);
            throw bad(
                    argument,
                    file,
                    "malformed header: " + e.getMessage() + " at character " + (e.position() + 1) + " of "
                            + (from > 0 ? "..." : "")
                            + InputText.quote(text.substring(from).stripTrailing(), 2 * ERROR_CONTEXT));
        }
        if (!(literal instanceof Map<?, ?> dict))
            throw bad(argument, file, "the header is not a dict: " + InputText.quote(text.strip()));
        if (!dict.keySet().equals(KEYS))
            throw bad(
                    argument,
                    file,
                    "the header has the keys " + InputText.quote(new TreeSet<Object>(dict.keySet()).toString())
                            + "; expected exactly descr, fortran_order and shape");
        Object descr = dict.get("descr"), order = dict.get("fortran_order"), shapeValue = dict.get("shape");
        if (descr instanceof PyLiteral.PyList || descr instanceof PyLiteral.Tuple)
            throw new InvalidInputException(
                    argument,
                    Inputs.name(file) + ": structured (record) and sub-array dtypes are not"
                            + " supported; save a plain numeric array, e.g. numpy.save(path, x.astype(numpy.float64))");
        if (!(descr instanceof String descrText))
            throw bad(argument, file, "descr is not a dtype string: " + InputText.quote(PyLiteral.repr(descr)));
        if (!(order instanceof Boolean fortran))
            throw bad(argument, file, "fortran_order is not True or False: " + InputText.quote(PyLiteral.repr(order)));
        return new NpyHeader(
                NpyDType.parse(descrText, file, argument), fortran, shape(shapeValue, argument, file), dataOffset);
    }

    /** The shape: a tuple of integers in [0, 2^63), as numpy requires (it rejects negative ones later). */
    private static long[] shape(Object value, String argument, Path file) {
        if (!(value instanceof PyLiteral.Tuple t) || !t.items().stream().allMatch(x -> x instanceof BigInteger))
            throw bad(argument, file, "shape is not a tuple of integers: " + InputText.quote(PyLiteral.repr(value)));
        long[] shape = new long[t.items().size()];
        for (int k = 0; k < shape.length; k++) {
            BigInteger n = (BigInteger) t.items().get(k);
            if (n.signum() < 0 || n.bitLength() > 63)
                throw bad(
                        argument,
                        file,
                        "dimension " + InputText.quote(n.toString()) + " in shape "
                                + InputText.quote(PyLiteral.repr(value)) + " is "
                                + (n.signum() < 0 ? "negative" : "too large"));
            shape[k] = n.longValue();
        }
        return shape;
    }

    /**
     * The data size the shape and dtype call for, in bytes; {@link Long#MAX_VALUE} when that does
     * not fit a long (a crafted shape), so that a comparison with the file size still rejects it.
     */
    public long dataBytes() {
        long bytes = dtype.size();
        for (long s : shape) {
            if (s == 0) return 0;
            if (bytes > Long.MAX_VALUE / s) bytes = Long.MAX_VALUE;
            else bytes *= s;
        }
        return bytes;
    }

    private static InvalidInputException bad(String argument, Path file, String what) {
        return new InvalidInputException(argument, Inputs.name(file) + ": " + what + "; re-save it with numpy.save");
    }

    /**
     * The header bytes (magic, version, length, dict, padding, newline) for a little-endian array
     * of the given type and shape, padded to a multiple of 64 bytes as numpy does.
     */
    static byte[] encode(NpyDType dtype, boolean fortranOrder, long[] shape) {
        String dict = "{'descr': '" + dtype.descr() + "', 'fortran_order': " + (fortranOrder ? "True" : "False")
                + ", 'shape': " + shapeText(shape) + ", }";
        int major = dict.length() + 1 + 10 <= 65535 ? 1 : 2;
        int prefix = major == 1 ? 10 : 12;
        int total = (prefix + dict.length() + 1 + 63) / 64 * 64;
        String padded = dict + " ".repeat(total - prefix - dict.length() - 1) + "\n";
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) major).put((byte) 0);
        if (major == 1) b.putShort((short) padded.length());
        else b.putInt(padded.length());
        b.put(padded.getBytes(StandardCharsets.ISO_8859_1));
        return b.array();
    }

    static InvalidInputException truncated(String argument, Path file, String what, long size) {
        return new InvalidInputException(
                argument,
                Inputs.name(file) + " is truncated (" + size + " bytes, too short for " + what
                        + "); re-create it with numpy.save");
    }
}
