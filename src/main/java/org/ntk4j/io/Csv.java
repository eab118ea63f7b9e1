package org.ntk4j.io;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.ntk4j.error.InputText;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.linalg.NativeMatrix;

/**
 * Reads numeric CSV files (commas, optional quotes, {@code #} comment lines, blank lines ignored)
 * into a float64 matrix, one row per record, and writes matrices and vectors as CSV.
 *
 * <p>An optional header is recognized when every field of the first record is non-numeric (e.g.
 * {@code x1,x2,y}); a first record that mixes numbers and text is an error rather than silently
 * dropped data. Every later record must be all numbers with the same column count. Numbers are
 * decimal ({@code 1}, {@code -2.5}, {@code 3e-4}); {@code nan}, {@code inf} and {@code -inf}
 * (numpy's spelling, any case) are understood and then rejected unless
 * {@link ReadOptions#checkFinite()} is off. Errors name the file, line (1-based, as editors count)
 * and column (1-based).
 */
public final class Csv {
    private static final Pattern DECIMAL = Pattern.compile(
            "[+-]?+(\\d++\\.?+\\d*+|\\.\\d++)([eE][+-]?+\\d++)?+"); // possessive: linear time on long fields
    private static final CSVFormat FORMAT = CSVFormat.DEFAULT
            .builder()
            .setCommentMarker('#')
            .setIgnoreEmptyLines(true)
            .setTrim(true)
            .setIgnoreSurroundingSpaces(true)
            .get();

    /** Characters gathered before they go to the file (about 1 MB at a time). */
    private static final int FLUSH_CHARS = 1 << 20;

    private Csv() {}

    /** Reads a numeric CSV file as float64, rejecting NaN/Inf; errors name {@code input}. */
    public static Matrix read(Path file) {
        return read(file, ReadOptions.defaults());
    }

    /** Reads a numeric CSV file as float64 with the given options. */
    public static Matrix read(Path file, ReadOptions options) {
        String arg = options.argument();
        Inputs.checkReadable(file, arg);
        try (Reader r = skipBom(Files.newBufferedReader(file, StandardCharsets.UTF_8));
                CSVParser p = FORMAT.parse(r)) {
            double[] data = new double[1024];
            int rows = 0, cols = -1;
            boolean first = true;
            for (CSVRecord rec : p) {
                long line = p.getCurrentLineNumber();
                if (first) {
                    first = false;
                    if (isHeader(rec, file, line, arg)) continue;
                }
                cols = checkColumns(rec, cols, file, line, arg);
                data = withRoomForRow(data, rows, cols, file, arg);
                parseRow(rec, cols, data, rows * cols, file, line, options);
                rows++;
            }
            if (rows == 0) throw new InvalidInputException(arg, Inputs.name(file) + " has no data rows");
            return Matrix.fromRowMajor(rows, cols, Arrays.copyOf(data, rows * cols));
        } catch (UncheckedIOException e) {
            throw readError(arg, file, e.getCause());
        } catch (IOException e) {
            throw readError(arg, file, e);
        }
    }

    /** The column count: the first data row's, which every later row must have. */
    private static int checkColumns(CSVRecord rec, int cols, Path file, long line, String arg) {
        if (cols < 0) return rec.size();
        if (rec.size() != cols)
            throw new InvalidInputException(
                    arg,
                    Inputs.name(file) + " line " + line + " has " + rec.size() + " columns, expected " + cols
                            + " (as in the first data row)");
        return cols;
    }

    /**
     * {@code data}, or a copy at least twice as large, with room for one more row after {@code rows}
     * rows; more than one matrix can hold is an error.
     */
    private static double[] withRoomForRow(double[] data, int rows, int cols, Path file, String arg) {
        if ((long) (rows + 1) * cols > Inputs.MAX_ELEMENTS)
            throw new InvalidInputException(
                    arg,
                    Inputs.name(file) + " has more than " + Inputs.MAX_ELEMENTS
                            + " values, the most one ntk4j matrix holds: split the input");
        if ((rows + 1) * cols > data.length)
            return Arrays.copyOf(data, (int)
                    Math.min(Inputs.MAX_ELEMENTS, Math.max((rows + 1L) * cols, 2L * data.length)));
        return data;
    }

    /** The fields of one data row into {@code data[offset..offset+cols)}; text, and NaN/Inf unless allowed, are errors. */
    private static void parseRow(
            CSVRecord rec, int cols, double[] data, int offset, Path file, long line, ReadOptions options) {
        String arg = options.argument();
        for (int j = 0; j < cols; j++) {
            double v = parse(rec.get(j));
            if (Double.isNaN(v) && !isNanToken(rec.get(j)))
                throw new InvalidInputException(
                        arg,
                        Inputs.name(file) + " line " + line + ", column " + (j + 1) + ": " + describe(rec.get(j))
                                + " is not a number");
            if (options.checkFinite() && !Double.isFinite(v))
                throw new InvalidInputException(
                        arg,
                        Inputs.name(file) + " line " + line + ", column " + (j + 1) + ": "
                                + describe(rec.get(j))
                                + (DECIMAL.matcher(rec.get(j).strip()).matches() ? " overflows float64" : "")
                                + "; inputs must be finite: remove or impute it");
            data[offset + j] = v;
        }
    }

    /** Drops a leading UTF-8 byte-order mark (spreadsheets write one), which would hide the first number. */
    private static Reader skipBom(java.io.BufferedReader r) throws IOException {
        r.mark(1);
        if (r.read() != '\uFEFF') r.reset();
        return r;
    }

