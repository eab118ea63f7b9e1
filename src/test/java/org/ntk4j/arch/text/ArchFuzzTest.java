package org.ntk4j.arch.text;

import static org.ntk4j.testing.FuzzTally.pick;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.ntk4j.arch.*;
import org.ntk4j.arch.activation.*;
import org.ntk4j.testing.FuzzTally;
import org.ntk4j.testing.FuzzTally.Expect;
import org.ntk4j.testing.FuzzTally.Outcome;
import org.ntk4j.testing.FuzzTally.Tried;

/**
 * Fuzzing of {@link ArchParser#parse} with 1500 tries from a seeded generator ({@link FuzzTally#run},
 * each mutation equally often): ARCH strings made from a random valid
 * {@link Architecture} (its {@code describe()}, respelled: case, whitespace), then one mutation.
 * Each outcome must be a correct parse or a clean {@code InvalidInputException} for {@code arch}.
 *
 * <p>Valid strings (including 500 layers and widths up to 2^31 − 1) must parse to the architecture
 * they came from (layer by layer); huge, zero, negative and fractional widths, negative/NaN/Inf/1e999
 * standard deviations, out-of-range activation parameters, unicode, empty text, deep nesting,
 * unbalanced brackets and 100k-character tokens must be rejected; odd numbers, random token soup and
 * character edits may go either way, but a parse must then describe an architecture that parses
 * back to itself.
 */
class ArchFuzzTest {
    static final FuzzTally TALLY = new FuzzTally("arch");

    enum Mutation {
        VALID,
        VALID_SPELLING,
        MANY_LAYERS,
        HUGE_WIDTH,
        BAD_STD,
        BAD_PARAMETER,
        UNICODE,
        EMPTY,
        NESTING,
        UNBALANCED,
        LONG_TOKEN,
        ODD_NUMBERS,
        TOKEN_SOUP,
        CHAR_EDITS
    }

    private static final String EDIT_CHARS = "()[],=->.eE+-0123456789 _aDRN\t";

    /** An ARCH string, what it should give, and the architecture it spells when valid. */
    private record Case(String text, Expect expect, Architecture arch) {}

    @Test
    void everyStringParsesCorrectlyOrFailsTyped() {
        TALLY.run(1500, Mutation.values(), (mutation, random) -> {
            Case c = mutate(mutation, randomArchitecture(1 + random.nextInt(4), random), random);
            return new Tried(
                    mutation.name(),
                    c.text(),
                    TALLY.check(
                            mutation.name(),
                            "arch",
                            c.expect(),
                            () -> ArchParser.parse(c.text()),
                            a -> judge(a, c),
                            Long.MAX_VALUE));
        });
    }

    private static Outcome judge(Architecture a, Case c) {
        if (c.arch() != null) return sameLayers(a, c.arch()) ? Outcome.PARSED : Outcome.WRONG_RESULT;
        Architecture again = ArchParser.parse(a.describe());
        return sameLayers(a, again) ? Outcome.PARSED : Outcome.WRONG_RESULT;
    }

    /** Layer by layer: records by value; the two activation classes that are not records by their text. */
    private static boolean sameLayers(Architecture a, Architecture b) {
        if (a.layers().size() != b.layers().size() || a.parameterization() != b.parameterization()) return false;
        for (int i = 0; i < a.layers().size(); i++) {
            Layer x = a.layers().get(i), y = b.layers().get(i);
            if (x.getClass() != y.getClass()) return false;
            if (x instanceof Record ? !x.equals(y) : !x.describe().equals(y.describe())) return false;
        }
        return true;
    }

    // ---- generating ---------------------------------------------------------------------------

