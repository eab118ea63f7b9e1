package org.ntk4j.io;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.testing.FuzzTally;
import org.ntk4j.testing.FuzzTally.Expect;
import org.ntk4j.testing.FuzzTally.Outcome;
import org.ntk4j.testing.FuzzTally.Tried;

/**
 * Fuzzing of {@link Csv#read} with 600 tries from a seeded generator ({@link FuzzTally#run}, each
 * mutation equally often): a random numeric table written in one of the many
 * layouts the reader accepts (header row, comments, blank lines, CRLF, BOM, quotes, spaces, number
 * spellings), then one malformation. Each outcome must be a correct parse or a clean
 * {@code InvalidInputException} for {@code --x1}, within the time bound.
 *
 * <p>Valid layouts must parse to the table written (compared bit for bit); ragged rows, non-numbers,
 * overflowing numbers, empty files, unbalanced quotes and mixed separators must be rejected; NaN/Inf
 * text must be rejected when the finite check is on and read as NaN/±Inf when it is off; huge lines
 * must parse or fail cleanly; binary garbage may go either way, but a parse must then hold only
 * finite values (the reader's promise under the finite check).
 */
class CsvFuzzTest {
    static final FuzzTally TALLY = new FuzzTally("csv");
    static final String ARG = "--x1";
    private static final Path FILE = TALLY.scratchFile("fuzz.csv");

    enum Mutation {
        VALID,
        NON_FINITE_TEXT,
        RAGGED,
        NON_NUMBER,
        OVERFLOW,
        EMPTY,
        HUGE_LINE,
        BINARY,
        BAD_QUOTES,
        MIXED_SEPARATORS
    }

    private static final String TEXTY = "0123456789.,-+eE\"'\n\r #\t;nanif\u0000";

    /** A file, what it should give, and the table it holds when it should parse (null = unknown). */
    private record Case(byte[] bytes, Expect expect, double[][] table) {}

    @Test
    void everyFileReadsCorrectlyOrFailsTyped() {
        TALLY.run(600, Mutation.values(), CsvFuzzTest::oneTry);
    }

    private static Tried oneTry(Mutation mutation, RandomGenerator random) throws IOException {
        int rows = 1 + random.nextInt(8), cols = 1 + random.nextInt(6);
        boolean checkFinite = random.nextBoolean();
        Case c = mutate(mutation, randomTable(rows, cols, random), checkFinite, random);
        Files.write(FILE, c.bytes());
        ReadOptions options = ReadOptions.forArgument(ARG).withCheckFinite(checkFinite);
        // Parsing allocates per field (strings, matchers: ~150 bytes for a 3-digit one); bounded linearly in the file
        // size.
        long justified = 256L * c.bytes().length + (16 << 20);
        return new Tried(
                mutation + " (checkFinite=" + checkFinite + ")",
                new String(c.bytes(), StandardCharsets.ISO_8859_1),
                TALLY.check(
                        mutation.name(),
                        ARG,
                        c.expect(),
                        () -> Csv.read(FILE, options),
                        m -> judge(m, c, checkFinite),
                        justified));
    }

    private static Outcome judge(Matrix m, Case c, boolean checkFinite) {
        if (checkFinite && m.firstNonFinite() >= 0) return Outcome.NON_FINITE_OUTPUT;
        if (c.table() == null) return Outcome.PARSED; // no oracle beyond finiteness (binary garbage)
        if (m.rows() != c.table().length || m.cols() != c.table()[0].length) return Outcome.WRONG_RESULT;
        for (int i = 0; i < m.rows(); i++)
            for (int j = 0; j < m.cols(); j++)
                if (Double.compare(m.get(i, j), c.table()[i][j]) != 0) return Outcome.WRONG_RESULT;
        return Outcome.PARSED;
    }

    // ---- generating ---------------------------------------------------------------------------

    static double[][] randomTable(int rows, int cols, RandomGenerator r) {
        double[][] t = new double[rows][cols];
        for (double[] row : t)
            for (int j = 0; j < cols; j++)
                row[j] = r.nextInt(4) == 0
                        ? r.nextInt(2001) - 1000
                        : r.nextGaussian() * Math.pow(10, r.nextInt(41) - 20);
        return t;
    }