    private static InvalidInputException readError(String arg, Path file, IOException e) {
        if (e instanceof MalformedInputException)
            return new InvalidInputException(
                    arg, Inputs.name(file) + " is not a UTF-8 text file; expected numeric CSV", e);
        return new InvalidInputException(arg, "cannot read " + Inputs.name(file) + " as CSV: " + Inputs.reason(e), e);
    }

    /** A first record is a header when none of its fields is a number; mixed records are errors. */
    private static boolean isHeader(CSVRecord rec, Path file, long line, String arg) {
        int numeric = 0, firstText = -1;
        for (int j = 0; j < rec.size(); j++) {
            String s = rec.get(j);
            if (!Double.isNaN(parse(s)) || isNanToken(s)) numeric++;
            else if (firstText < 0) firstText = j;
        }
        if (numeric == 0) return true;
        if (firstText < 0) return false;
        throw new InvalidInputException(
                arg,
                Inputs.name(file) + " line " + line + ", column " + (firstText + 1) + ": "
                        + describe(rec.get(firstText)) + " is not a number (a header row must have only names)");
    }

    /** The value of a numeric field, or NaN when it is not a number (see {@link #isNanToken}). */
    static double parse(String s) {
        String t = s.strip();
        if (DECIMAL.matcher(t).matches()) return Double.parseDouble(t);
        return switch (t.toLowerCase(Locale.ROOT)) {
            case "inf", "+inf", "infinity", "+infinity" -> Double.POSITIVE_INFINITY;
            case "-inf", "-infinity" -> Double.NEGATIVE_INFINITY;
            default -> Double.NaN;
        };
    }

    private static boolean isNanToken(String s) {
        String t = s.strip().toLowerCase(Locale.ROOT);
        return t.equals("nan") || t.equals("+nan") || t.equals("-nan");
    }

    private static String describe(String field) {
        return field.isEmpty() ? "empty field" : InputText.quote(field);
    }

    /**
     * Writes {@code m} as CSV in {@code dtype}: no header, one matrix row per line, values separated
     * by commas, each the shortest decimal that reads back to the same value ({@link #format}).
     * Written atomically ({@link Outputs#writeAtomically}); {@link #read} reads it back bit for bit.
     */
    public static void write(Path file, Matrix m, DType dtype) {
        writeRows(file, m.rows(), m.cols(), m::copyRowsRowMajor, dtype);
    }

    /**
     * Writes a native matrix as CSV without a heap copy of it ({@code exactlySymmetric}: the caller
     * guarantees m = mᵀ bit for bit, so rows are read as columns, contiguously).
     */
    public static void write(Path file, NativeMatrix m, DType dtype, boolean exactlySymmetric) {
        if (exactlySymmetric && m.rows() != m.cols())
            throw new IllegalArgumentException("a " + m.rows() + "x" + m.cols() + " matrix is not symmetric");
        writeRows(file, m.rows(), m.cols(), Npy.rowsOf(m, exactlySymmetric), dtype);
    }

    /** Writes a 1-D array as CSV: one value per line. */
    public static void writeVector(Path file, double[] v, DType dtype) {
        writeRows(file, v.length, 1, (i0, i1, row) -> System.arraycopy(v, i0, row, 0, i1 - i0), dtype);
    }

    /**
     * One value as written: {@link Double#toString(double)} in float64, {@link Float#toString(float)}
     * of the value rounded to float32 in float32; both are the shortest decimals that parse back to
     * the same number (JDK 19 and later). NaN and ±∞ are spelled as Java spells them ({@code NaN},
     * {@code Infinity}, {@code -Infinity}), which {@link #read} (with {@link ReadOptions#checkFinite()}
     * off), Python's {@code float} and numpy's {@code loadtxt} read back.
     */
    public static String format(double v, DType dtype) {
        return dtype == DType.FLOAT32 ? Float.toString((float) v) : Double.toString(v);
    }

    /** The rows of a rows×cols matrix, gathered in blocks of about 64k values, as CSV text. */
    private static void writeRows(Path file, int rows, int cols, Npy.RowSource src, DType dtype) {
        int block = Math.max(1, (1 << 16) / Math.max(1, cols));
        Outputs.writeAtomically(file, ch -> {
            double[] d = new double[Math.min(rows, block) * cols];
            StringBuilder text = new StringBuilder(FLUSH_CHARS + 4096);
            for (int i0 = 0; i0 < rows; i0 += block) {
                int i1 = Math.min(rows, i0 + block);
                src.rows(i0, i1, d);
                for (int i = 0; i < i1 - i0; i++) {
                    for (int j = 0; j < cols; j++) {
                        if (j > 0) text.append(',');
                        // append(double) is Double.toString's digits without a String per value (JDK 19+)
                        if (dtype == DType.FLOAT32) text.append((float) d[i * cols + j]);
                        else text.append(d[i * cols + j]);
                    }
                    text.append('\n');
                    if (text.length() >= FLUSH_CHARS) flush(ch, text);
                }
            }
            flush(ch, text);
        });
    }

    /** Writes the gathered text (ASCII only: digits, signs, '.', 'E', letters of NaN/Infinity) and empties it. */
    private static void flush(java.nio.channels.FileChannel ch, StringBuilder text) throws IOException {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.US_ASCII));
        while (b.hasRemaining()) ch.write(b);
        text.setLength(0);
    }
}
