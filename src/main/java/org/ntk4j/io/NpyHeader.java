package org.ntk4j.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
public record NpyHeader(NpyDType dtype, boolean fortranOrder, long[] shape, long dataOffset) {
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("['\"]descr['\"]\\s*:\\s*(['\"]([^'\"]*)['\"]|\\[)");
    private static final Pattern FORTRAN = Pattern.compile("['\"]fortran_order['\"]\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");

    public NpyHeader {
        shape = shape.clone();
    }

    @Override public long[] shape() { return shape.clone(); }

    /** Number of elements (the product of the shape). */
    public long count() {
        long c = 1;
        for (long s : shape) c = Math.multiplyExact(c, s);
        return c;
    }

    /** The shape as numpy prints it, e.g. {@code (3, 4)} or {@code (5,)}. */
    public String shapeText() { return shapeText(shape); }

    static String shapeText(long[] shape) {
        if (shape.length == 1) return "(" + shape[0] + ",)";
        StringJoiner j = new StringJoiner(", ", "(", ")");
        for (long s : shape) j.add(Long.toString(s));
        return j.toString();
    }

    /**
     * Reads and validates the header at the start of {@code ch}. Errors name {@code argument} and
     * {@code file}. The dtype must be one ntk4j reads ({@link NpyDType}); the shape is not checked here.
     */
    static NpyHeader read(FileChannel ch, Path file, String argument) throws IOException {
        long size = ch.size();
        ByteBuffer pre = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        while (pre.hasRemaining() && ch.read(pre) >= 0) { /* fill */ }
        pre.flip();
        byte[] magic = new byte[Math.min(6, pre.remaining())];
        pre.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            String hint = file.toString().toLowerCase(Locale.ROOT).endsWith(".npz")
                ? "; this looks like an .npz archive: save one array with numpy.save(path, array)"
                : "; save the array with numpy.save(path, array)";
            throw new InvalidInputException(argument, file + " is not a .npy file (no NumPy magic string)" + hint);
        }
        if (pre.remaining() < 2) throw truncated(argument, file, "its header", size);
        int major = pre.get() & 0xff, minor = pre.get() & 0xff;
        long headerLen;
        int lenBytes;
        if (major == 1) {
            if (pre.remaining() < 2) throw truncated(argument, file, "its header", size);
            headerLen = pre.getShort() & 0xffff;
            lenBytes = 2;
        } else if (major == 2 || major == 3) {
            if (pre.remaining() < 4) throw truncated(argument, file, "its header", size);
            headerLen = pre.getInt() & 0xffffffffL;
            lenBytes = 4;
        } else {
            throw new InvalidInputException(argument, file + ": unsupported .npy format version " + major + "." + minor
                + " (ntk4j reads 1.0, 2.0 and 3.0); re-save it with numpy.save");
        }
        long dataOffset = 8 + lenBytes + headerLen;
        if (headerLen > (1 << 24) || dataOffset > size) throw truncated(argument, file, "its header", size);
        ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
        ch.position(8 + lenBytes);
        while (hb.hasRemaining() && ch.read(hb) >= 0) { /* fill */ }
        // Versions 1 and 2 store the header in latin-1, version 3 in UTF-8 (numpy.lib.format).
        String text = new String(hb.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        return parse(text, dataOffset, file, argument);
    }

    static NpyHeader parse(String text, long dataOffset, Path file, String argument) {
        Matcher d = DESCR.matcher(text);
        Matcher f = FORTRAN.matcher(text);
        Matcher s = SHAPE.matcher(text);
        if (!d.find() || !f.find() || !s.find())
            throw new InvalidInputException(argument, file + ": malformed .npy header '" + text.strip()
                + "'; re-save it with numpy.save");
        if (d.group(2) == null)
            throw new InvalidInputException(argument, file + ": structured (record) arrays are not supported;"
                + " save a plain numeric array, e.g. numpy.save(path, x.astype(numpy.float64))");
        NpyDType dtype = NpyDType.parse(d.group(2), file, argument);
        String[] dims = s.group(1).split(",");
        long[] shape = Arrays.stream(dims).map(String::strip).filter(t -> !t.isEmpty())
            .mapToLong(t -> {
                try {
                    return Long.parseLong(t.endsWith("L") ? t.substring(0, t.length() - 1) : t);
                } catch (NumberFormatException e) {
                    throw new InvalidInputException(argument, file + ": malformed shape '" + s.group(1) + "' in the .npy header");
                }
            }).toArray();
        for (long n : shape)
            if (n < 0) throw new InvalidInputException(argument, file + ": negative dimension in shape " + shapeText(shape));
        return new NpyHeader(dtype, "True".equals(f.group(1)), shape, dataOffset);
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
        if (major == 1) b.putShort((short) padded.length()); else b.putInt(padded.length());
        b.put(padded.getBytes(StandardCharsets.ISO_8859_1));
        return b.array();
    }

    static InvalidInputException truncated(String argument, Path file, String what, long size) {
        return new InvalidInputException(argument, file + " is truncated (" + size + " bytes, too short for " + what
            + "); re-create it with numpy.save");
    }
}