    private static final List<Function<RandomGenerator, Layer>> ACTIVATIONS = List.of(
            r -> new Relu(),
            r -> new LeakyRelu(r.nextGaussian()),
            r -> new ABRelu(r.nextGaussian(), r.nextGaussian()),
            r -> new Abs(),
            r -> new Erf(r.nextGaussian(), r.nextGaussian(), r.nextGaussian()),
            r -> new SigmoidLike(),
            r -> new Gelu(),
            r -> new Sin(r.nextGaussian(), r.nextGaussian(), r.nextGaussian()),
            r -> new Cos(r.nextGaussian(), r.nextGaussian(), r.nextGaussian()),
            r -> new Rbf(Math.abs(r.nextGaussian())),
            r -> new Exp(r.nextGaussian(), r.nextGaussian()),
            r -> new Gaussian(r.nextGaussian(), -Math.abs(r.nextGaussian())),
            r -> new Sign(),
            r -> new Monomial(r.nextInt(6)),
            r -> new RectifiedMonomial(r.nextInt(4)),
            r -> new Polynomial(r.doubles(1 + r.nextInt(20)).map(x -> 4 * x - 2).toArray()),
            r -> new Gabor(),
            // A few degrees only: the first use of each costs up to ~2 s (the quadrature rule), then it is cached.
            r -> Numerical.builtin(pick(r, "tanh", "sigmoid", "softplus", "silu", "elu"), pick(r, 2, 5, 25)));

    /** {@code blocks} Dense layers, each but the last followed by an activation; Identity anywhere. */
    static Architecture randomArchitecture(int blocks, RandomGenerator r) {
        List<Layer> layers = new ArrayList<>();
        for (int k = 0; k < blocks; k++) {
            if (r.nextInt(8) == 0) layers.add(new Identity());
            layers.add(randomDense(r));
            if (k < blocks - 1 || r.nextInt(4) == 0) layers.add(randomActivation(r));
        }
        return Architecture.of(layers.toArray(Layer[]::new));
    }

    private static Dense randomDense(RandomGenerator r) {
        int[] widths = {1, 2, 3, 512, 1 + r.nextInt(Integer.MAX_VALUE), Integer.MAX_VALUE};
        double[] stds = {0, -0.0, 3 * r.nextDouble(), 1e-300, 1e300, Double.MIN_VALUE, Double.MAX_VALUE, 1.5};
        int w = widths[r.nextInt(widths.length)];
        double ws = stds[r.nextInt(stds.length)];
        return r.nextBoolean() ? Dense.noBias(w, ws) : Dense.of(w, ws, Math.abs(stds[r.nextInt(stds.length)]));
    }

    private static Layer randomActivation(RandomGenerator r) {
        try {
            return ACTIVATIONS.get(r.nextInt(ACTIVATIONS.size())).apply(r);
        } catch (RuntimeException e) { // a parameter draw the activation itself refuses (the fuzz is not about them)
            return new Relu();
        }
    }

