package org.ntk4j.arch.text;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.ntk4j.arch.*;
import org.ntk4j.arch.activation.*;
import org.ntk4j.error.InputText;
import org.ntk4j.error.InvalidInputException;

/** Builds one layer of {@link ArchParser} from its name and arguments (package-private). */
final class LayerFactory {
    private LayerFactory() {}

    private enum Type {
        NUM,
        INT,
        LIST,
        IDENT
    }

    /** One parameter: its key, type and default ({@code null} = required, {@link #NONE} = optional, absent). */
    private record Param(String key, Type type, Object dflt) {}

    private static final Object NONE = new Object();

    private record Spec(String name, List<Param> params, Function<Args, Layer> build) {}

    /** Bound arguments of one layer. */
    private record Args(String layer, Map<String, Object> values) {
        double num(String k) {
            return (Double) values.get(k);
        }

        int integer(String k) {
            return (Integer) values.get(k);
        }

        boolean has(String k) {
            return values.get(k) != NONE;
        }
    }

    private static final Map<String, Spec> SPECS = new LinkedHashMap<>();

    private static void def(String name, Function<Args, Layer> build, Param... params) {
        SPECS.put(name.toLowerCase(Locale.ROOT), new Spec(name, List.of(params), build));
    }

    private static Param p(String k, Type t, Object d) {
        return new Param(k, t, d);
    }

    static {
        def(
                "Dense",
                a -> {
                    double w = a.num("W_std");
                    if (w < 0) throw ArchParser.err("Dense: W_std must be >= 0, got " + w);
                    if (!a.has("b_std")) return Dense.noBias(a.integer("out_dim"), w);
                    double b = a.num("b_std");
                    if (b < 0) throw ArchParser.err("Dense: b_std must be >= 0, got " + b);
                    return Dense.of(a.integer("out_dim"), w, b);
                },
                p("out_dim", Type.INT, null),
                p("W_std", Type.NUM, 1.0),
                p("b_std", Type.NUM, NONE));
        def("Relu", a -> new Relu());
        def("LeakyRelu", a -> new LeakyRelu(a.num("alpha")), p("alpha", Type.NUM, null));
        def("ABRelu", a -> new ABRelu(a.num("a"), a.num("b")), p("a", Type.NUM, null), p("b", Type.NUM, null));
        def("Abs", a -> new Abs());
        def("Identity", a -> new Identity());
        def(
                "Erf",
                a -> new Erf(a.num("a"), a.num("b"), a.num("c")),
                p("a", Type.NUM, 1.0),
                p("b", Type.NUM, 1.0),
                p("c", Type.NUM, 0.0));
        def("Sigmoid_like", a -> new SigmoidLike());
        def("Gelu", a -> new Gelu());
        def(
                "Sin",
                a -> new Sin(a.num("a"), a.num("b"), a.num("c")),
                p("a", Type.NUM, 1.0),
                p("b", Type.NUM, 1.0),
                p("c", Type.NUM, 0.0));
        def(
                "Cos",
                a -> new Cos(a.num("a"), a.num("b"), a.num("c")),
                p("a", Type.NUM, 1.0),
                p("b", Type.NUM, 1.0),
                p("c", Type.NUM, 0.0));
        def("Rbf", a -> new Rbf(a.num("gamma")), p("gamma", Type.NUM, 1.0));
        def("Exp", a -> new Exp(a.num("a"), a.num("b")), p("a", Type.NUM, 1.0), p("b", Type.NUM, 1.0));
        def("Gaussian", a -> new Gaussian(a.num("a"), a.num("b")), p("a", Type.NUM, 1.0), p("b", Type.NUM, -1.0));
        def("Sign", a -> new Sign());
        def("Monomial", a -> new Monomial(a.integer("degree")), p("degree", Type.INT, null));
        def("RectifiedMonomial", a -> new RectifiedMonomial(a.integer("degree")), p("degree", Type.INT, null));
        def("Polynomial", a -> new Polynomial((double[]) a.values().get("coef")), p("coef", Type.LIST, null));
        def("Gabor", a -> new Gabor());
        def(
                "Numerical",
                a -> Numerical.builtin((String) a.values().get("fn"), a.integer("deg")),
                p("fn", Type.IDENT, null),
                p("deg", Type.INT, 25));
    }

