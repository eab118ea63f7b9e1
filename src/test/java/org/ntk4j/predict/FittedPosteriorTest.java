package org.ntk4j.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.text.ArchParser;
import org.ntk4j.device.Device;
import org.ntk4j.error.IllPosedProblemException;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.error.ModelFileException;
import org.ntk4j.io.Npy;
import org.ntk4j.kernel.KernelOptions;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.Matrix;

/**
 * {@link FittedPosterior}: fit once, predict many times, save and load. Its predictions are bit for
 * bit those of {@link Predict#gpInference} (the one-run exact posterior), before and after a save
 * and a load, for every posterior and covariance mode; every way a saved model can be damaged is a
 * {@link ModelFileException}, never a prediction.
 */
class FittedPosteriorTest {
    static final Architecture ARCH = ArchParser.parse(
            "Dense(512,W_std=1.5,b_std=0.1)->Relu->Dense(512,W_std=1.5,b_std=0.1)->Erf->Dense(2,W_std=1.5,b_std=0.1)");

    @TempDir
    Path tmp;

    static Matrix random(long seed, int n, int d) {
        Random r = new Random(seed);
        double[][] a = new double[n][d];
        for (double[] row : a) for (int j = 0; j < d; j++) row[j] = r.nextGaussian();
        return Matrix.of(a);
    }

    static final Matrix X = random(41, 60, 5), Y = random(42, 60, 2), XT = random(43, 13, 5);

    static PredictOptions options(Regularization reg, DType dtype) {
        return PredictOptions.defaults()
                .withRegularization(reg)
                .withKernelOptions(KernelOptions.defaults()
                        .withDtype(dtype)
                        .withDevice(Device.CPU)
                        .withTileSize(16)
                        .withThreads(2));
    }

    static void sameBits(Matrix a, Matrix b, String what) {
        assertEquals(a == null, b == null, what);
        if (a == null) return;
        assertEquals(a.rows(), b.rows(), what);
        assertEquals(a.cols(), b.cols(), what);
        for (int j = 0; j < a.cols(); j++)
            for (int i = 0; i < a.rows(); i++)
                assertEquals(
                        Double.doubleToRawLongBits(a.get(i, j)),
                        Double.doubleToRawLongBits(b.get(i, j)),
                        what + " (" + i + ", " + j + "): " + a.get(i, j) + " vs " + b.get(i, j));
    }

    static void samePosterior(Posterior a, Posterior b, String what) {
        sameBits(a.mean(), b.mean(), what + " mean");
        sameBits(a.covariance(), b.covariance(), what + " covariance");
        double[] va = a.variances(), vb = b.variances();
        assertEquals(va == null, vb == null, what);
        if (va != null) sameBits(Matrix.column(va), Matrix.column(vb), what + " variances");
        assertEquals(a.diagnostics().lambda(), b.diagnostics().lambda(), what + " lambda");
        assertEquals(a.diagnostics().jitter(), b.diagnostics().jitter(), what + " jitter");
        assertEquals(a.diagnostics().conditionEstimate(), b.diagnostics().conditionEstimate(), what + " condition");
    }

    @Test
    void predictionsAreBitIdenticalToOneRunBeforeAndAfterSaveAndLoad() {
        int saved = 0;
        for (Regularization reg : List.of(Regularization.relative(1e-3), Regularization.NONE))
            for (DType t : DType.values())
                for (Get get : Get.values()) {
                    PredictOptions o = options(reg, t);
                    Path dir = tmp.resolve("m" + saved++);
                    try (FittedPosterior f = FittedPosterior.fit(ARCH, X, Y, get, o)) {
                        for (CovarianceMode mode : CovarianceMode.values()) {
                            String what = get + " " + mode + " " + t + " " + reg;
                            Posterior once = Predict.gpInference(ARCH, X, Y, XT, get, o.withCovariance(mode));
                            samePosterior(once, f.predict(XT, mode, o.kernelOptions()), what + " fitted");
                        }
                        f.save(dir);
                    }
                    try (FittedPosterior g = FittedPosterior.load(dir)) {
                        assertEquals(get, g.get());
                        assertEquals(ARCH, g.architecture());
                        assertEquals(t, g.dtype());
                        assertEquals(reg, g.regularization());
                        for (CovarianceMode mode : CovarianceMode.values()) {
                            String what = get + " " + mode + " " + t + " " + reg;
                            Posterior once = Predict.gpInference(ARCH, X, Y, XT, get, o.withCovariance(mode));
                            samePosterior(once, g.predict(XT, mode, o.kernelOptions()), what + " loaded");
                            // the default runtime options (all threads, automatic tiles) give the same bits
                            samePosterior(once, g.predict(XT, mode), what + " loaded, default options");
                        }
                        Posterior train = g.predict(null, CovarianceMode.DIAGONAL);
                        sameBits(Y, train.mean(), "the training points' mean is y");
                    }
                }
    }

