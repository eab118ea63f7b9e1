package org.ntk4j.arch.text;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ntk4j.arch.*;
import org.ntk4j.error.InvalidInputException;

/**
 * Parses ARCH text (grammar in the README, section "ARCH: the network description") into an {@link Architecture}:
 * <pre>
 * ARCH  := LAYER ( '->' LAYER )*
 * LAYER := NAME [ '(' ARG ( ',' ARG )* ')' ]
 * ARG   := VALUE | KEY '=' VALUE          (positional arguments first)
 * VALUE := number | '[' number ( ',' number )* ']' | identifier
 * </pre>
 * e.g. {@code Dense(512, W_std=1.5, b_std=0.1) -> Relu -> Dense(1, W_std=1.5, b_std=0.1)}.
 * Whitespace is free; layer names and keys are case-insensitive. {@code b_std=None} is the same as
 * leaving b_std out (no bias). Every error is an {@link InvalidInputException} with argument
 * {@code "arch"} and one line naming the layer and the problem.
 */
public final class ArchParser {
    private ArchParser() {}

    /** Parses with the NTK parameterization. */
    public static Architecture parse(String arch) {
        return parse(arch, Parameterization.NTK);
    }

    /** Parses ARCH text; the parameterization applies to every Dense layer. */
    public static Architecture parse(String arch, Parameterization parameterization) {
        if (arch == null || arch.isBlank())
            throw new InvalidInputException(
                    "arch", "empty architecture; e.g. 'Dense(512,W_std=1.5,b_std=0.1)->Relu->Dense(1)'");
        if (parameterization == null)
            throw new InvalidInputException("parameterization", "is null; use ntk or standard");
        List<ArchTokens.Token> toks = ArchTokens.tokenize(arch);
        List<Layer> layers = new ArrayList<>();
        int pos = 0;
        while (true) {
            ArchTokens.Token nameTok = toks.get(pos);
            if (nameTok.kind() != ArchTokens.Kind.IDENT)
                throw err("expected a layer name at position " + (nameTok.pos() + 1) + ", found " + nameTok.describe());
            pos++;
            List<ArchTokens.Value> positional = new ArrayList<>();
            Map<String, ArchTokens.Value> keyed = new LinkedHashMap<>();
            if (toks.get(pos).kind() == ArchTokens.Kind.LPAREN) {
                pos = parseArgs(toks, pos + 1, nameTok.text(), positional, keyed);
            }
            int index = layers.size() + 1;
            Layer layer = LayerFactory.create(nameTok.text(), index, positional, keyed);
            layers.add(layer);
            ArchTokens.Token t = toks.get(pos);
            if (t.kind() == ArchTokens.Kind.END) break;
            if (t.kind() != ArchTokens.Kind.ARROW)
                throw err("expected '->' or the end after layer " + index + " (" + nameTok.describe() + "), found "
                        + t.describe());
            pos++;
        }
        try { // Architecture owns the layer-order rules (where a nonlinearity may go)
            return new Architecture(layers, parameterization);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("arch", e.getMessage(), e);
        }
    }

    private static int parseArgs(
            List<ArchTokens.Token> toks,
            int pos,
            String layer,
            List<ArchTokens.Value> positional,
            Map<String, ArchTokens.Value> keyed) {
        if (toks.get(pos).kind() == ArchTokens.Kind.RPAREN) return pos + 1;
        while (true) {
            ArchTokens.Token t = toks.get(pos);
            if (t.kind() == ArchTokens.Kind.IDENT && toks.get(pos + 1).kind() == ArchTokens.Kind.EQUALS) {
                String key = t.text().toLowerCase(Locale.ROOT);
                ArchTokens.Value[] out = new ArchTokens.Value[1];
                pos = ArchTokens.parseValue(toks, pos + 2, layer, out);
                if (keyed.put(key, out[0]) != null) throw err(layer + ": parameter " + t.describe() + " given twice");
            } else {
                if (!keyed.isEmpty())
                    throw err(layer + ": positional argument " + t.describe() + " after a key=value argument");
                ArchTokens.Value[] out = new ArchTokens.Value[1];
                pos = ArchTokens.parseValue(toks, pos, layer, out);
                positional.add(out[0]);
            }
            ArchTokens.Token sep = toks.get(pos);
            if (sep.kind() == ArchTokens.Kind.RPAREN) return pos + 1;
            if (sep.kind() != ArchTokens.Kind.COMMA)
                throw err(layer + ": expected ',' or ')' at position " + (sep.pos() + 1) + ", found " + sep.describe());
            pos++;
        }
    }

    static InvalidInputException err(String msg) {
        return new InvalidInputException("arch", msg);
    }
}
