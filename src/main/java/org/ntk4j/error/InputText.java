package org.ntk4j.error;

/**
 * Renders untrusted input text (a file's header, a CSV field, an ARCH string, a path, an option
 * value) for an error message, so that the message stays one line of printable text of bounded
 * length whatever the input holds.
 *
 * <p>Printable characters (letters, digits, punctuation, symbols and the plain space, in any script)
 * are kept; a backslash becomes {@code \\}; line breaks and tabs become {@code \n}, {@code \r},
 * {@code \t}; every other control, format, separator, private-use, unassigned or unpaired surrogate
 * character becomes {@code \xNN} (up to U+00FF), <code>&#92;uNNNN</code> or {@code \UNNNNNNNN}, as in a
 * Python string literal. Text whose rendering would exceed the limit is cut at a character boundary
 * and ends with {@code ...} and a note giving the original length.
 */
public final class InputText {
    /** The default limit on the rendered text (escapes count with their full length). */
    public static final int DEFAULT_LIMIT = 60;

    private InputText() {}

    /**
     * The text escaped and shortened to {@link #DEFAULT_LIMIT}, in quotes as Python's repr chooses
     * them: {@code 'a\nb'}, or {@code "it's"} when the text has a single quote and no double quote.
     */
    public static String quote(CharSequence text) {
        return quote(text, DEFAULT_LIMIT);
    }

    /** {@link #quote(CharSequence)} with another limit on the rendered text. */
    public static String quote(CharSequence text, int limit) {
        char q = text != null
                        && text.toString().indexOf('\'') >= 0
                        && text.toString().indexOf('"') < 0
                ? '"'
                : '\'';
        return q + escape(text, limit, q) + q;
    }

    /**
     * The text escaped and shortened to {@code limit} characters (plus the cut note), without quotes:
     * for file names and other text the message already delimits.
     */
    public static String escape(CharSequence text, int limit) {
        return escape(text, limit, (char) 0);
    }

    /**
     * A whole message (not raw input) as one line for a terminal: line breaks with the whitespace
     * around them become {@code "; "}, other unprintable characters are escaped as above, and a
     * message longer than {@code limit} is cut. Backslashes and quotes are left alone: the parts of
     * the message that quote input went through {@link #quote} already.
     */
    public static String oneLine(String message, int limit) {
        if (message == null) return "";
        // Cut far beyond the limit first, so that the line-break pattern never scans megabytes.
        String s = message.length() > 4L * limit ? message.substring(0, 4 * limit) : message;
        s = s.strip().replaceAll("\\s*[\\r\\n]+\\s*", "; ");
        return render(s, limit, message.length(), (char) 0, false);
    }

    private static String escape(CharSequence text, int limit, char quote) {
        return text == null ? "null" : render(text, limit, text.length(), quote, true);
    }

    /** The rendering of {@code text}, cut at {@code limit} with a note giving the original {@code length}. */
    private static String render(CharSequence text, int limit, int length, char quote, boolean escapeBackslash) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), limit) + 24);
        for (int i = 0; i < text.length(); ) {
            int cp = Character.codePointAt(text, i);
            String piece = cp == '\\' && !escapeBackslash ? "\\" : render(cp, quote);
            if (out.length() + piece.length() > limit)
                return out.append("... (").append(length).append(" characters)").toString();
            out.append(piece);
            i += Character.charCount(cp);
        }
        return out.toString();
    }

    private static String render(int cp, char quote) {
        switch (cp) {
            case '\\':
                return "\\\\";
            case '\n':
                return "\\n";
            case '\r':
                return "\\r";
            case '\t':
                return "\\t";
            default:
                if (quote != 0 && cp == quote) return "\\" + quote;
                if (printable(cp)) return new String(Character.toChars(cp));
                if (cp <= 0xff) return String.format("\\x%02x", cp);
                if (cp <= 0xffff) return String.format("\\u%04x", cp);
                return String.format("\\U%08x", cp);
        }
    }

    private static boolean printable(int cp) {
        if (cp == ' ') return true;
        return switch (Character.getType(cp)) {
            case Character.CONTROL,
                    Character.FORMAT,
                    Character.SURROGATE,
                    Character.PRIVATE_USE,
                    Character.UNASSIGNED,
                    Character.LINE_SEPARATOR,
                    Character.PARAGRAPH_SEPARATOR,
                    Character.SPACE_SEPARATOR -> false;
            default -> true;
        };
    }
}