    @Test
    void float32InputsAreSavedAsGivenAndPredictTheSameBits() {
        Matrix x32 = X.as(DType.FLOAT32), xt32 = XT.as(DType.FLOAT32);
        PredictOptions o = options(Regularization.relative(1e-3), DType.FLOAT64).withCovariance(CovarianceMode.FULL);
        Path dir = tmp.resolve("f32");
        try (FittedPosterior f = FittedPosterior.fit(ARCH, x32, Y, Get.NTK, o)) {
            f.save(dir);
        }
        try (FittedPosterior g = FittedPosterior.load(dir)) {
            assertEquals(DType.FLOAT32, g.xTrain().dtype());
            Posterior once = Predict.gpInference(ARCH, x32, Y, xt32, Get.NTK, o);
            samePosterior(once, g.predict(xt32, CovarianceMode.FULL, o.kernelOptions()), "float32 inputs");
        }
    }

    @Test
    void theModelHoldsWhatThePosteriorNeedsAndItsFactorIsLowerTriangular() throws IOException {
        for (Get get : Get.values()) {
            Path dir = tmp.resolve(get.toString());
            try (FittedPosterior f =
                    FittedPosterior.fit(ARCH, X, Y, get, options(Regularization.relative(1e-3), DType.FLOAT64))) {
                f.save(dir);
            }
            try (Stream<Path> s = Files.list(dir)) {
                List<String> names =
                        s.map(p -> p.getFileName().toString()).sorted().toList();
                List<String> expected = get == Get.NTK
                        ? List.of("factor.npy", "inputs.npy", "model.json", "nngp.npy", "targets.npy", "weights.npy")
                        : List.of("factor.npy", "inputs.npy", "model.json", "targets.npy", "weights.npy");
                assertEquals(expected, names, get.toString());
            }
            Matrix l = Npy.read(dir.resolve("factor.npy"));
            for (int j = 1; j < l.cols(); j++) for (int i = 0; i < j; i++) assertEquals(0.0, l.get(i, j));
            sameBits(X, Npy.read(dir.resolve("inputs.npy")), "inputs");
            sameBits(Y, Npy.read(dir.resolve("targets.npy")), "targets");
            String json = Files.readString(dir.resolve("model.json"));
            assertTrue(json.contains("\"format_version\" : 1"), json);
            assertTrue(json.contains("\"get\" : \"" + get + "\""), json);
        }
    }

