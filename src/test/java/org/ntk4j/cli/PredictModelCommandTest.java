package org.ntk4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntk4j.io.Npy;
import org.ntk4j.linalg.Matrix;

/**
 * {@code predict --save-model MDIR} and {@code predict --model MDIR}: the saved model predicts the
 * same bytes as one run, for every posterior and covariance; flags the model fixes are refused; a
 * damaged model is one line and exit 3.
 */
class PredictModelCommandTest {
    static final String ARCH =
            "Dense(256,W_std=1.5,b_std=0.1)->Relu->Dense(256,W_std=1.5,b_std=0.1)->Erf->Dense(1,W_std=1.5,b_std=0.1)";

    @TempDir
    Path dir;

    Path npy(String name, long seed, int n, int d) {
        Random r = new Random(seed);
        double[][] a = new double[n][d];
        for (double[] row : a) for (int j = 0; j < d; j++) row[j] = r.nextGaussian();
        Path f = dir.resolve(name);
        Npy.write(f, Matrix.of(a));
        return f;
    }

    Path x() {
        return Files.exists(dir.resolve("x.npy")) ? dir.resolve("x.npy") : npy("x.npy", 1, 50, 4);
    }

    Path y() {
        return Files.exists(dir.resolve("y.npy")) ? dir.resolve("y.npy") : npy("y.npy", 2, 50, 1);
    }

    Path xt() {
        return Files.exists(dir.resolve("xt.npy")) ? dir.resolve("xt.npy") : npy("xt.npy", 3, 11, 4);
    }

    CliRun predict(String... more) {
        List<String> a = new ArrayList<>(List.of(
                "predict",
                "--arch",
                ARCH,
                "--x-train",
                x().toString(),
                "--y-train",
                y().toString(),
                "--x-test",
                xt().toString(),
                "--device",
                "cpu"));
        a.addAll(List.of(more));
        return CliRun.of(a.toArray(String[]::new));
    }

    CliRun fromModel(Path model, String... more) {
        List<String> a = new ArrayList<>(List.of("predict", "--model", model.toString(), "--x-test", xt().toString()));
        a.addAll(List.of(more));
        return CliRun.of(a.toArray(String[]::new));
    }

    static void ok(CliRun r) {
        assertEquals(0, r.code(), r.err() + r.out());
    }

