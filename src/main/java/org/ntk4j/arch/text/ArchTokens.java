package org.ntk4j.arch.text;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ntk4j.arch.*;
import org.ntk4j.error.InputText;

/** The tokenizer and value reader of {@link ArchParser} (package-private). */
final class ArchTokens {
    private ArchTokens() {}

    enum Kind {
        IDENT,
        NUMBER,
        LPAREN,
        RPAREN,
        LBRACKET,
        RBRACKET,
        COMMA,
        EQUALS,
        ARROW,
        END
    }

    record Token(Kind kind, String text, int pos) {
        String describe() {
            return kind == Kind.END ? "the end of the text" : InputText.quote(text);
        }
    }

    /** A parsed argument value: a number (with its text), a list of numbers, or an identifier. */
    record Value(Double number, double[] list, String ident, String text) {}

    private static final Pattern NUMBER =
            Pattern.compile("[+-]?+(\\d++\\.?+\\d*+|\\.\\d++)([eE][+-]?+\\d++)?+"); // possessive: linear time
    private static final Pattern IDENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    static List<Token> tokenize(String s) {
        List<Token> out = new ArrayList<>();
        int i = 0, n = s.length();
        Matcher num = NUMBER.matcher(s), id = IDENT.matcher(s);
        while (i < n) {
            char ch = s.charAt(i);
            if (Character.isWhitespace(ch)) {
                i++;
                continue;
            }
            if (s.startsWith("->", i)) {
                out.add(new Token(Kind.ARROW, "->", i));
                i += 2;
                continue;
            }
            Kind k = switch (ch) {
                case '(' -> Kind.LPAREN;
                case ')' -> Kind.RPAREN;
                case '[' -> Kind.LBRACKET;
                case ']' -> Kind.RBRACKET;
                case ',' -> Kind.COMMA;
                case '=' -> Kind.EQUALS;
                default -> null;
            };
            if (k != null) {
                out.add(new Token(k, String.valueOf(ch), i));
                i++;
                continue;
            }
            if (num.region(i, n).lookingAt()) {
                out.add(new Token(Kind.NUMBER, num.group(), i));
                i = num.end();
                continue;
            }
            if (id.region(i, n).lookingAt()) {
                out.add(new Token(Kind.IDENT, id.group(), i));
                i = id.end();
                continue;
            }
            throw ArchParser.err("unexpected character "
                    + InputText.quote(new String(Character.toChars(s.codePointAt(i)))) + " at position " + (i + 1));
        }
        out.add(new Token(Kind.END, "", n));
        return out;
    }

    /** Reads one VALUE starting at {@code pos}; stores it in out[0] and returns the next position. */
    static int parseValue(List<Token> toks, int pos, String layer, Value[] out) {
        Token t = toks.get(pos);
        switch (t.kind()) {
            case NUMBER -> {
                out[0] = new Value(Double.parseDouble(t.text()), null, null, t.text());
                return pos + 1;
            }
            case IDENT -> {
                out[0] = new Value(null, null, t.text(), t.text());
                return pos + 1;
            }
            case LBRACKET -> {
                List<Double> vals = new ArrayList<>();
                int p = pos + 1;
                if (toks.get(p).kind() != Kind.RBRACKET) {
                    while (true) {
                        Token v = toks.get(p);
                        if (v.kind() != Kind.NUMBER)
                            throw ArchParser.err(layer + ": expected a number in the list, found " + v.describe());
                        vals.add(Double.parseDouble(v.text()));
                        p++;
                        Token sep = toks.get(p);
                        if (sep.kind() == Kind.RBRACKET) break;
                        if (sep.kind() != Kind.COMMA)
                            throw ArchParser.err(layer + ": expected ',' or ']' in the list, found " + sep.describe());
                        p++;
                    }
                }
                double[] arr = new double[vals.size()];
                for (int i = 0; i < arr.length; i++) arr[i] = vals.get(i);
                out[0] = new Value(null, arr, null, "[...]");
                return p + 1;
            }
            default ->
                throw ArchParser.err(layer + ": expected a value (number, [list] or name), found " + t.describe());
        }
    }
}
