package org.ntk4j.io;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ntk4j.error.InputText;

/**
 * A parser for the Python literals a {@code .npy} header is made of: the subset of what numpy
 * writes and {@code ast.literal_eval} accepts that a header needs. Values map to Java as
 * <ul>
 *   <li>a string ({@code '…'} or {@code "…"}, with the escapes {@code \\ \' \" \n \r \t \0 \xHH
 *       \}{@code uHHHH \UHHHHHHHH}) → {@link String};</li>
 *   <li>a decimal integer with an optional sign (Python 2's {@code L} suffix where allowed) →
 *       {@link BigInteger};</li>
 *   <li>{@code True}/{@code False} → {@link Boolean}; {@code None} → {@link #NONE};</li>
 *   <li>a tuple {@code ()}, {@code (n,)}, {@code (a, b)} → {@link Tuple}; a list → {@link PyList};</li>
 *   <li>a dict with string keys → {@link Map} in key order. A key given twice is an error: Python
 *       keeps the last value silently, which lets a crafted header show one shape to a reader that
 *       takes the first match and another to numpy.</li>
 * </ul>
 * Parentheses around a single value only group it, as in Python; trailing commas and whitespace
 * are allowed where Python allows them. Everything else literal_eval knows (comments, other number
 * forms, string prefixes, implicit concatenation, sets, floats) is rejected: stricter than numpy,
 * never looser. Nesting is limited to {@value #MAX_DEPTH} levels so that hostile input cannot
 * exhaust the stack.
 */
final class PyLiteral {
    /** Python's {@code None}. */
    static final Object NONE = new Object() {
        @Override
        public String toString() {
            return "None";
        }
    };

    /** A Python tuple. */
    record Tuple(List<Object> items) {}

    /** A Python list. */
    record PyList(List<Object> items) {}

    /** The text is not a literal of the supported subset; {@link #position()} is 0-based. */
    static final class Malformed extends Exception {
        private final int position;

        Malformed(String message, int position) {
            super(message);
            this.position = position;
        }

        int position() {
            return position;
        }
    }

    static final int MAX_DEPTH = 16;

    private final String s;
    private final boolean longSuffix;
    private int i;

    private PyLiteral(String s, boolean longSuffix) {
        this.s = s;
        this.longSuffix = longSuffix;
    }

    /**
     * Parses {@code text}, which must hold exactly one literal surrounded by optional whitespace.
     *
     * @param longSuffix accept Python 2's {@code 3L} integers (numpy does in format 1.0 and 2.0 files)
     */
    static Object parse(String text, boolean longSuffix) throws Malformed {
        PyLiteral p = new PyLiteral(text, longSuffix);
        Object v = p.value(0);
        p.skipSpace();
        if (p.i < text.length()) throw p.error("unexpected text after the literal");
        return v;
    }

    private Object value(int depth) throws Malformed {
        if (depth > MAX_DEPTH) throw error("nested more than " + MAX_DEPTH + " levels deep");
        skipSpace();
        if (i >= s.length()) throw error("unexpected end of the text");
        char c = s.charAt(i);
        return switch (c) {
            case '{' -> dict(depth);
            case '(' -> tupleOrGroup(depth);
            case '[' -> new PyList(items(depth, ']'));
            case '\'', '"' -> string();
            default -> {
                if (c == '+' || c == '-' || isDigit(c)) yield integer();
                if (Character.isLetter(c) || c == '_') yield name();
                throw error("unexpected character");
            }
        };
    }

    private Map<String, Object> dict(int depth) throws Malformed {
        i++; // '{'
        Map<String, Object> out = new LinkedHashMap<>();
        while (true) {
            skipSpace();
            if (peek('}')) {
                i++;
                return out;
            }
            int keyAt = i;
            if (!(peek('\'') || peek('"'))) throw error("expected a string key or '}'");
            String key = string();
            skipSpace();
            expect(':');
            Object v = value(depth + 1);
            if (out.containsKey(key))
                throw new Malformed("key " + InputText.quote(key) + " appears twice (ambiguous)", keyAt);
            out.put(key, v);
            skipSpace();
            if (peek(',')) {
                i++;
                continue;
            }
            if (!peek('}')) throw error("expected ',' or '}'");
        }
    }

    /** {@code ()} and anything with a comma is a tuple; {@code (v)} is just v. */
    private Object tupleOrGroup(int depth) throws Malformed {
        List<Object> items = items(depth, ')');
        return items.size() == 1 && !trailingComma ? items.get(0) : new Tuple(items);
    }

    /** Whether the last {@link #items} call saw a comma after its last value. */
    private boolean trailingComma;

