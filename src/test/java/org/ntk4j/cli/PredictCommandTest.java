package org.ntk4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntk4j.io.Npy;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.testing.NtVectors;

/**
 * {@code ntk4j predict} end to end on neural-tangents' predict vectors (files in, .npy out,
 * ≤ 1e-10 relative), every prediction mode of docs/prediction.md, and its documented errors.
 */
class PredictCommandTest {
    static final String ARCH =
            "Dense(512,W_std=1.5,b_std=0.05)->Erf->Dense(512,W_std=1.5,b_std=0.05)->Relu->Dense(2,W_std=1.5,b_std=0.05)";
    static final JsonNode P = NtVectors.load().predict();

    @TempDir
    Path dir;

    Path npy(String name, double[][] v) {
        Path f = dir.resolve(name);
        Npy.write(f, Matrix.of(v));
        return f;
    }

    Path npy(String name, JsonNode v) {
        return npy(name, NtVectors.matrix(v));
    }

    Path outDir() {
        return dir.resolve("out");
    }

    /** Runs predict on the nt-vectors data; a flag in {@code more} replaces the default of the same name. */
    CliRun predict(String... more) {
        java.util.Map<String, String> base = new java.util.LinkedHashMap<>();
        base.put("--arch", ARCH);
        base.put("--x-train", npy("x.npy", P.get("x_train")).toString());
        base.put("--y-train", npy("y.npy", P.get("y_train")).toString());
        base.put("--x-test", npy("xt.npy", P.get("x_test")).toString());
        base.put("--out", outDir().toString());
        List<String> extra = new ArrayList<>();
        for (int i = 0; i < more.length; i++) {
            if (base.containsKey(more[i]) && i + 1 < more.length) base.put(more[i], more[++i]);
            else extra.add(more[i]);
        }
        List<String> a = new ArrayList<>(List.of("predict"));
        base.forEach((k, v) -> {
            a.add(k);
            a.add(v);
        });
        a.addAll(extra);
        return CliRun.of(a.toArray(String[]::new));
    }

    static double relErr(Matrix a, double[][] e) {
        assertEquals(e.length, a.rows());
        double num = 0, den = 0;
        for (int i = 0; i < e.length; i++)
            for (int j = 0; j < e[i].length; j++) {
                num = Math.max(num, Math.abs(a.get(i, j) - e[i][j]));
                den = Math.max(den, Math.abs(e[i][j]));
            }
        return num / den;
    }

    static double[][] diag(double[][] c) {
        double[][] d = new double[c.length][1];
        for (int i = 0; i < c.length; i++) d[i][0] = c[i][i];
        return d;
    }

    JsonNode find(String section, String get, double diagReg, Double t) {
        for (JsonNode c : P.get(section))
            if (c.get("get").asText().equals(get)
                    && c.get("diag_reg").asDouble() == diagReg
                    && (t == null
                            || (c.has("t") && !c.get("t").isNull() && c.get("t").asDouble() == t))) return c;
        throw new AssertionError("no case " + section + " " + get + " " + diagReg + " " + t);
    }

