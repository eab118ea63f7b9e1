package org.ntk4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntk4j.io.Npy;
import org.ntk4j.linalg.Matrix;

/**
 * {@code ntk4j fit} end to end: fit.json's keys and their types, the fitted ARCH and noise accepted
 * as they are by {@code predict}, candidates ranked by the objective, the cross-validation objective,
 * and the errors of bad flags and inputs (exit codes, flags named, no output written).
 */
class FitCommandTest {
    static final String RELU = "Dense(32,W_std=1,b_std=1)->Relu->Dense(1,W_std=1,b_std=1)";
    static final String ERF = "Dense(32,W_std=1,b_std=0.1)->Erf->Dense(1,W_std=1,b_std=0.1)";
    static final Set<String> KEYS = Set.of(
            "arch",
            "parameterization",
            "get",
            "noise",
            "lml",
            "lml_per_point",
            "gradient_norm",
            "evaluations",
            "starts",
            "standard_errors");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** n×d inputs and a smooth noisy target of them, written as x.npy and y.npy. */
    void data(int n, int d) {
        Random r = new Random(5);
        double[][] x = new double[n][d], y = new double[n][1];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) x[i][j] = r.nextGaussian();
            y[i][0] = Math.sin(x[i][0]) + 0.3 * x[i][d - 1] + 0.1 * r.nextGaussian();
        }
        Npy.write(dir.resolve("x.npy"), Matrix.of(x));
        Npy.write(dir.resolve("y.npy"), Matrix.of(y));
    }

    CliRun fit(String out, String... more) {
        List<String> a = new ArrayList<>(List.of(
                "fit",
                "--x-train",
                dir.resolve("x.npy").toString(),
                "--y-train",
                dir.resolve("y.npy").toString(),
                "--out",
                dir.resolve(out).toString()));
        a.addAll(List.of(more));
        return CliRun.of(a.toArray(String[]::new));
    }

    JsonNode read(String out) {
        try {
            return JSON.readTree(dir.resolve(out).resolve("fit.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Set<String> keys(JsonNode n) {
        Set<String> k = new TreeSet<>();
        n.fieldNames().forEachRemaining(k::add);
        return k;
    }

    /** The keys and types of one candidate's entry (docs/evidence.md §7). */
    static void checkCandidate(JsonNode f, int n, boolean cv, boolean bias) {
        Set<String> expected = new TreeSet<>(KEYS);
        if (cv) expected.addAll(List.of("objective", "cv_log_likelihood"));
        assertEquals(expected, keys(f));
        assertTrue(f.get("arch").isTextual());
        assertTrue(f.get("parameterization").isTextual());
        assertTrue(f.get("get").isTextual());
        assertTrue(f.get("noise").isDouble() && f.get("noise").asDouble() > 0);
        assertTrue(f.get("lml").isDouble());
        assertEquals(
                f.get("lml").asDouble() / n,
                f.get("lml_per_point").asDouble(),
                1e-12 * Math.abs(f.get("lml").asDouble()));
        assertTrue(f.get("gradient_norm").isDouble() && f.get("gradient_norm").asDouble() >= 0);
        assertTrue(f.get("evaluations").isInt());
        int total = 0;
        assertTrue(f.get("starts").isArray() && !f.get("starts").isEmpty());
        for (JsonNode s : f.get("starts")) {
            assertEquals(
                    cv
                            ? Set.of("start", "end", "lml", "cv_log_likelihood", "iterations")
                            : Set.of("start", "end", "lml", "iterations"),
                    keys(s));
            for (String p : new String[] {"start", "end"}) {
                assertEquals(Set.of("w_std", "b_std", "noise"), keys(s.get(p)));
                assertTrue(s.get(p).get("w_std").isDouble()
                        && s.get(p).get("noise").isDouble());
                assertTrue(
                        bias
                                ? s.get(p).get("b_std").isDouble()
                                : s.get(p).get("b_std").isNull());
            }
            assertTrue(s.get("lml").isDouble()
                    && s.get("lml").asDouble() <= f.get("lml").asDouble() + (cv ? 1e300 : 0));
            assertTrue(s.get("iterations").isInt());
            total += s.get("iterations").asInt();
        }
        assertTrue(f.get("evaluations").asInt() >= total, "evaluations count every start's");
        JsonNode se = f.get("standard_errors");
        assertEquals(Set.of("w_std", "b_std", "noise"), keys(se));
        for (Iterator<JsonNode> it = se.elements(); it.hasNext(); ) {
            JsonNode v = it.next();
            assertTrue(cv ? v.isNull() : v.isNull() || v.isDouble() && v.asDouble() > 0, se.toString());
        }
        if (cv) {
            assertEquals("cv", f.get("objective").asText());
            assertTrue(f.get("cv_log_likelihood").isDouble());
        }
    }

    @Test
    void writesFitJsonWhosArchAndNoisePredictTakesAsTheyAre() {
        data(50, 3);
        CliRun r = fit("out", "--arch", RELU, "--restarts", "2", "--seed", "4");
        RunRecords.assertComplete(dir.resolve("out"), r, "fit.json");
        assertEquals(1, r.out().lines().count(), r.out());
        assertTrue(r.out().startsWith("fit: nngp LML "), r.out());
        JsonNode f = read("out");
        checkCandidate(f, 50, false, true);
        assertFalse(f.has("candidates"), "one architecture: no candidates list");
        assertEquals("ntk", f.get("parameterization").asText());
        assertEquals("nngp", f.get("get").asText());
        assertEquals(2, f.get("starts").size());
        assertEquals(
                1.0,
                f.get("starts").get(0).get("start").get("w_std").asDouble(),
                "the architecture's own values first");
        assertTrue(f.get("gradient_norm").asDouble() < 1e-2, f.toString());

        CliRun p = CliRun.of(
                "predict",
                "--arch",
                f.get("arch").asText(),
                "--get",
                "nngp",
                "--x-train",
                dir.resolve("x.npy").toString(),
                "--y-train",
                dir.resolve("y.npy").toString(),
                "--x-test",
                dir.resolve("x.npy").toString(),
                "--diag-reg",
                f.get("noise").asText(),
                "--diag-reg-absolute",
                "--out",
                dir.resolve("pred").toString());
        assertEquals(0, p.code(), p.err());
        assertTrue(Files.exists(dir.resolve("pred").resolve("mean.npy")));
    }

    @Test
    void standardParameterizationAndNtkgpWithoutBias() {
        data(40, 2);
        String noBias = "Dense(16,W_std=1.5)->Relu->Dense(1,W_std=1.5)";
        CliRun r = fit("std", "--arch", noBias, "--parameterization", "standard", "--get", "ntkgp", "--restarts", "1");
        assertEquals(0, r.code(), r.err());
        JsonNode f = read("std");
        checkCandidate(f, 40, false, false);
        assertEquals("standard", f.get("parameterization").asText());
        assertEquals("ntkgp", f.get("get").asText());
        assertTrue(f.get("standard_errors").get("b_std").isNull(), "no bias: no b_std");
        assertFalse(f.get("arch").asText().contains("b_std"), f.get("arch").asText());
        CliRun k = CliRun.of(
                "kernel",
                "--arch",
                f.get("arch").asText(),
                "--parameterization",
                "standard",
                "--x1",
                dir.resolve("x.npy").toString(),
                "--out",
                dir.resolve("k").toString());
        assertEquals(0, k.code(), k.err());
    }

    @Test
    void severalArchitecturesAreRankedByTheirLikelihood() {
        data(50, 3);
        CliRun r = fit("cands", "--arch", ERF, "--arch", RELU, "--restarts", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("fit: best of 2 candidates, nngp LML "), r.out());
        JsonNode f = read("cands");
        JsonNode c = f.get("candidates");
        assertEquals(2, c.size());
        assertTrue(c.get(0).get("lml").asDouble() >= c.get(1).get("lml").asDouble(), c.toString());
        Set<String> archs = new TreeSet<>();
        for (JsonNode e : c) {
            checkCandidate(e, 50, false, true);
            archs.add(e.get("arch").asText().contains("Erf") ? "erf" : "relu");
        }
        assertEquals(Set.of("erf", "relu"), archs);
        ObjectNode top = f.deepCopy();
        top.remove("candidates");
        assertEquals(c.get(0), top, "the best candidate at the top level");
    }

    @Test
    void crossValidationObjective() {
        data(40, 2);
        CliRun r = fit("cv", "--arch", RELU, "--objective", "cv", "--folds", "4", "--restarts", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("fit: nngp 4-fold cv log likelihood "), r.out());
        JsonNode f = read("cv");
        checkCandidate(f, 40, true, true);
        assertEquals(
                f.get("cv_log_likelihood").asDouble(),
                f.get("starts").get(0).get("cv_log_likelihood").asDouble());
    }

    @Test
    void badFlagsAndInputsFailNamingTheFlagAndWriteNothing() {
        data(20, 2);
        fit("e", "--arch", RELU, "--folds", "3").fails(2, "--folds needs --objective cv");
        fit("e", "--arch", RELU, "--objective", "ml").fails(2, "'ml' is not one of lml, cv");
        fit("e", "--arch", RELU, "--get", "gp").fails(2, "'gp' is not one of");
        fit("e", "--arch", RELU, "--parameterization", "mup").fails(2, "'mup' is not one of ntk, standard");
        fit("e").fails(2, "Missing required option: '--arch=ARCH'");
        fit("e", "--arch", RELU, "--restarts", "0").fails(3, "--restarts: must be >= 1, got 0");
        fit("e", "--arch", RELU, "--objective", "cv", "--folds", "1").fails(3, "--folds: must be >= 2");
        fit("e", "--arch", RELU, "--objective", "cv", "--folds", "21")
                .fails(3, "--folds: is 21 but there are only 20 training points");
        fit("e", "--arch", RELU, "--get", "ntk")
                .fails(3, "--get: NTK (the trained ensemble) has no marginal likelihood");
        fit("e", "--arch", RELU, "--arch", "Dense(4)->Swish")
                .fails(3, "--arch: candidate 2 of 2: unknown layer 'Swish'");
        fit("e", "--arch", "Dense(4)->Relu->Relu").fails(3, "--arch: ");
        Npy.write(dir.resolve("y.npy"), Matrix.of(new double[][] {{1}, {2}}));
        fit("e", "--arch", RELU).fails(3, "--y-train: has 2 rows but --x-train has 20");
        CliRun.of(
                        "fit",
                        "--arch",
                        RELU,
                        "--x-train",
                        dir.resolve("missing.npy").toString(),
                        "--y-train",
                        dir.resolve("y.npy").toString(),
                        "--out",
                        dir.resolve("e").toString())
                .fails(3, "--x-train");
        assertFalse(Files.exists(dir.resolve("e")), "no output directory after a failure before the fit");
    }
}