    private static Case mutate(Mutation m, Architecture a, RandomGenerator r) {
        String text = a.describe();
        return switch (m) {
            case VALID -> new Case(text, Expect.PARSE, a);
            case VALID_SPELLING -> new Case(respell(text, r), Expect.PARSE, a);
            case MANY_LAYERS -> {
                Architecture big = randomArchitecture(250, r);
                yield new Case(big.describe(), Expect.PARSE, big);
            }
            case HUGE_WIDTH ->
                new Case(
                        replaceFirstWidth(
                                text,
                                pick(
                                        r,
                                        "2147483648",
                                        "1e10",
                                        "1e999",
                                        "-1",
                                        "0",
                                        "1.5",
                                        "99999999999999999999",
                                        "-0",
                                        "4294967297",
                                        "1e-5")),
                        Expect.FAIL,
                        null);
            case BAD_STD -> {
                String key = r.nextBoolean() ? "W_std" : "b_std";
                String value = pick(
                        r,
                        "-1",
                        "nan",
                        "NaN",
                        "inf",
                        "Infinity",
                        "1e999",
                        "-1e999",
                        "-1e-300",
                        "-4.9e-324",
                        "x",
                        "[1]",
                        key.equals("W_std") ? "None" : "-2");
                yield new Case("Dense(3," + key + "=" + value + ")->Relu->Dense(1)", Expect.FAIL, null);
            }
            case BAD_PARAMETER ->
                new Case(
                        "Dense(4)->"
                                + pick(
                                        r,
                                        "LeakyRelu(alpha=1e999)",
                                        "LeakyRelu()",
                                        "Monomial(6)",
                                        "Monomial(2.5)",
                                        "Monomial(-1)",
                                        "RectifiedMonomial(4)",
                                        "Polynomial(coef=[])",
                                        "Polynomial(coef=1)",
                                        "Polynomial(coef=[" + "1,".repeat(20) + "1])",
                                        "Numerical(fn=foo)",
                                        "Numerical(fn=tanh,deg=1)",
                                        "Numerical(fn=tanh,deg=201)",
                                        "Numerical(fn=" + "x".repeat(5000) + ")",
                                        "Rbf(gamma=-1)",
                                        "Relu(1)",
                                        "Erf(d=1)",
                                        "Erf(1,2,3,4)",
                                        "Relu(a=1,a=2)",
                                        "Erf(1,a=2)",
                                        "Erf(a=1,2)",
                                        "Dense(1,W_std=1,W_std=2)",
                                        "Exp(a=1e999)",
                                        "Numerical(fn=1)",
                                        "Numerical(tanh,2.5)")
                                + (r.nextBoolean() ? "->Dense(1)" : ""),
                        Expect.FAIL,
                        null);
            case UNICODE -> {
                String ch = pick(
                        r,
                        "\u00e9",
                        "\uff15",
                        "\u0000",
                        "\u200b",
                        "\ud83d\ude00",
                        "\ud800",
                        "\u202e",
                        "\u0661",
                        "\u00a0",
                        "\u2192",
                        "\u00ad",
                        "\u0007",
                        "\u00ff",
                        "\uffff",
                        "\u0130");
                int at = r.nextInt(text.length() + 1);
                yield new Case(text.substring(0, at) + ch + text.substring(at), Expect.FAIL, null);
            }
            case EMPTY ->
                new Case(
                        pick(
                                r,
                                "",
                                " ",
                                "\n\t",
                                "->",
                                "()",
                                ",",
                                "Dense()",
                                "Relu",
                                "Dense(1)->",
                                "->Dense(1)",
                                "Dense(1)->->Relu",
                                "=",
                                "[]",
                                "Dense(1)->Relu->Relu->Dense(1)"),
                        Expect.FAIL,
                        null);
            case NESTING -> {
                int n = 1 + r.nextInt(r.nextBoolean() ? 20 : 20_000);
                yield new Case(
                        pick(
                                r,
                                "Dense(" + "(".repeat(n) + "1" + ")".repeat(n) + ")",
                                "[".repeat(n),
                                "Dense(1,W_std=" + "[".repeat(n) + "1" + "]".repeat(n) + ")",
                                "Dense(1)->" + "(".repeat(n),
                                "Polynomial(coef=[[1]])"),
                        Expect.FAIL,
                        null);
            }
            case UNBALANCED -> new Case(unbalance(text + "->Dense(2)", r), Expect.FAIL, null);
            case LONG_TOKEN ->
                new Case(
                        pick(
                                r,
                                "A".repeat(100_000),
                                "Dense(" + "9".repeat(100_000) + ")",
                                "Dense(1," + "W".repeat(100_000) + "=1)",
                                "Dense(1)->" + "Relu".repeat(30_000),
                                "Dense(1,W_std=" + "1".repeat(100_000) + "x)"),
                        Expect.FAIL,
                        null);
            case ODD_NUMBERS ->
                new Case(
                        replaceNumber(
                                text,
                                pick(
                                        r,
                                        "1e999",
                                        "-1e999",
                                        "1e-999",
                                        "0x10",
                                        "1_0",
                                        ".5",
                                        "5.",
                                        "+1",
                                        "1e+5",
                                        "00001",
                                        "1e-400",
                                        "4.9e-324",
                                        "1.7976931348623157e308",
                                        "NaN",
                                        "Infinity",
                                        "-0",
                                        "1e",
                                        "1.2.3",
                                        "--1",
                                        "2147483647",
                                        "2147483647.0",
                                        "21474836470e-1"),
                                r),
                        Expect.EITHER,
                        null);
            case TOKEN_SOUP -> {
                StringBuilder b = new StringBuilder();
                for (int k = r.nextInt(30); k >= 0; k--)
                    b.append(pick(
                            r,
                            "Dense",
                            "Relu",
                            "Erf",
                            "Identity",
                            "(",
                            ")",
                            "[",
                            "]",
                            ",",
                            "=",
                            "->",
                            "-",
                            ">",
                            "1",
                            "-2.5",
                            "0",
                            "W_std",
                            "b_std",
                            "None",
                            "a",
                            "coef",
                            " ",
                            "1e999",
                            "fn",
                            "tanh",
                            "deg"));
                yield new Case(b.toString(), Expect.EITHER, null);
            }
            case CHAR_EDITS -> {
                StringBuilder b = new StringBuilder(text);
                for (int k = r.nextInt(3); k >= 0 && b.length() > 0; k--) {
                    int at = r.nextInt(b.length());
                    char c = EDIT_CHARS.charAt(r.nextInt(EDIT_CHARS.length()));
                    switch (r.nextInt(3)) {
                        case 0 -> b.deleteCharAt(at);
                        case 1 -> b.insert(at, c);
                        default -> b.setCharAt(at, c);
                    }
                }
                yield new Case(b.toString(), Expect.EITHER, null);
            }
        };
    }

