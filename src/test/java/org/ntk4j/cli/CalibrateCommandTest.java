package org.ntk4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntk4j.arch.text.ArchParser;
import org.ntk4j.calibration.Calibrate;
import org.ntk4j.calibration.Calibration;
import org.ntk4j.io.Npy;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.predict.Get;
import org.ntk4j.predict.Posterior;
import org.ntk4j.predict.PredictOptions;
import org.ntk4j.predict.Regularization;
import org.ntk4j.solve.ScalablePredict;
import org.ntk4j.solve.SolverOptions;

/**
 * {@code ntk4j calibrate} end to end: the keys of calibration.json and their values (those of
 * {@link Calibrate} on the same posterior), per_output for two outputs, f_coverage with --f-test, the
 * model read from a fit.json, the plot, and the documented errors.
 */
class CalibrateCommandTest {
    static final String ARCH = "Dense(256,W_std=1.3,b_std=0.2)->Relu->Dense(1,W_std=1.3,b_std=0.2)";
    static final int N = 40, M = 60, D = 3;
    static final List<String> METRIC_KEYS = List.of("rmse", "nll", "z_mean", "z_var", "coverage");
    static final List<String> LEVEL_KEYS = List.of("0.5", "0.8", "0.9", "0.95", "0.99");

    @TempDir
    Path dir;

    Matrix x, y, xt, yt, ft;

    /** n training and m held-out points with k outputs: f smooth, y = f + N(0, 0.01). */
    void data(int k) {
        Random r = new Random(7);
        x = gaussian(N, r);
        xt = gaussian(M, r);
        Matrix[] fy = targets(x, k, r), ft2 = targets(xt, k, r);
        y = fy[1];
        ft = ft2[0];
        yt = ft2[1];
    }

    static Matrix gaussian(int rows, Random r) {
        double[][] a = new double[rows][D];
        for (double[] row : a) for (int j = 0; j < D; j++) row[j] = r.nextGaussian();
        return Matrix.of(a);
    }

    static Matrix[] targets(Matrix x, int k, Random r) {
        double[][] f = new double[x.rows()][k], y = new double[x.rows()][k];
        for (int i = 0; i < x.rows(); i++)
            for (int c = 0; c < k; c++) {
                f[i][c] = Math.sin(x.get(i, 0) + c) + 0.5 * x.get(i, 1);
                y[i][c] = f[i][c] + 0.1 * r.nextGaussian();
            }
        return new Matrix[] {Matrix.of(f), Matrix.of(y)};
    }

    Path npy(String name, Matrix m) {
        Path f = dir.resolve(name);
        Npy.write(f, m);
        return f;
    }

    Path out(String name) {
        return dir.resolve(name);
    }

    /** Runs calibrate on the data; a flag in {@code more} replaces the default of the same name, null drops it. */
    CliRun calibrate(String... more) {
        Map<String, String> base = new LinkedHashMap<>();
        base.put("--arch", ARCH);
        base.put("--diag-reg", "0.01");
        base.put("--x-train", npy("x.npy", x).toString());
        base.put("--y-train", npy("y.npy", y).toString());
        base.put("--x-test", npy("xt.npy", xt).toString());
        base.put("--y-test", npy("yt.npy", yt).toString());
        base.put("--out", out("out").toString());
        List<String> extra = new ArrayList<>();
        for (int i = 0; i < more.length; i++) {
            if (base.containsKey(more[i]) && i + 1 < more.length) {
                String v = more[++i];
                if (v == null) base.remove(more[i - 1]);
                else base.put(more[i - 1], v);
            } else extra.add(more[i]);
        }
        List<String> a = new ArrayList<>(List.of("calibrate"));
        base.forEach((k, v) -> {
            a.add(k);
            a.add(v);
        });
        a.addAll(extra);
        return CliRun.of(a.toArray(String[]::new));
    }

    static JsonNode json(Path file) throws IOException {
        return new ObjectMapper().readTree(file.toFile());
    }

    static List<String> keys(JsonNode n) {
        List<String> k = new ArrayList<>();
        n.fieldNames().forEachRemaining(k::add);
        return k;
    }

    /** The library's calibration of the same posterior. */
    Calibration expected(String arch, Get get, Regularization reg, boolean withF) {
        Posterior p = ScalablePredict.gpInference(
                        ArchParser.parse(arch),
                        x,
                        y,
                        xt,
                        get,
                        PredictOptions.defaults().withRegularization(reg),
                        SolverOptions.defaults())
                .posterior();
        return Calibrate.of(p, yt, p.diagnostics().lambda(), withF ? ft : null);
    }