    @Test
    void saveReplacesASavedModelAndRefusesOtherDirectories() throws IOException {
        Path dir = tmp.resolve("model");
        try (FittedPosterior f =
                FittedPosterior.fit(ARCH, X, Y, Get.NNGP, options(Regularization.relative(1e-3), DType.FLOAT64))) {
            assertTrue(
                    f.fitTimings().kernelNanos() > 0 && f.fitTimings().factorNanos() > 0,
                    f.fitTimings().toString());
            f.save(dir);
            f.save(dir); // a saved model is replaced
            Path other = Files.createDirectories(tmp.resolve("other"));
            Files.writeString(other.resolve("notes.txt"), "mine");
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> f.save(other));
            assertEquals("modelDir", e.argument());
            assertTrue(Files.exists(other.resolve("notes.txt")), "the user's files stay");
            Path file = Files.writeString(tmp.resolve("file"), "x");
            assertThrows(InvalidInputException.class, () -> f.save(file));
        }
        try (Stream<Path> s = Files.list(tmp)) {
            assertFalse(s.anyMatch(p -> p.getFileName().toString().startsWith(".")), "no temporaries left");
        }
        try (FittedPosterior g = FittedPosterior.load(dir)) {
            assertEquals(Get.NNGP, g.get());
            assertEquals(Timings.ZERO, g.fitTimings());
            Path again = tmp.resolve("again");
            g.save(again); // a loaded model saves the same bytes: nothing run-dependent is stored
            for (String f : List.of("model.json", "inputs.npy", "targets.npy", "factor.npy", "weights.npy"))
                org.junit.jupiter.api.Assertions.assertArrayEquals(
                        Files.readAllBytes(dir.resolve(f)), Files.readAllBytes(again.resolve(f)), f);
        }
    }

    @Test
    void fitChecksItsArgumentsAndDuplicateRowsWithoutRegularization() {
        PredictOptions o = options(Regularization.NONE, DType.FLOAT64);
        assertThrows(InvalidInputException.class, () -> FittedPosterior.fit(null, X, Y, Get.NNGP, o));
        assertThrows(InvalidInputException.class, () -> FittedPosterior.fit(ARCH, X, Y, null, o));
        assertThrows(InvalidInputException.class, () -> FittedPosterior.fit(ARCH, X, random(1, 59, 2), Get.NNGP, o));
        double[][] dup = {{1, 2}, {1, 2}, {0, 1}};
        assertThrows(
                IllPosedProblemException.class,
                () -> FittedPosterior.fit(ARCH, Matrix.of(dup), random(2, 3, 1), Get.NNGP, o));
        try (FittedPosterior f = FittedPosterior.fit(ARCH, X, Y, Get.NNGP, o)) {
            InvalidInputException e =
                    assertThrows(InvalidInputException.class, () -> f.predict(random(3, 4, 3), CovarianceMode.NONE));
            assertEquals("xTest", e.argument());
            assertThrows(
                    InvalidInputException.class,
                    () -> f.predict(
                            XT, CovarianceMode.NONE, KernelOptions.defaults().withDtype(DType.FLOAT32)));
            f.close();
            assertThrows(IllegalStateException.class, () -> f.predict(XT, CovarianceMode.NONE));
        }
    }

    // ------------------------------------------------------------------ damaged models

    /** A fresh NTK model (it has every array file) in a new directory. */
    Path model(String name) {
        Path dir = tmp.resolve(name);
        try (FittedPosterior f =
                FittedPosterior.fit(ARCH, X, Y, Get.NTK, options(Regularization.relative(1e-3), DType.FLOAT64))) {
            f.save(dir);
        }
        return dir;
    }

    static ModelFileException refused(Path dir, String part) {
        ModelFileException e = assertThrows(ModelFileException.class, () -> FittedPosterior.load(dir));
        assertEquals("model", e.argument());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().contains(part), "expected '" + part + "' in: " + e.getMessage());
        return e;
    }

    static void editManifest(Path dir, UnaryOperator<String> edit) throws IOException {
        Path m = dir.resolve("model.json");
        Files.writeString(m, edit.apply(Files.readString(m)));
    }

    @Test
    void aMissingDirectoryOrManifestIsNotAModel() throws IOException {
        refused(tmp.resolve("nowhere"), "no such directory");
        refused(Files.createDirectories(tmp.resolve("empty")), "has no model.json");
        Path dir = model("m");
        Files.delete(dir.resolve("model.json"));
        refused(dir, "has no model.json");
    }

    @Test
    void aFlippedByteFailsTheChecksum() throws IOException {
        for (String file : List.of("factor.npy", "weights.npy", "nngp.npy", "inputs.npy", "targets.npy")) {
            Path dir = model("flip-" + file);
            Path f = dir.resolve(file);
            byte[] b = Files.readAllBytes(f);
            b[b.length - 3] ^= 0x10;
            Files.write(f, b);
            refused(dir, file + " fails its SHA-256 checksum");
        }
    }

    @Test
    void aTruncatedOrMissingArrayIsRefused() throws IOException {
        Path dir = model("truncated");
        Path f = dir.resolve("factor.npy");
        byte[] b = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(b, b.length - 8));
        refused(dir, "factor.npy has " + (b.length - 8) + " bytes");
        Path dir2 = model("missing");
        Files.delete(dir2.resolve("nngp.npy"));
        refused(dir2, "nngp.npy is missing");
    }

    @Test
    void badJsonIsRefused() throws IOException {
        Path dir = model("json");
        editManifest(dir, s -> s.substring(0, s.length() / 2));
        refused(dir, "model.json is not valid JSON");
        Path dir2 = model("json2");
        editManifest(dir2, s -> s.replaceFirst("\"n\" : 60", "\"n\" : 60, \"n\" : 61"));
        refused(dir2, "model.json is not valid JSON");
        Path dir3 = model("json3");
        Files.writeString(dir3.resolve("model.json"), "[1, 2]");
        refused(dir3, "is not a JSON object");
        Path dir4 = model("json4");
        Files.writeString(dir4.resolve("model.json"), "");
        refused(dir4, "model.json is empty");
    }

    @Test
    void anUnknownFormatOrVersionIsRefused() throws IOException {
        Path dir = model("version");
        editManifest(dir, s -> s.replace("\"format_version\" : 1", "\"format_version\" : 2"));
        refused(dir, "format_version 2 (written by ntk4j 0.1.0) is not one ntk4j 0.1.0 reads (1)");
        Path dir2 = model("format");
        editManifest(dir2, s -> s.replace("ntk4j saved model", "something else"));
        refused(dir2, "format is 'something else'");
    }

    @Test
    void missingOrMistypedFieldsAreRefused() throws IOException {
        Path dir = model("field");
        editManifest(dir, s -> s.replaceFirst("\"lambda\" : [^,]+,", ""));
        refused(dir, "field lambda is missing");
        Path dir2 = model("type");
        editManifest(dir2, s -> s.replaceFirst("\"k\" : 2", "\"k\" : \"2\""));
        refused(dir2, "field k must be an integer");
        Path dir3 = model("arch");
        editManifest(dir3, s -> s.replaceFirst("\"arch\" : \"Dense", "\"arch\" : \"Dance"));
        refused(dir3, "arch does not parse");
        Path dir4 = model("get");
        editManifest(dir4, s -> s.replaceFirst("\"get\" : \"ntk\"", "\"get\" : \"svm\""));
        refused(dir4, "field get");
    }

    @Test
    void shapesThatDisagreeAreRefused() throws IOException {
        Path dir = model("shape");
        editManifest(dir, s -> s.replaceFirst("\"k\" : 2", "\"k\" : 3"));
        refused(dir, "disagrees with n = 60, d = 5, k = 3");
        // an array replaced by a consistent-looking one of another shape, its checksum updated too
        Path dir2 = model("array");
        Path w = dir2.resolve("weights.npy");
        Npy.write(w, random(5, 60, 3));
        String sum = org.ntk4j.io.FileChecksum.of(w).sha256();
        long size = Files.size(w);
        editManifest(
                dir2,
                s -> s.replaceFirst("(\"weights\" : \\{[^}]*\"bytes\" : )\\d+", "$1" + size)
                        .replaceFirst("(\"weights\" : \\{[^}]*\"sha256\" : \")[0-9a-f]+", "$1" + sum));
        refused(dir2, "weights.npy is 60x3 but model.json declares 60x2");
    }

    @Test
    void aCorruptFactorWithAValidChecksumIsStillRefused() throws IOException {
        Path dir = model("factor");
        Path f = dir.resolve("factor.npy");
        Matrix l = Npy.read(f);
        double[][] a = new double[l.rows()][l.cols()];
        for (int i = 0; i < a.length; i++) for (int j = 0; j <= i; j++) a[i][j] = l.get(i, j);
        a[7][7] = -1; // not a Cholesky factor
        Npy.write(f, Matrix.of(a));
        String sum = org.ntk4j.io.FileChecksum.of(f).sha256();
        long size = Files.size(f);
        editManifest(
                dir,
                s -> s.replaceFirst("(\"factor\" : \\{[^}]*\"bytes\" : )\\d+", "$1" + size)
                        .replaceFirst("(\"factor\" : \\{[^}]*\"sha256\" : \")[0-9a-f]+", "$1" + sum));
        refused(dir, "factor.npy: Cholesky factor: diagonal entry 7 is -1.0");
    }

    @Test
    void aManifestAppendedToIsRefused() throws IOException {
        Path dir = model("append");
        Files.writeString(dir.resolve("model.json"), "{}", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        refused(dir, "unexpected content after the JSON object");
    }
}