    /** The comma-separated values up to {@code close}; records whether a comma followed the last one. */
    private List<Object> items(int depth, char close) throws Malformed {
        i++; // the opening bracket
        List<Object> out = new ArrayList<>();
        boolean comma = false;
        while (true) {
            skipSpace();
            if (peek(close)) {
                i++;
                trailingComma = comma;
                return out;
            }
            if (!out.isEmpty() && !comma) throw error("expected ',' or '" + close + "'");
            out.add(value(depth + 1));
            skipSpace();
            comma = peek(',');
            if (comma) i++;
        }
    }

    private String string() throws Malformed {
        char q = s.charAt(i);
        int start = i++;
        StringBuilder b = new StringBuilder();
        while (true) {
            if (i >= s.length()) throw new Malformed("unterminated string", start);
            char c = s.charAt(i++);
            if (c == q) return b.toString();
            if (c == '\n' || c == '\r') throw new Malformed("unterminated string (line break inside)", start);
            if (c != '\\') {
                b.append(c);
                continue;
            }
            if (i >= s.length()) throw new Malformed("unterminated string", start);
            char e = s.charAt(i++);
            switch (e) {
                case '\\', '\'', '"' -> b.append(e);
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case '0' -> b.append('\0');
                case 'x' -> b.appendCodePoint(hex(2));
                case 'u' -> b.appendCodePoint(hex(4));
                case 'U' -> {
                    int cp = hex(8);
                    if (cp > Character.MAX_CODE_POINT) throw new Malformed("escape beyond U+10FFFF", i - 10);
                    b.appendCodePoint(cp);
                }
                default -> throw new Malformed("unsupported escape in a string", i - 2);
            }
        }
    }

    private int hex(int digits) throws Malformed {
        if (i + digits > s.length()) throw new Malformed("truncated escape in a string", i - 2);
        long v = 0;
        for (int k = 0; k < digits; k++) {
            int d = Character.digit(s.charAt(i + k), 16);
            if (d < 0 || s.charAt(i + k) > 'f') throw new Malformed("bad hexadecimal escape in a string", i - 2);
            v = v * 16 + d;
        }
        i += digits;
        return (int) Math.min(v, Integer.MAX_VALUE);
    }

    private BigInteger integer() throws Malformed {
        int start = i;
        if (peek('+') || peek('-')) i++;
        int digits = i;
        while (i < s.length() && isDigit(s.charAt(i))) i++;
        if (i == digits) throw new Malformed("expected digits", start);
        String d = s.substring(digits, i);
        // Python forbids leading zeros on a non-zero decimal ("02" is a syntax error).
        if (d.length() > 1 && d.charAt(0) == '0' && !d.chars().allMatch(ch -> ch == '0'))
            throw new Malformed("integer with a leading zero", start);
        if (longSuffix && (peek('L') || peek('l'))) i++;
        if (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_' || s.charAt(i) == '.'))
            throw new Malformed("not a decimal integer", start);
        BigInteger v = new BigInteger(d);
        return s.charAt(start) == '-' ? v.negate() : v;
    }

    private Object name() throws Malformed {
        int start = i;
        while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) i++;
        return switch (s.substring(start, i)) {
            case "True" -> Boolean.TRUE;
            case "False" -> Boolean.FALSE;
            case "None" -> NONE;
            default -> throw new Malformed("unknown name (only True, False and None are literals)", start);
        };
    }

    private void skipSpace() {
        while (i < s.length() && " \t\n\r\f".indexOf(s.charAt(i)) >= 0) i++;
    }

    private boolean peek(char c) {
        return i < s.length() && s.charAt(i) == c;
    }

    private void expect(char c) throws Malformed {
        if (!peek(c)) throw error("expected '" + c + "'");
        i++;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private Malformed error(String what) {
        return new Malformed(what, i);
    }

    /** A value as Python's repr would show it (for messages; strings unescaped, so quote the result). */
    static String repr(Object v) {
        if (v instanceof String str) return "'" + str + "'";
        if (v instanceof Boolean b) return b ? "True" : "False";
        if (v instanceof Tuple t) {
            List<String> parts = t.items().stream().map(PyLiteral::repr).toList();
            return parts.size() == 1 ? "(" + parts.get(0) + ",)" : "(" + String.join(", ", parts) + ")";
        }
        if (v instanceof PyList l)
            return l.items().stream().map(PyLiteral::repr).toList().toString();
        if (v instanceof Map<?, ?> m) {
            List<String> parts = new ArrayList<>();
            m.forEach((k, x) -> parts.add(repr(k) + ": " + repr(x)));
            return "{" + String.join(", ", parts) + "}";
        }
        return String.valueOf(v);
    }
}