    static void sameFiles(Path a, Path b, String what) throws IOException {
        List<String> na = npyNames(a), nb = npyNames(b);
        assertEquals(na, nb, what);
        assertFalse(na.isEmpty(), what);
        for (String f : na)
            assertArrayEquals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)), what + " " + f);
    }

    static List<String> npyNames(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".npy"))
                    .sorted()
                    .toList();
        }
    }

    @Test
    void aSavedModelPredictsTheBytesOfOneRun() throws IOException {
        for (String get : List.of("nngp", "ntk", "ntkgp")) {
            Path model = dir.resolve("model-" + get);
            Path saved = dir.resolve("saved-" + get);
            ok(predict(
                    "--get", get, "--diag-reg", "1e-3", "--save-model", model.toString(), "--out", saved.toString()));
            assertTrue(Files.exists(model.resolve("model.json")));
            for (String cov : List.of("diag", "full", "none")) {
                String what = get + " --cov " + cov;
                Path once = dir.resolve("once-" + get + "-" + cov), later = dir.resolve("later-" + get + "-" + cov);
                ok(predict("--get", get, "--diag-reg", "1e-3", "--cov", cov, "--out", once.toString()));
                CliRun r = fromModel(model, "--cov", cov, "--out", later.toString());
                ok(r);
                assertTrue(
                        r.out()
                                .startsWith("predict: " + get
                                        + " posterior (saved model) at t=inf, 50 train, 11 test, 1 output"),
                        r.out());
                assertTrue(Files.exists(later.resolve("run.json")), what);
                sameFiles(once, later, what);
                if (cov.equals("diag")) sameFiles(once, saved, what + " (the saving run)");
            }
        }
    }

    @Test
    void float32AndTimeInfinityAreAccepted() throws IOException {
        Path model = dir.resolve("m32");
        Path saved = dir.resolve("s32"), later = dir.resolve("l32");
        ok(predict(
                "--dtype",
                "float32",
                "--diag-reg",
                "1e-3",
                "--save-model",
                model.toString(),
                "--out",
                saved.toString()));
        ok(fromModel(model, "--time", "inf", "--dtype", "float32", "--out", later.toString()));
        sameFiles(saved, later, "float32");
        fromModel(model, "--dtype", "float64", "--out", later.toString())
                .fails(3, "--dtype: the model was fitted in float32");
    }

    @Test
    void flagsTheModelFixesAreRefused() {
        Path model = dir.resolve("m");
        ok(predict(
                "--diag-reg",
                "1e-3",
                "--save-model",
                model.toString(),
                "--out",
                dir.resolve("s").toString()));
        Path out = dir.resolve("o");
        fromModel(model, "--arch", ARCH, "--out", out.toString()).fails(3, "--arch: contradicts --model");
        fromModel(model, "--x-train", x().toString(), "--out", out.toString())
                .fails(3, "--x-train: contradicts --model");
        fromModel(model, "--get", "nngp", "--out", out.toString()).fails(3, "--get: contradicts --model");
        fromModel(model, "--diag-reg", "1e-3", "--out", out.toString()).fails(3, "--diag-reg: contradicts --model");
        fromModel(model, "--solver", "cg", "--out", out.toString()).fails(3, "--solver: contradicts --model");
        fromModel(model, "--time", "2", "--out", out.toString())
                .fails(3, "--time: a saved model is the t = inf posterior");
        fromModel(model, "--save-model", dir.resolve("m2").toString(), "--out", out.toString())
                .fails(3, "--save-model: contradicts --model");
        assertFalse(Files.exists(out.resolve("run.json")));
    }

    @Test
    void withoutModelTheTrainingFlagsAreRequired() {
        CliRun.of(
                        "predict",
                        "--x-test",
                        xt().toString(),
                        "--out",
                        dir.resolve("o").toString())
                .fails(2, "Missing required options: '--arch=ARCH', '--x-train=X', '--y-train=Y' (or --model MDIR)");
        CliRun.of(
                        "predict",
                        "--arch",
                        ARCH,
                        "--x-train",
                        x().toString(),
                        "--x-test",
                        xt().toString(),
                        "--out",
                        dir.resolve("o").toString())
                .fails(2, "Missing required option: '--y-train=Y'");
    }

    @Test
    void saveModelIsForTheExactPosteriorAndANewOrSavedDirectory() throws IOException {
        Path out = dir.resolve("o");
        predict("--time", "2", "--save-model", dir.resolve("m").toString(), "--out", out.toString())
                .fails(3, "--save-model: saves the t = inf posterior only");
        predict(
                        "--solver",
                        "cg",
                        "--diag-reg",
                        "1e-3",
                        "--save-model",
                        dir.resolve("m").toString(),
                        "--out",
                        out.toString())
                .fails(3, "--save-model: saves the exact solver's Cholesky factor");
        Path busy = Files.createDirectories(dir.resolve("busy"));
        Files.writeString(busy.resolve("notes.txt"), "mine");
        predict("--diag-reg", "1e-3", "--save-model", busy.toString(), "--out", out.toString())
                .fails(3, "--save-model: " + busy + " exists and holds other files");
        assertEquals("mine", Files.readString(busy.resolve("notes.txt")));
        assertFalse(Files.exists(out.resolve("mean.npy")), "refused before computing");
    }

    @Test
    void aDamagedModelIsOneLineAndExit3() throws IOException {
        Path model = dir.resolve("m");
        ok(predict(
                "--get",
                "ntk",
                "--diag-reg",
                "1e-3",
                "--save-model",
                model.toString(),
                "--out",
                dir.resolve("s").toString()));
        Path out = dir.resolve("o");
        fromModel(dir.resolve("nowhere"), "--out", out.toString()).fails(3, "--model: ");
        Path f = model.resolve("nngp.npy");
        byte[] b = Files.readAllBytes(f);
        b[b.length / 2] ^= 1;
        Files.write(f, b);
        fromModel(model, "--out", out.toString())
                .fails(3, "--model: " + model + ": nngp.npy fails its SHA-256 checksum");
        Files.writeString(model.resolve("model.json"), "{\"format\": ");
        fromModel(model, "--out", out.toString()).fails(3, "model.json is not valid JSON");
        assertFalse(Files.exists(out.resolve("run.json")));
        assertFalse(Files.exists(out.resolve("mean.npy")));
    }

    @Test
    void aMismatchedTestFileNamesTheModelsDimension() {
        Path model = dir.resolve("m");
        ok(predict(
                "--diag-reg",
                "1e-3",
                "--save-model",
                model.toString(),
                "--out",
                dir.resolve("s").toString()));
        Path xt3 = npy("xt3.npy", 4, 5, 3);
        CliRun.of(
                        "predict",
                        "--model",
                        model.toString(),
                        "--x-test",
                        xt3.toString(),
                        "--out",
                        dir.resolve("o").toString())
                .fails(3, "--x-test: has 3 columns but the model was fitted on 4-dimensional inputs");
    }
}
