package org.ntk4j.predict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.linalg.Matrix;

/**
 * Minimal reader of JSON test data (nt-vectors.json's {@code predict} section and the fixtures of
 * src/test/python/gen_predict_fixtures.py): nested arrays to {@link Matrix}, kernels to {@link Kernels}.
 * Kept in this package until a shared reader exists.
 */
final class PredictVectors {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PredictVectors() {}

    static JsonNode load(String resource) {
        try (InputStream in = PredictVectors.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("missing test resource " + resource);
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode ntPredict() {
        return load("/nt-vectors.json").get("predict");
    }

    static Matrix matrix(JsonNode a) {
        int r = a.size(), c = r == 0 ? 0 : a.get(0).size();
        double[][] d = new double[r][c];
        for (int i = 0; i < r; i++)
            for (int j = 0; j < c; j++) d[i][j] = num(a.get(i).get(j));
        return Matrix.of(d);
    }

    static double[] vector(JsonNode a) {
        double[] v = new double[a.size()];
        for (int i = 0; i < v.length; i++) v[i] = num(a.get(i));
        return v;
    }

    /** Element i of a 3-D array as a matrix. */
    static Matrix slice(JsonNode a, int i) {
        return matrix(a.get(i));
    }

    private static double num(JsonNode x) {
        return x.isNull() ? Double.NaN : x.asDouble();
    }

    static double[] diagonal(Matrix m) {
        double[] d = new double[m.rows()];
        for (int i = 0; i < d.length; i++) d[i] = m.get(i, i);
        return d;
    }

    /** Kernels of x with itself from {nngp, ntk} n×n matrices. */
    static Kernels square(JsonNode k) {
        Matrix nngp = matrix(k.get("nngp"));
        Matrix ntk = k.has("ntk") && !k.get("ntk").isNull() ? matrix(k.get("ntk")) : null;
        return new Kernels(nngp, ntk, diagonal(nngp), null);
    }

    /** Test-train kernels from {nngp, ntk} m×n matrices, with the test prior variances from k_tt. */
    static Kernels testTrain(JsonNode ktd, JsonNode ktt) {
        Matrix nngp = matrix(ktd.get("nngp"));
        Matrix ntk = ktd.has("ntk") && !ktd.get("ntk").isNull() ? matrix(ktd.get("ntk")) : null;
        return new Kernels(nngp, ntk, diagonal(matrix(ktt.get("nngp"))), null);
    }

    /** max|a − e| / max|e| (absolute when e is all zero). */
    static double relErr(Matrix a, Matrix e) {
        return org.ntk4j.testing.Compare.relErr(a, e);
    }

    static double relErr(double[] a, double[] e) {
        return relErr(Matrix.column(a), Matrix.column(e));
    }
}