    static void assertMetrics(org.ntk4j.calibration.Metrics m, JsonNode j) {
        assertEquals(m.rmse(), j.get("rmse").asDouble(), 0);
        assertEquals(m.nll(), j.get("nll").asDouble(), 0);
        assertEquals(m.zMean(), j.get("z_mean").asDouble(), 0);
        assertEquals(m.zVar(), j.get("z_var").asDouble(), 0);
        assertEquals(LEVEL_KEYS, keys(j.get("coverage")));
        for (int l = 0; l < LEVEL_KEYS.size(); l++)
            assertEquals(
                    m.coverage().fractions().get(l),
                    j.get("coverage").get(LEVEL_KEYS.get(l)).asDouble(),
                    0);
        if (m.fCoverage() == null) assertFalse(j.has("f_coverage"));
        else
            for (int l = 0; l < LEVEL_KEYS.size(); l++)
                assertEquals(
                        m.fCoverage().fractions().get(l),
                        j.get("f_coverage").get(LEVEL_KEYS.get(l)).asDouble(),
                        0);
    }

    @Test
    void oneOutputWritesTheKeysTheLibraryComputes() throws IOException {
        data(1);
        CliRun r = calibrate();
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("calibrate: nngp posterior, 40 train, 60 held out, 1 output, noise "), r.out());
        assertTrue(r.out().contains("90% interval covers"), r.out());
        JsonNode j = json(out("out").resolve("calibration.json"));
        assertEquals(
                List.of(
                        "n",
                        "m",
                        "outputs",
                        "arch",
                        "parameterization",
                        "get",
                        "noise",
                        "rmse",
                        "nll",
                        "z_mean",
                        "z_var",
                        "coverage"),
                keys(j));
        assertEquals(N, j.get("n").asInt());
        assertEquals(M, j.get("m").asInt());
        assertEquals(ARCH, j.get("arch").asText());
        assertEquals("ntk", j.get("parameterization").asText());
        assertEquals("nngp", j.get("get").asText());
        Calibration c = expected(ARCH, Get.NNGP, Regularization.relative(0.01), false);
        // --diag-reg is relative: the noise is 0.01 × the mean diagonal of the training kernel
        assertEquals(c.noise(), j.get("noise").asDouble(), 0);
        assertTrue(c.noise() > 0.01 * 0.5, "noise " + c.noise());
        assertMetrics(c.pooled(), j);
        byte[] png = Files.readAllBytes(out("out").resolve("calibration.png"));
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4));
        RunRecords.assertComplete(out("out"), r, "calibration.json", "calibration.png");
    }

    @Test
    void twoOutputsPooledAndPerOutputWithTheLatentFunction() throws IOException {
        data(2);
        CliRun r = calibrate(
                "--f-test",
                npy("ft.npy", ft).toString(),
                "--get",
                "ntkgp",
                "--diag-reg",
                "0.02",
                "--diag-reg-absolute");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("2 outputs, noise 0.02"), r.out());
        assertTrue(r.out().contains(", of f "), r.out());
        JsonNode j = json(out("out").resolve("calibration.json"));
        assertTrue(keys(j).containsAll(List.of("f_coverage", "per_output")), keys(j).toString());
        assertEquals(2, j.get("outputs").asInt());
        assertEquals(0.02, j.get("noise").asDouble(), 0);
        Calibration c = expected(ARCH, Get.NTKGP, Regularization.absolute(0.02), true);
        assertMetrics(c.pooled(), j);
        assertEquals(2, j.get("per_output").size());
        for (int k = 0; k < 2; k++) {
            JsonNode o = j.get("per_output").get(k);
            assertEquals(List.of("rmse", "nll", "z_mean", "z_var", "coverage", "f_coverage"), keys(o));
            assertMetrics(c.perOutput().get(k), o);
        }
    }

    @Test
    void theModelOfAFitJson() throws IOException {
        data(1);
        String fitted = "Dense(256,W_std=1.25,b_std=0.3)->Relu->Dense(1,W_std=1.25,b_std=0.3)";
        Path fitDir = Files.createDirectories(out("fit"));
        // the keys of issue 15's fit.json; the others are there as `ntk4j fit` writes them, and ignored
        Files.writeString(
                fitDir.resolve("fit.json"),
                "{\"arch\": \"" + fitted + "\", \"parameterization\": \"ntk\", \"get\": \"ntkgp\", \"noise\": 0.015,"
                        + " \"lml\": -12.5, \"lml_per_point\": -0.31, \"gradient_norm\": 1e-7, \"evaluations\": 80,"
                        + " \"starts\": [], \"standard_errors\": {\"w_std\": 0.1, \"b_std\": null, \"noise\": 0.2}}");
        CliRun r = calibrate(
                "--arch",
                null,
                "--diag-reg",
                null,
                "--fit",
                fitDir.resolve("fit.json").toString());
        assertEquals(0, r.code(), r.err());
        JsonNode j = json(out("out").resolve("calibration.json"));
        assertEquals(fitted, j.get("arch").asText());
        assertEquals("ntkgp", j.get("get").asText(), "--get defaults to the fit's");
        assertEquals(0.015, j.get("noise").asDouble(), 0, "the fit's noise is the absolute lambda");
        assertMetrics(
                expected(fitted, Get.NTKGP, Regularization.absolute(0.015), false)
                        .pooled(),
                j);
        // the same as giving the fitted model by hand
        CliRun byHand = calibrate(
                "--arch",
                fitted,
                "--diag-reg",
                "0.015",
                "--diag-reg-absolute",
                "--get",
                "ntkgp",
                "--out",
                out("hand").toString());
        assertEquals(0, byHand.code(), byHand.err());
        assertEquals(
                j.toString().replace(fitted, "A"),
                json(out("hand").resolve("calibration.json")).toString().replace(fitted, "A"));
        // the fit's directory works too, and --get overrides the fit's
        CliRun dirAndGet = calibrate(
                "--arch",
                null,
                "--diag-reg",
                null,
                "--fit",
                fitDir.toString(),
                "--get",
                "nngp",
                "--out",
                out("g").toString());
        assertEquals(0, dirAndGet.code(), dirAndGet.err());
        JsonNode g = json(out("g").resolve("calibration.json"));
        assertEquals("nngp", g.get("get").asText());
        assertMetrics(
                expected(fitted, Get.NNGP, Regularization.absolute(0.015), false)
                        .pooled(),
                g);
    }

    @Test
    void errorsNameTheFlag() throws IOException {
        data(1);
        calibrate("--fit", out("fit.json").toString()).fails(3, "--fit: cannot be combined with --arch");
        calibrate("--arch", null).fails(3, "--arch: no model given: give --arch ARCH --diag-reg LAMBDA, or --fit FIT");
        calibrate("--diag-reg", null).fails(3, "--diag-reg: is required with --arch");
        calibrate("--diag-reg", "-1").fails(3, "--diag-reg: must be >= 0 and finite");
        calibrate("--get", "ntk").fails(2, "'ntk' is not one of nngp, ntkgp");
        calibrate("--y-test", npy("short.npy", Matrix.of(new double[5][1])).toString())
                .fails(
                        3,
                        "--y-test: is 5x1 but must be 60x1: one row per test point (--x-test), one column per output (--y-train)");
        calibrate("--f-test", npy("wide.npy", Matrix.of(new double[M][2])).toString())
                .fails(3, "--f-test: is 60x2 but must be 60x1");
        double[][] bad = yt.toArray();
        bad[3][0] = Double.NaN;
        calibrate("--y-test", npy("nan.npy", Matrix.of(bad)).toString()).fails(3, "--y-test:");
        bad[3][0] = Double.POSITIVE_INFINITY;
        calibrate("--f-test", npy("inf.npy", Matrix.of(bad)).toString()).fails(3, "--f-test:");
        calibrate("--x-test", npy("xt2.npy", Matrix.of(new double[M][D + 1])).toString())
                .fails(3, "--x-test: has 4 features");

        // --fit: its own flags only, and a file that says what a fit says
        String[] noArch = {"--arch", null, "--diag-reg", null};
        Path good = Files.writeString(
                out("good.json"),
                "{\"arch\": \"" + ARCH + "\", \"parameterization\": \"ntk\", \"get\": \"nngp\", \"noise\": 0.01}");
        calibrate(with(noArch, "--fit", good.toString(), "--diag-reg", "0.1"))
                .fails(3, "--diag-reg: cannot be combined with --fit");
        calibrate(with(noArch, "--fit", good.toString(), "--parameterization", "standard"))
                .fails(3, "--parameterization: cannot be combined with --fit");
        calibrate(with(noArch, "--fit", out("missing.json").toString())).fails(3, "--fit: file not found");
        Path broken = Files.writeString(out("broken.json"), "{\"arch\": ");
        calibrate(with(noArch, "--fit", broken.toString())).fails(3, "is not valid JSON");
        Path noNoise = Files.writeString(
                out("nonoise.json"), "{\"arch\": \"" + ARCH + "\", \"parameterization\": \"ntk\", \"get\": \"nngp\"}");
        calibrate(with(noArch, "--fit", noNoise.toString())).fails(3, "noise must be a finite number >= 0");
        Path noGet = Files.writeString(out("noget.json"), "{\"arch\": \"" + ARCH + "\", \"noise\": 0.1}");
        calibrate(with(noArch, "--fit", noGet.toString())).fails(3, "has no string 'parameterization'");
        Path badArch = Files.writeString(
                out("badarch.json"),
                "{\"arch\": \"Dense(1)->Blah\", \"parameterization\": \"ntk\", \"get\": \"nngp\", \"noise\": 0.1}");
        calibrate(with(noArch, "--fit", badArch.toString())).fails(3, "--fit: " + badArch + ": its arch:");
        assertFalse(Files.exists(out("out").resolve("run.json")), "no failed run leaves a run record");
    }

    /** {@code a} followed by {@code b}. */
    static String[] with(String[] a, String... b) {
        String[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