    /** The layer names, in the order they are registered below. */
    static List<String> names() {
        List<String> out = new ArrayList<>();
        for (Spec s : SPECS.values()) out.add(s.name());
        return out;
    }

    static Layer create(
            String name, int index, List<ArchTokens.Value> positional, Map<String, ArchTokens.Value> keyed) {
        Spec spec = SPECS.get(name.toLowerCase(Locale.ROOT));
        if (spec == null && name.equalsIgnoreCase("SigmoidLike")) spec = SPECS.get("sigmoid_like");
        if (spec == null)
            throw ArchParser.err("unknown layer " + InputText.quote(name) + " (layer " + index + "); valid: "
                    + String.join(", ", names()));
        String where = spec.name() + " (layer " + index + ")";
        List<Param> params = spec.params();
        if (positional.size() > params.size())
            throw ArchParser.err(where + " takes "
                    + (params.isEmpty() ? "no arguments" : "at most " + params.size() + " argument(s): " + keys(params))
                    + ", got " + positional.size());
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < positional.size(); i++)
            values.put(params.get(i).key(), convert(where, params.get(i), positional.get(i)));
        for (Map.Entry<String, ArchTokens.Value> e : keyed.entrySet()) {
            Param prm = null;
            for (Param q : params) if (q.key().equalsIgnoreCase(e.getKey())) prm = q;
            if (prm == null)
                throw ArchParser.err(where + " has no parameter " + InputText.quote(e.getKey()) + "; valid: "
                        + (params.isEmpty() ? "none" : keys(params)));
            if (values.containsKey(prm.key()))
                throw ArchParser.err(where + ": parameter '" + prm.key() + "' given twice (positionally and by key)");
            values.put(prm.key(), convert(where, prm, e.getValue()));
        }
        for (Param q : params) {
            if (values.containsKey(q.key())) continue;
            if (q.dflt() == null) throw ArchParser.err(where + ": missing required parameter '" + q.key() + "'");
            values.put(q.key(), q.dflt());
        }
        try {
            return spec.build().apply(new Args(where, values));
        } catch (InvalidInputException e) {
            if (e.argument().equals("arch")) throw e;
            throw ArchParser.err(where + ": " + nested(e));
        } catch (IllegalArgumentException e) { // a layer record's own check, e.g. Dense(0)
            throw ArchParser.err(where + ": " + nested(e));
        }
    }

    private static final int NESTED_LIMIT = 300;

    /** A layer constructor's message, which may echo the input (e.g. an unknown function name). */
    private static String nested(RuntimeException e) {
        return InputText.escape(e.getMessage(), NESTED_LIMIT);
    }

    private static String keys(List<Param> params) {
        List<String> k = new ArrayList<>();
        for (Param q : params) k.add(q.key());
        return String.join(", ", k);
    }

    private static Object convert(String where, Param p, ArchTokens.Value v) {
        if (p.key().equals("b_std") && v.ident() != null && v.ident().equals("None")) return NONE;
        switch (p.type()) {
            case NUM -> {
                if (v.number() == null)
                    throw ArchParser.err(
                            where + ": " + p.key() + " must be a number, got " + InputText.quote(v.text()));
                if (!Double.isFinite(v.number()))
                    throw ArchParser.err(where + ": " + p.key() + " must be finite, got " + InputText.quote(v.text()));
                return v.number();
            }
            case INT -> {
                Double d = v.number();
                if (d == null || d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE)
                    throw ArchParser.err(
                            where + ": " + p.key() + " must be an integer, got " + InputText.quote(v.text()));
                return (int) (double) d;
            }
            case LIST -> {
                if (v.list() == null)
                    throw ArchParser.err(
                            where + ": " + p.key() + " must be a list like [1,0.5], got " + InputText.quote(v.text()));
                return v.list();
            }
            case IDENT -> {
                if (v.ident() == null)
                    throw ArchParser.err(where + ": " + p.key() + " must be a name, got " + InputText.quote(v.text()));
                return v.ident();
            }
        }
        throw new IllegalStateException();
    }
}
