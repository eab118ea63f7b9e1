package org.ntk4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntk4j.io.Npy;
import org.ntk4j.linalg.Matrix;

/**
 * Issue 13's audit cases of non-finite results through the command line: either the finite answer
 * (when the overflow was avoidable) or exit 5 with one line naming the stage, and no output files.
 */
class NonFiniteCliTest {
    static final String ARCH = "Dense(64,W_std=1.5,b_std=0.05)->Relu->Dense(1,W_std=1.5,b_std=0.05)";

    @TempDir
    Path dir;

    static Matrix data(int n, int d, long seed, double scale) {
        java.util.Random r = new java.util.Random(seed);
        double[][] a = new double[n][d];
        for (double[] row : a) for (int j = 0; j < d; j++) row[j] = scale * r.nextGaussian();
        return Matrix.of(a);
    }

    Path npy(String name, Matrix m) {
        Path f = dir.resolve(name);
        Npy.write(f, m);
        return f;
    }

    CliRun predict(String out, double xScale, double yScale, String... more) {
        java.util.List<String> a = new java.util.ArrayList<>(java.util.List.of(
                "predict",
                "--arch",
                ARCH,
                "--x-train",
                npy("x.npy", data(12, 3, 1, xScale)).toString(),
                "--y-train",
                npy("y" + yScale + ".npy", data(12, 1, 2, yScale)).toString(),
                "--x-test",
                npy("xt.npy", data(5, 3, 3, xScale)).toString(),
                "--out",
                dir.resolve(out).toString()));
        a.addAll(java.util.List.of(more));
        return CliRun.of(a.toArray(String[]::new));
    }

    /** The mean with targets ×1e307 is 1e307 × the mean with unit targets (the solve is scaled, not overflowed). */
    @Test
    void hugeTargetsGiveTheScaledMeanOnTheExactAndCgPaths() {
        for (String solver : new String[] {"exact", "cg"}) {
            CliRun unit = predict("unit-" + solver, 1, 1, "--diag-reg", "1e-4", "--solver", solver);
            assertEquals(0, unit.code(), unit.err());
            CliRun huge = predict("huge-" + solver, 1, 1e307, "--diag-reg", "1e-4", "--solver", solver);
            assertEquals(0, huge.code(), huge.err());
            Matrix m1 = Npy.read(dir.resolve("unit-" + solver).resolve("mean.npy"));
            Matrix m2 = Npy.read(dir.resolve("huge-" + solver).resolve("mean.npy"));
            for (int i = 0; i < m1.rows(); i++) {
                double want = m1.get(i, 0) * 1e307;
                assertTrue(Double.isFinite(m2.get(i, 0)), solver + " row " + i);
                assertEquals(want, m2.get(i, 0), 1e-9 * Math.abs(want), solver + " row " + i);
            }
        }
    }

    /** A finite float64 mean beyond float32's range is refused before anything is written with --dtype float32 (it was Inf in the file). */
    @Test
    void float32OutputsBeyondItsRangeAreATypedError() {
        predict("f32", 1, 1e100, "--dtype", "float32").fails(5, "float32");
        assertFalse(Files.exists(dir.resolve("f32").resolve("mean.npy")));
        CliRun ok = predict("f64", 1, 1e100);
        assertEquals(0, ok.code(), ok.err());
        assertEquals(-1, Npy.read(dir.resolve("f64").resolve("mean.npy")).firstNonFinite());
    }

    /** λ = 1e308 × the mean diagonal is not a float64: said as such (it gave all-NaN means). */
    @Test
    void aRelativeRegularizationThatOverflowsIsATypedError() {
        predict("t2", 1, 1, "--diag-reg", "1e308", "--time", "2").fails(3, "--diag-reg");
        assertFalse(Files.exists(dir.resolve("t2").resolve("mean.npy")));
    }

    /** A huge but representable λ, at a finite time and at t = ∞: finite (tiny) means. */
    @Test
    void aHugeAbsoluteRegularizationGivesFiniteMeans() {
        for (String t : new String[] {"2", "inf"}) {
            CliRun r = predict("abs" + t, 1, 1, "--diag-reg", "1e300", "--diag-reg-absolute", "--time", t);
            assertEquals(0, r.code(), r.err());
            assertEquals(
                    -1, Npy.read(dir.resolve("abs" + t).resolve("mean.npy")).firstNonFinite());
        }
    }