    private static Case mutate(Mutation m, double[][] t, boolean checkFinite, RandomGenerator r) {
        String[][] fields = spell(t, r);
        int rows = t.length, cols = t[0].length;
        return switch (m) {
            case VALID -> new Case(layout(fields, r), Expect.PARSE, t);
            case NON_FINITE_TEXT -> {
                String[] tokens = {"nan", "NaN", "-nan", "inf", "-inf", "+Inf", "Infinity", "-INFINITY"};
                String tok = tokens[r.nextInt(tokens.length)];
                int i = r.nextInt(rows), j = r.nextInt(cols);
                fields[i][j] = tok;
                t[i][j] = tok.toLowerCase().contains("nan")
                        ? Double.NaN
                        : tok.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
                yield new Case(layout(fields, r), checkFinite ? Expect.FAIL : Expect.PARSE, t);
            }
            case RAGGED -> {
                int i = r.nextInt(rows);
                String[] row = fields[i];
                fields[i] = r.nextBoolean() || cols == 1
                        ? append(row, number(r.nextGaussian(), r))
                        : java.util.Arrays.copyOf(row, cols - 1);
                // One row differs from the others; with a single row, make it ragged against an added second row.
                if (rows == 1) fields = new String[][] {fields[0], spell(new double[][] {t[0]}, r)[0]};
                yield new Case(layout(fields, r), Expect.FAIL, null);
            }
            case NON_NUMBER -> {
                String[] junk = {
                    "abc",
                    "1.2.3",
                    "0x10",
                    "1e",
                    "--1",
                    "1,5",
                    "",
                    "one",
                    "\u0661\u0662",
                    "1_000",
                    "1e5.5",
                    "\u00a01",
                    "1 2",
                    "TRUE",
                    "null",
                    "e5",
                    "+",
                    ".",
                    "1d",
                    "1f",
                    "0b1",
                    "\u221e"
                };
                fields = withLeadRow(fields, r);
                String bad = junk[r.nextInt(junk.length)];
                if (bad.isEmpty() && cols == 1) bad = "abc"; // an empty lone field is a blank line, which is skipped
                fields[1 + r.nextInt(fields.length - 1)][r.nextInt(cols)] = bad.contains(",") ? "\"" + bad + "\"" : bad;
                yield new Case(layout(fields, r, false), Expect.FAIL, null);
            }
            case OVERFLOW -> {
                String[] big = {"1e999", "-1e400", "1" + "0".repeat(400), "9e99999999999", "1e2147483648"};
                int i = r.nextInt(rows), j = r.nextInt(cols);
                fields[i][j] = big[r.nextInt(big.length)];
                t[i][j] = fields[i][j].startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
                yield new Case(layout(fields, r), checkFinite ? Expect.FAIL : Expect.PARSE, t);
            }
            case EMPTY -> {
                String[] empties = {
                    "",
                    "\n",
                    "\n\n\r\n",
                    "# only a comment\n",
                    "\uFEFF",
                    "\uFEFF\n",
                    "x,y,z\n",
                    "a\n# c\n\n",
                    "   \n",
                    ",\n",
                    ",,\n,,\n"
                };
                yield new Case(empties[r.nextInt(empties.length)].getBytes(StandardCharsets.UTF_8), Expect.FAIL, null);
            }
            case HUGE_LINE -> {
                if (r.nextBoolean()) { // one row of 5k..25k columns: valid
                    int n = 5_000 + r.nextInt(20_000);
                    double[][] wide = new double[1][n];
                    StringBuilder b = new StringBuilder(8 * n);
                    for (int j = 0; j < n; j++) {
                        wide[0][j] = r.nextInt(1000);
                        b.append(j > 0 ? "," : "").append((int) wide[0][j]);
                    }
                    yield new Case(b.append('\n').toString().getBytes(StandardCharsets.UTF_8), Expect.PARSE, wide);
                }
                // One field of 50k..150k digits (or digits then a letter): overflow or not a number.
                String digits = "7".repeat(50_000 + r.nextInt(100_000)) + (r.nextBoolean() ? "x" : "");
                boolean number = !digits.endsWith("x");
                fields[rows - 1][cols - 1] = digits;
                t[rows - 1][cols - 1] = Double.POSITIVE_INFINITY;
                if (!number) fields = withLeadRow(fields, r); // else a lone text field would be a header row
                yield new Case(
                        layout(fields, r, false),
                        number && !checkFinite ? Expect.PARSE : Expect.FAIL,
                        number ? t : null);
            }
            case BINARY -> {
                byte[] b = new byte[r.nextInt(2000)];
                r.nextBytes(b);
                if (r.nextBoolean()) // mostly-text garbage: digits, separators, quotes and a few odd bytes
                for (int k = 0; k < b.length; k++) b[k] = (byte) TEXTY.charAt(Math.floorMod(b[k], TEXTY.length()));
                yield new Case(b, Expect.EITHER, null);
            }
            case BAD_QUOTES -> {
                String[] bad = {"\"1", "1\"", "\"1\"2", "\"\"\"", "\"1\"\"", "1\"2\"", "\"1,2"};
                fields = withLeadRow(fields, r);
                fields[1 + r.nextInt(fields.length - 1)][r.nextInt(cols)] = bad[r.nextInt(bad.length)];
                yield new Case(layout(fields, r, false), Expect.FAIL, null);
            }
            case MIXED_SEPARATORS -> {
                if (cols == 1) yield new Case(layout(fields, r), Expect.PARSE, t); // no separator to mix up
                String sep = new String[] {";", "\t", " ", "|", ";;"}[r.nextInt(5)];
                fields = withLeadRow(fields, r);
                int i = 1 + r.nextInt(fields.length - 1);
                fields[i] = new String[] {String.join(sep, fields[i])};
                yield new Case(layout(fields, r, false), Expect.FAIL, null);
            }
        };
    }