    /** Whitespace around the punctuation, and the case of the whole text changed (names and keys ignore case). */
    private static String respell(String text, RandomGenerator r) {
        StringBuilder b = new StringBuilder();
        for (char c : text.toCharArray()) {
            boolean punct = "(),=[]".indexOf(c) >= 0;
            if (punct && r.nextBoolean()) b.append(pick(r, " ", "\t", "\n", "  "));
            b.append(c);
            if (punct && r.nextBoolean()) b.append(pick(r, " ", "\r\n", "   "));
        }
        String s = b.toString().replace("->", pick(r, "->", " -> ", "\n->\n"));
        return switch (r.nextInt(3)) {
            case 0 -> s.toLowerCase(Locale.ROOT);
            case 1 -> s.toUpperCase(Locale.ROOT);
            default -> s;
        };
    }

    private static String replaceFirstWidth(String text, String width) {
        int at = text.indexOf("Dense(") + "Dense(".length();
        int end = text.indexOf(',', at) < 0
                ? text.indexOf(')', at)
                : Math.min(text.indexOf(',', at), text.indexOf(')', at));
        return text.substring(0, at) + width + text.substring(end);
    }

    /** One number of the text (its first or a random one) replaced; the text itself when it has none. */
    private static String replaceNumber(String text, String number, RandomGenerator r) {
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("-?[0-9][0-9.]*(E-?[0-9]+)?").matcher(text);
        List<int[]> spans = new ArrayList<>();
        while (m.find()) spans.add(new int[] {m.start(), m.end()});
        if (spans.isEmpty()) return text;
        int[] s = spans.get(r.nextInt(spans.size()));
        return text.substring(0, s[0]) + number + text.substring(s[1]);
    }

    /** One bracket or parenthesis dropped, or an opening or closing one added. */
    private static String unbalance(String text, RandomGenerator r) {
        List<Integer> brackets = new ArrayList<>();
        for (int i = 0; i < text.length(); i++) if ("()[]".indexOf(text.charAt(i)) >= 0) brackets.add(i);
        if (r.nextBoolean()) {
            int at = brackets.get(r.nextInt(brackets.size()));
            return text.substring(0, at) + text.substring(at + 1);
        }
        int at = r.nextInt(text.length() + 1);
        return text.substring(0, at) + pick(r, "(", ")", "[", "]") + text.substring(at);
    }
}