    @Test
    void float32KernelsOfHugeInputsAreATypedError() {
        CliRun r = CliRun.of(
                "kernel",
                "--arch",
                ARCH,
                "--x1",
                npy("x.npy", data(6, 3, 1, 1e20)).toString(),
                "--dtype",
                "float32",
                "--out",
                dir.resolve("k").toString());
        r.fails(5, "float32");
        assertFalse(Files.exists(dir.resolve("k").resolve("nngp.npy")));
    }

    /** Every number in a JSON tree is a JSON number: no NaN/Infinity, no numbers written as strings. */
    static void assertPlainNumbers(com.fasterxml.jackson.databind.JsonNode n, String path) {
        if (n.isTextual()) {
            String t = n.asText();
            assertFalse(t.matches("[-+]?(NaN|Infinity|[0-9.eE+-]+)"), path + " is a number written as a string: " + t);
        }
        if (n.isNumber()) assertTrue(Double.isFinite(n.doubleValue()), path);
        n.fields().forEachRemaining(e -> assertPlainNumbers(e.getValue(), path + "." + e.getKey()));
        for (int i = 0; i < n.size() && n.isArray(); i++) assertPlainNumbers(n.get(i), path + "[" + i + "]");
    }

    /** The audit's softopt cases: the true t* ≈ −5.7e307 (was 0), and a prior [1e308]*3 (was exit 70). */
    @Test
    void softoptAtExtremeMagnitudes() throws Exception {
        Path u = dir.resolve("u.npy"), g = dir.resolve("g.npy");
        Npy.writeVector(u, new double[] {1e308, 0, -1});
        Npy.writeVector(g, new double[] {1e308, 1e308, 1e308});
        CliRun r = CliRun.of(
                "softopt",
                "--utility",
                u.toString(),
                "--prior",
                g.toString(),
                "--epsilon",
                "9e307",
                "--out",
                dir.resolve("s").toString());
        assertEquals(0, r.code(), r.err());
        var json = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(dir.resolve("s").resolve("summary.json").toFile());
        assertPlainNumbers(json, "summary");
        assertEquals((1e308 / 3 - 1.0 / 3) - 9e307, json.get("threshold").asDouble(), 1e-12 * 1e308);
        assertEquals(
                json.get("threshold").asDouble(), json.get("guaranteed_value").asDouble(), 0.0);

        CliRun q = CliRun.of(
                "softopt",
                "--utility",
                u.toString(),
                "--q",
                "0.5",
                "--out",
                dir.resolve("q").toString());
        assertEquals(0, q.code(), q.err());
        var qs = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(dir.resolve("q").resolve("summary.json").toFile());
        assertPlainNumbers(qs, "summary");
        assertTrue(qs.get("guaranteed_value").isNull(), "a plain quantilizer has no guarantee: null");

        // t* = E_γU − ε = −2e308 is not a float64: exit 5, no summary
        Npy.writeVector(u, new double[] {-1e308, -1e308});
        CliRun bad = CliRun.of(
                "softopt",
                "--utility",
                u.toString(),
                "--epsilon",
                "1e308",
                "--out",
                dir.resolve("b").toString());
        bad.fails(5, "threshold");
        assertFalse(Files.exists(dir.resolve("b").resolve("summary.json")));
    }

    /** writeJson refuses NaN and ±Infinity (a bug caught before writing) and writes nothing. */
    @Test
    void jsonNeverCarriesNonFiniteNumbers() {
        OutputDir out = OutputDir.create("--out", dir.resolve("j"));
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("fine", 1.5);
        m.put("nested", java.util.Map.of("values", new double[] {1, Double.NEGATIVE_INFINITY}));
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalStateException.class, () -> out.writeJson("x.json", m));
        assertTrue(e.getMessage().contains("nested.values[1]"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("j").resolve("x.json")));
        m.put("nested", java.util.Map.of("values", new double[] {1, 2}));
        m.put("unbounded", null);
        out.writeJson("x.json", m);
        assertTrue(Files.exists(dir.resolve("j").resolve("x.json")));
    }
}