    /** Each value spelled in one of the decimal forms the reader accepts, all exact in float64. */
    private static String[][] spell(double[][] t, RandomGenerator r) {
        String[][] f = new String[t.length][];
        for (int i = 0; i < t.length; i++) {
            f[i] = new String[t[i].length];
            for (int j = 0; j < t[i].length; j++) f[i][j] = number(t[i][j], r);
        }
        return f;
    }

    private static String number(double v, RandomGenerator r) {
        String s = switch (r.nextInt(5)) {
            case 0 -> Double.toString(v); // 1.5E-7
            case 1 -> new BigDecimal(v).toString(); // the exact decimal, maybe 1.23E+5
            case 2 -> String.format(java.util.Locale.ROOT, "%.17e", v); // 17 significant digits round-trip
            case 3 -> v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
            default -> new BigDecimal(v).toPlainString(); // no exponent
        };
        if (v >= 0 && r.nextInt(4) == 0) s = "+" + s;
        if (r.nextInt(6) == 0) s = "\"" + s + "\"";
        if (r.nextInt(6) == 0) s = " " + s + "  ";
        return s;
    }

    /**
     * The rows with a numeric row put first when there is only one, so that a malformed row can go
     * after the first: a first row of text alone would be read as a header row, not as an error.
     */
    private static String[][] withLeadRow(String[][] fields, RandomGenerator r) {
        if (fields.length > 1) return fields;
        return new String[][] {spell(randomTable(1, fields[0].length, r), r)[0], fields[0]};
    }

    private static String[] append(String[] row, String field) {
        String[] out = java.util.Arrays.copyOf(row, row.length + 1);
        out[row.length] = field;
        return out;
    }

    private static byte[] layout(String[][] fields, RandomGenerator r) {
        return layout(fields, r, true);
    }

    /**
     * The table as CSV text: optional BOM and header row (names only when {@code header}), comment and
     * blank lines in between, LF or CRLF line ends, an optional final newline.
     */
    private static byte[] layout(String[][] fields, RandomGenerator r, boolean header) {
        String eol = r.nextBoolean() ? "\n" : "\r\n";
        StringBuilder b = new StringBuilder();
        if (r.nextInt(5) == 0) b.append('\uFEFF');
        if (header && r.nextBoolean()) {
            List<String> names = new ArrayList<>();
            for (int j = 0; j < fields[0].length; j++) names.add("col" + j);
            b.append(String.join(",", names)).append(eol);
        }
        for (int i = 0; i < fields.length; i++) {
            if (r.nextInt(8) == 0) b.append("# a comment, with 1,2,3").append(eol);
            if (r.nextInt(8) == 0) b.append(eol);
            b.append(String.join(r.nextBoolean() ? "," : " , ", fields[i]));
            if (i < fields.length - 1 || r.nextBoolean()) b.append(eol);
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }
}