    @Test
    void posteriorsAtConvergence() throws java.io.IOException {
        for (String get : new String[] {"nngp", "ntk", "ntkgp"}) {
            JsonNode c = find("gp_inference", get, 1e-4, null);
            CliRun r = predict("--get", get, "--diag-reg", "1e-4", "--cov", "full");
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().startsWith("predict: " + get + " posterior at t=inf"), r.out());
            assertTrue(relErr(Npy.read(outDir().resolve("mean.npy")), NtVectors.matrix(c.get("mean"))) <= 1e-10);
            assertTrue(relErr(Npy.read(outDir().resolve("cov.npy")), NtVectors.matrix(c.get("cov"))) <= 1e-10);
            // default --cov diag
            CliRun d = predict(
                    "--get",
                    get,
                    "--diag-reg",
                    "1e-4",
                    "--out",
                    dir.resolve("d-" + get).toString());
            assertEquals(0, d.code(), d.err());
            Matrix var = Matrix.column(Npy.readVector(dir.resolve("d-" + get).resolve("var.npy")));
            assertTrue(relErr(var, diag(NtVectors.matrix(c.get("cov")))) <= 1e-10);
            assertFalse(Files.exists(dir.resolve("d-" + get).resolve("cov.npy")));
        }
        // --cov none writes the mean only (and the run record)
        assertEquals(
                0,
                predict("--cov", "none", "--out", dir.resolve("n").toString()).code());
        try (var files = Files.list(dir.resolve("n"))) {
            assertEquals(
                    List.of("mean.npy", "run.json"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void iterativeSolversOnTheVectors() {
        for (String get : new String[] {"nngp", "ntk", "ntkgp"}) {
            JsonNode c = find("gp_inference", get, 1e-4, null);
            CliRun r = predict(
                    "--get", get, "--diag-reg", "1e-4", "--cov", "full", "--solver", "cg", "--tolerance", "1e-8");
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("solver: cg (requested): "), r.out());
            assertTrue(relErr(Npy.read(outDir().resolve("mean.npy")), NtVectors.matrix(c.get("mean"))) <= 1e-7, get);
            assertTrue(relErr(Npy.read(outDir().resolve("cov.npy")), NtVectors.matrix(c.get("cov"))) <= 1e-7, get);
            // Nyström with M = n is the exact model; so is Falkon's solve of it, to the tolerance
            for (String solver : new String[] {"nystrom", "falkon"}) {
                CliRun ny = predict("--get", get, "--diag-reg", "1e-4", "--solver", solver, "--centers", "6");
                assertEquals(0, ny.code(), ny.err());
                assertTrue(ny.out().contains("solver: " + solver + " (requested): M = 6"), ny.out());
                assertTrue(
                        relErr(Npy.read(outDir().resolve("mean.npy")), NtVectors.matrix(c.get("mean"))) <= 1e-6,
                        get + " " + solver);
            }
        }
        CliRun noReg = predict("--solver", "cg");
        assertTrue(noReg.code() != 0, noReg.out());
        assertTrue(noReg.err().contains("diag-reg"), noReg.err());
        CliRun bad = predict("--solver", "lu");
        assertTrue(bad.code() != 0 && bad.err().contains("auto, exact, cg, nystrom, falkon"), bad.err());
        CliRun timed = predict("--solver", "cg", "--time", "1", "--diag-reg", "1e-3");
        assertTrue(timed.code() != 0 && timed.err().contains("--solver"), timed.err());
    }

    /** run.json says which solver ran, on which device and why; a finite-time ensemble has no solver to report. */
    @Test
    void runRecordSaysHowThePosteriorWasSolved() throws java.io.IOException {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        assertEquals(0, predict("--diag-reg", "1e-4", "--device", "cpu").code());
        JsonNode how = json.readTree(outDir().resolve("run.json").toFile()).get("how");
        assertEquals("exact", how.get("solver").asText());
        assertEquals("cpu", how.get("solve_device").asText());
        assertTrue(how.get("solver_reason").asText().startsWith("auto: n = "), how.toString());
        assertEquals(
                0,
                predict("--diag-reg", "1e-4", "--solver", "cg", "--device", "cpu")
                        .code());
        how = json.readTree(outDir().resolve("run.json").toFile()).get("how");
        assertEquals("cg", how.get("solver").asText());
        assertEquals("requested", how.get("solver_reason").asText());
        assertEquals(0, predict("--diag-reg", "1e-4", "--time", "1").code());
        assertFalse(json.readTree(outDir().resolve("run.json").toFile()).has("how"));
    }

    /** Centers by count and seed, or given as points (the same rows: the same model); Falkon's report in run.json. */
    @Test
    void centersBySeedOrAsPointsAndFalkonsReport() throws java.io.IOException {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        CliRun seeded =
                predict("--diag-reg", "1e-3", "--solver", "falkon", "--centers", "4", "--seed", "5", "--cov", "none");
        assertEquals(0, seeded.code(), seeded.err());
        assertTrue(seeded.out().contains("stopped by tolerance"), seeded.out());
        Matrix bySeed = Npy.read(outDir().resolve("mean.npy"));
        JsonNode how = json.readTree(outDir().resolve("run.json").toFile()).get("how");
        assertEquals("falkon", how.get("solver").asText());
        assertEquals("4", how.get("solver_centers").asText());
        assertEquals("tolerance", how.get("solver_stop").asText());
        assertTrue(Integer.parseInt(how.get("solver_iterations").asText()) >= 1, how.toString());
        assertTrue(Double.parseDouble(how.get("solver_residual").asText()) <= 1e-7, how.toString());
        double[][] x = NtVectors.matrix(P.get("x_train"));
        int[] idx = org.ntk4j.solve.CenterSelection.sampleIndices(x.length, 4, 5);
        double[][] rows = new double[4][];
        for (int i = 0; i < 4; i++) rows[i] = x[idx[i]];
        CliRun given = predict(
                "--diag-reg",
                "1e-3",
                "--solver",
                "falkon",
                "--center-points",
                npy("c.npy", rows).toString(),
                "--cov",
                "none");
        assertEquals(0, given.code(), given.err());
        assertTrue(relErr(Npy.read(outDir().resolve("mean.npy")), bySeed.toArray()) <= 1e-6);
        CliRun capped = predict(
                "--diag-reg",
                "1e-3",
                "--solver",
                "falkon",
                "--centers",
                "4",
                "--tolerance",
                "1e-12",
                "--max-iterations",
                "1");
        assertEquals(0, capped.code(), capped.err());
        assertTrue(capped.out().contains("stopped by iteration cap (NOT converged"), capped.out());
        how = json.readTree(outDir().resolve("run.json").toFile()).get("how");
        assertEquals("iteration cap", how.get("solver_stop").asText());
        assertEquals("1", how.get("solver_iterations").asText());
    }

    @Test
    void ensembleAtTime() {
        JsonNode c = find("gradient_descent_mse_ensemble", "nngp", 1e-2, 10.0);
        CliRun r = predict("--get", "nngp", "--time", "10", "--diag-reg", "1e-2", "--cov", "full");
        assertEquals(0, r.code(), r.err());
        assertTrue(relErr(Npy.read(outDir().resolve("mean.npy")), NtVectors.matrix(c.get("test_mean"))) <= 1e-10);
        assertTrue(relErr(Npy.read(outDir().resolve("cov.npy")), NtVectors.matrix(c.get("test_cov"))) <= 1e-10);
    }

    @Test
    void linearizedNetwork() {
        JsonNode c = null;
        for (JsonNode g : P.get("gradient_descent_mse"))
            if (g.get("diag_reg").asDouble() == 0.01
                    && g.get("diag_reg_absolute_scale").asBoolean()
                    && g.get("learning_rate").asDouble() == 0.5) c = g;
        String f0 = npy("f0.npy", P.get("fx_train_0")).toString(),
                g0 = npy("g0.npy", P.get("fx_test_0")).toString();
        CliRun r = predict(
                "--fx-train-0",
                f0,
                "--fx-test-0",
                g0,
                "--time",
                "3",
                "--learning-rate",
                "0.5",
                "--diag-reg",
                "0.01",
                "--diag-reg-absolute");
        assertEquals(0, r.code(), r.err());
        double[][] expected = NtVectors.matrix(c.get("fx_test_t").get(2)); // t = 3
        assertTrue(relErr(Npy.read(outDir().resolve("mean.npy")), expected) <= 1e-10);
        assertFalse(Files.exists(outDir().resolve("var.npy")));
        CliRun inf = predict(
                "--fx-train-0",
                f0,
                "--fx-test-0",
                g0,
                "--learning-rate",
                "0.5",
                "--diag-reg",
                "0.01",
                "--diag-reg-absolute",
                "--out",
                dir.resolve("inf").toString());
        assertEquals(0, inf.code(), inf.err());
        assertTrue(relErr(Npy.read(dir.resolve("inf").resolve("mean.npy")), NtVectors.matrix(c.get("fx_test_inf")))
                <= 1e-10);
    }

    @Test
    void oneDimensionalTargets() {
        double[][] y = NtVectors.matrix(P.get("y_train"));
        double[] y0 = new double[y.length];
        for (int i = 0; i < y.length; i++) y0[i] = y[i][0];
        Path yf = dir.resolve("y1.npy");
        Npy.writeVector(yf, y0);
        CliRun r = CliRun.of(
                "predict",
                "--arch",
                ARCH,
                "--x-train",
                npy("x.npy", P.get("x_train")).toString(),
                "--y-train",
                yf.toString(),
                "--x-test",
                npy("xt.npy", P.get("x_test")).toString(),
                "--out",
                outDir().toString(),
                "--diag-reg",
                "1e-4");
        assertEquals(0, r.code(), r.err());
        Matrix mean = Npy.read(outDir().resolve("mean.npy"));
        assertEquals(1, mean.cols());
        double[][] e = NtVectors.matrix(find("gp_inference", "ntk", 1e-4, null).get("mean"));
        for (int i = 0; i < e.length; i++) assertEquals(e[i][0], mean.get(i, 0), 1e-10 * Math.abs(e[i][0]) + 1e-14);
    }

    @Test
    void documentedErrors() {
        String f0 = npy("f0.npy", P.get("fx_train_0")).toString(),
                g0 = npy("g0.npy", P.get("fx_test_0")).toString();
        predict("--fx-train-0", f0).fails(3, "--fx-test-0: is required together with --fx-train-0");
        predict("--fx-train-0", f0, "--fx-test-0", g0, "--cov", "diag")
                .fails(3, "--cov: one linearized network has no covariance");
        predict("--get", "ntkgp", "--time", "1").fails(3, "--time: there is no finite-time NTKGP");
        predict("--diag-reg", "-0.1").fails(3, "--diag-reg: must be >= 0");
        predict("--time", "-2").fails(3, "--time: must be >= 0");
        predict("--time", "soon").fails(3, "--time: 'soon' is not a number");
        predict("--learning-rate", "0").fails(3, "--learning-rate: must be > 0");
        predict("--get", "gp").fails(2, "'gp' is not one of ntk, nngp, ntkgp");
        predict("--cov", "half").fails(2, "'half' is not one of full, diag, none");
        predict("--fx-train-0", g0, "--fx-test-0", g0).fails(3, "--fx-train-0: is 4×2 but must match --y-train (6×2)");
        String xt2 = npy("xt2.npy", new double[][] {{1, 2}, {3, 4}}).toString();
        predict("--x-test", xt2).fails(3, "--x-test: has 2 features (columns) but --x-train has 3");
        String y5 = npy("y5.npy", new double[][] {{1}, {2}, {3}, {4}, {5}}).toString();
        predict("--y-train", y5).fails(3, "--y-train: has 5 rows but --x-train has 6");
        double[][] x = NtVectors.matrix(P.get("x_train"));
        x[2][1] = Double.NaN;
        predict("--x-train", npy("xnan.npy", x).toString()).fails(3, "--x-train");
        x[2] = x[0].clone();
        predict("--x-train", npy("xdup.npy", x).toString()).fails(5, "rows 0 and 2 are identical");
        assertEquals(
                0,
                predict("--x-train", npy("xdup2.npy", x).toString(), "--diag-reg", "1e-6")
                        .code(),
                "a regularizer repairs duplicates");
        predict("--device", "gpu").fails(6, "--device gpu");
    }
}
