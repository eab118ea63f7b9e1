package org.ntk4j.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.Parameterization;
import org.ntk4j.arch.text.ArchParser;
import org.ntk4j.linalg.Matrix;

/**
 * Reader of {@code src/test/resources/nt-vectors.json} (values computed by neural-tangents 0.6.6
 * itself; format in docs/kernels.md §7). A NaN that neural-tangents returned is stored
 * as JSON null and read here as {@link Double#NaN}. Shared by the kernel, predict and finite tests.
 */
public final class NtVectors {
    private static volatile NtVectors instance;

    private final JsonNode root;
    private final List<KernelCase> kernels;

    private NtVectors(JsonNode root) {
        this.root = root;
        List<KernelCase> ks = new ArrayList<>();
        int i = 0;
        for (JsonNode k : root.get("kernels")) ks.add(new KernelCase(i++, k));
        this.kernels = List.copyOf(ks);
    }

    /** The parsed file (loaded once from the test classpath). */
    public static NtVectors load() {
        if (instance == null) {
            synchronized (NtVectors.class) {
                if (instance == null) {
                    try (InputStream in = NtVectors.class.getResourceAsStream("/nt-vectors.json")) {
                        if (in == null) throw new IllegalStateException("nt-vectors.json is not on the test classpath");
                        instance = new NtVectors(new ObjectMapper().readTree(in));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        }
        return instance;
    }

    /** The whole JSON document. */
    public JsonNode root() {
        return root;
    }

    /** The {@code predict} section as raw JSON. */
    public JsonNode predict() {
        return root.get("predict");
    }

    /** The {@code empirical} section as raw JSON. */
    public JsonNode empirical() {
        return root.get("empirical");
    }

    /** x1 (4×3, row 2 all zeros). */
    public double[][] x1() {
        return matrix(root.get("x1"));
    }

    /** x2 (3×3, x2[1] == x1[0]). */
    public double[][] x2() {
        return matrix(root.get("x2"));
    }

    /** The 252 kernel cases. */
    public List<KernelCase> kernels() {
        return kernels;
    }

    /** A JSON 2-D array as double[rows][cols] (null → NaN). */
    public static double[][] matrix(JsonNode n) {
        if (n == null || n.isNull()) return null;
        double[][] out = new double[n.size()][];
        for (int i = 0; i < out.length; i++) out[i] = vector(n.get(i));
        return out;
    }

    /** A JSON 1-D array as double[] (null → NaN). */
    public static double[] vector(JsonNode n) {
        if (n == null || n.isNull()) return null;
        double[] out = new double[n.size()];
        for (int i = 0; i < out.length; i++)
            out[i] = n.get(i).isNull() ? Double.NaN : n.get(i).asDouble();
        return out;
    }

    /** A JSON array of any depth flattened in row-major (C) order (null → NaN). */
    public static double[] flat(JsonNode n) {
        List<Double> acc = new ArrayList<>();
        flatten(n, acc);
        double[] out = new double[acc.size()];
        for (int i = 0; i < out.length; i++) out[i] = acc.get(i);
        return out;
    }

    private static void flatten(JsonNode n, List<Double> acc) {
        if (n.isArray()) for (JsonNode c : n) flatten(c, acc);
        else acc.add(n.isNull() ? Double.NaN : n.asDouble());
    }

    /** The shape of a (rectangular) JSON array, e.g. [4, 3, 3, 3]. */
    public static int[] shape(JsonNode n) {
        List<Integer> s = new ArrayList<>();
        for (JsonNode c = n; c.isArray(); c = c.size() > 0 ? c.get(0) : null) {
            s.add(c.size());
            if (c.size() == 0) break;
        }
        return s.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * One kernel case: {@code [Dense(hidden_width, W_std, b_std), φ] × depth + [Dense(out_dim, W_std, b_std)]}.
     */
    public static final class KernelCase {
        public final int index;
        public final JsonNode json;
        public final String activation;
        public final JsonNode activationArgs;
        public final int depth;
        public final double wStd;
        public final Double bStd; // null: no bias
        public final Parameterization parameterization;
        public final int hiddenWidth, outDim;
        public final boolean x2IsNone;
        public final double[][] nngp, ntk;
        public final double[] cov1, cov2;

        KernelCase(int index, JsonNode k) {
            this.index = index;
            this.json = k;
            activation = k.get("activation").asText();
            activationArgs = k.get("activation_args");
            depth = k.get("depth").asInt();
            wStd = k.get("W_std").asDouble();
            bStd = k.get("b_std").isNull() ? null : k.get("b_std").asDouble();
            parameterization = Parameterization.parse(k.get("parameterization").asText());
            hiddenWidth = k.get("hidden_width").asInt();
            outDim = k.get("out_dim").asInt();
            x2IsNone = k.get("x2_is_none").asBoolean();
            nngp = matrix(k.get("nngp"));
            ntk = matrix(k.get("ntk"));
            cov1 = vector(k.get("cov1"));
            cov2 = vector(k.get("cov2"));
        }

        /** The activation as ARCH text, e.g. {@code Erf(2.0,0.3,0.5)} or {@code Numerical(fn=tanh,deg=25)}. */
        public String activationText() {
            if (activation.equals("NumericalTanh"))
                return "Numerical(fn=tanh,deg=" + activationArgs.get(0).asInt() + ")";
            if (activationArgs.isEmpty()) return activation;
            StringJoiner j = new StringJoiner(",", activation + "(", ")");
            for (JsonNode a : activationArgs) {
                if (a.isArray()) {
                    StringJoiner l = new StringJoiner(",", "[", "]");
                    for (JsonNode v : a) l.add(v.asText());
                    j.add(l.toString());
                } else {
                    j.add(a.asText());
                }
            }
            return j.toString();
        }

        /** The network as ARCH text. */
        public String archText() {
            String b = bStd == null ? "" : ",b_std=" + bStd;
            String dense = String.format(Locale.ROOT, "Dense(%d,W_std=%s%s)", hiddenWidth, wStd, b);
            StringJoiner j = new StringJoiner("->");
            for (int l = 0; l < depth; l++) {
                j.add(dense);
                j.add(activationText());
            }
            j.add(String.format(Locale.ROOT, "Dense(%d,W_std=%s%s)", outDim, wStd, b));
            return j.toString();
        }

        public Architecture architecture() {
            return ArchParser.parse(archText(), parameterization);
        }

        public Matrix x1() {
            return Matrix.of(load().x1());
        }

        /** x2, or null when the case is x2 = None. */
        public Matrix x2() {
            return x2IsNone ? null : Matrix.of(load().x2());
        }

        @Override
        public String toString() {
            return "#" + index + " " + archText() + " ["
                    + parameterization.name().toLowerCase(Locale.ROOT) + ", " + (x2IsNone ? "x2=None" : "x1 vs x2")
                    + "]";
        }
    }
}
