package org.ntk4j.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.Parameterization;
import org.ntk4j.arch.text.ArchParser;
import org.ntk4j.calibration.Calibrate;
import org.ntk4j.calibration.Calibration;
import org.ntk4j.calibration.Coverage;
import org.ntk4j.calibration.Metrics;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.kernel.KernelOptions;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.parallel.ParallelRegion;
import org.ntk4j.predict.CovarianceMode;
import org.ntk4j.predict.Get;
import org.ntk4j.predict.Posterior;
import org.ntk4j.predict.PredictOptions;
import org.ntk4j.predict.PredictionData;
import org.ntk4j.predict.Regularization;
import org.ntk4j.solve.ScalablePredict;
import org.ntk4j.solve.SolverOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code ntk4j calibrate}: scores the t = ∞ NNGP or NTK-GP posterior on held-out data
 * ({@link Calibrate}) and writes DIR/calibration.json and DIR/calibration.png. The model is either
 * given ({@code --arch} with {@code --diag-reg}) or read from a fit ({@code --fit fit.json}: its
 * arch, parameterization, get and absolute noise λ).
 */
@Command(
        name = "calibrate",
        sortOptions = false,
        usageHelpAutoWidth = true,
        mixinStandardHelpOptions = true,
        description = {
            "Is the posterior's uncertainty calibrated? Predicts held-out targets with the t = inf NNGP or NTK-GP",
            "posterior and scores them: rmse, mean negative log likelihood, standardized residuals, and the",
            "coverage of central intervals of y (posterior variance + lambda) and, with --f-test, of f.",
            "Writes DIR/calibration.json and DIR/calibration.png (reliability diagram, PIT histogram)."
        })
public final class CalibrateCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(
            names = "--arch",
            paramLabel = "ARCH",
            description = "Architecture (as for predict); exclusive with --fit, needs --diag-reg.")
    String arch;

    @Option(
            names = "--parameterization",
            paramLabel = "ntk|standard",
            converter = Choices.ParameterizationConverter.class,
            description = "Dense-layer parameterization with --arch (default: ntk).")
    Parameterization parameterization;

    @Option(
            names = "--diag-reg",
            paramLabel = "LAMBDA",
            description = "The noise variance lambda with --arch: relative to the mean kernel diagonal, or absolute.")
    Double diagReg;

    @Option(names = "--diag-reg-absolute", description = "--diag-reg is the absolute lambda, not relative.")
    boolean diagRegAbsolute;

    @Option(
            names = "--fit",
            paramLabel = "FIT",
            description = "fit.json of 'ntk4j fit' (or its directory): its arch, parameterization, get and noise.")
    Path fit;

    @Option(
            names = "--get",
            paramLabel = "nngp|ntkgp",
            converter = GetConverter.class,
            description = "Posterior: nngp or ntkgp (default: nngp, or the fit's with --fit).")
    Get get;

    @Option(
            names = "--x-train",
            required = true,
            paramLabel = "X",
            description = "Training inputs (n×d), .npy or .csv.")
    Path xTrain;

    @Option(names = "--y-train", required = true, paramLabel = "Y", description = "Training targets (n×k; 1-D is n×1).")
    Path yTrain;

    @Option(names = "--x-test", required = true, paramLabel = "XT", description = "Held-out inputs (m×d).")
    Path xTest;

    @Option(names = "--y-test", required = true, paramLabel = "YT", description = "Held-out targets (m×k).")
    Path yTest;

    @Option(
            names = "--f-test",
            paramLabel = "FT",
            description = "The latent function's values at the held-out inputs (m×k), when known.")
    Path fTest;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (created if needed).")
    Path out;

    /** The fit.json keys read here (those 'ntk4j fit' writes for this purpose; the others are ignored). */
    static final List<String> FIT_KEYS = List.of("arch", "parameterization", "get", "noise");

    /**
     * The steps of a run: the flags, the model (from them or from the fit), the inputs, the output
     * directory, the posterior, its calibration, the files and the summary line.
     */
    @Override
    public Integer call() {
        validateFlags();
        Model model = fit != null ? readFit() : modelFromFlags();
        Data in = readInputs();
        OutputDir dir = main.outputDir("--out", out);
        long t0 = System.nanoTime();
        Posterior p;
        try (ProgressBar bar = ProgressBar.of(main, "kernels")) {
            p = posterior(model, in, bar);
        }
        Calibration c = Calibrate.of(p, in.yt(), p.diagnostics().lambda(), in.ft());
        write(dir, model, in, c);
        report(model, in, c, dir, (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    /** The posterior to score: its architecture (text as given), parameterization, kind and regularization. */
    private record Model(
            String archText,
            Architecture architecture,
            Parameterization parameterization,
            Get get,
            Regularization reg) {}

    /** The inputs, checked against each other; {@code ft} null without --f-test. */
    private record Data(Matrix x, Matrix y, Matrix xt, Matrix yt, Matrix ft) {}

    /** Step 1: the flags and their combinations, before any file is read. */
    private void validateFlags() {
        if (arch != null && fit != null)
            throw new InvalidInputException(
                    "--fit",
                    "cannot be combined with --arch: give --arch ARCH --diag-reg LAMBDA, or --fit FIT (its arch and noise)");
        if (arch == null && fit == null)
            throw new InvalidInputException(
                    "--arch", "no model given: give --arch ARCH --diag-reg LAMBDA, or --fit FIT from 'ntk4j fit'");
        if (fit != null) {
            String clash = diagReg != null
                    ? "--diag-reg"
                    : diagRegAbsolute ? "--diag-reg-absolute" : parameterization != null ? "--parameterization" : null;
            if (clash != null)
                throw new InvalidInputException(
                        clash, "cannot be combined with --fit: the fit's noise and parameterization are used");
            return;
        }
        if (diagReg == null)
            throw new InvalidInputException(
                    "--diag-reg",
                    "is required with --arch: the noise variance of y (relative to the mean kernel diagonal, or absolute"
                            + " with --diag-reg-absolute); or give --fit FIT for the fitted noise");
        if (!(diagReg >= 0) || !Double.isFinite(diagReg))
            throw new InvalidInputException("--diag-reg", "must be >= 0 and finite, got " + diagReg);
    }

    /** Step 2a: the model from --arch, --parameterization, --diag-reg and --get. */
    private Model modelFromFlags() {
        Parameterization pz = parameterization == null ? Parameterization.NTK : parameterization;
        return new Model(
                arch,
                ArchParser.parse(arch, pz),
                pz,
                get == null ? Get.NNGP : get,
                new Regularization(diagReg, diagRegAbsolute));
    }

    /** Step 2b: the model of a fit.json (or a directory holding one); --get, when given, overrides the fit's. */
    private Model readFit() {
        Path file = Files.isDirectory(fit) ? fit.resolve("fit.json") : fit;
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(file.toFile());
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new InvalidInputException("--fit", "file not found: " + file);
        } catch (JacksonException e) {
            throw new InvalidInputException("--fit", file + " is not valid JSON (" + e.getOriginalMessage() + ")", e);
        } catch (IOException e) {
            throw new InvalidInputException("--fit", "cannot read " + file + ": " + e.getMessage(), e);
        }
        if (json == null || !json.isObject()) throw new InvalidInputException("--fit", file + " is not a JSON object");
        String archText = text(json, "arch", file);
        Parameterization pz;
        Get fitGet;
        try {
            pz = Parameterization.parse(text(json, "parameterization", file));
            fitGet = Get.parse(text(json, "get", file));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("--fit", file + ": " + e.getMessage());
        }
        if (fitGet == Get.NTK && get == null)
            throw new InvalidInputException(
                    "--fit", file + ": get is ntk; calibrate scores nngp or ntkgp (give --get)");
        JsonNode noise = json.get("noise");
        if (noise == null || !noise.isNumber() || !(noise.doubleValue() >= 0) || !Double.isFinite(noise.doubleValue()))
            throw new InvalidInputException(
                    "--fit", file + ": noise must be a finite number >= 0 (the absolute lambda), got " + noise);
        Architecture a;
        try {
            a = ArchParser.parse(archText, pz);
        } catch (InvalidInputException e) {
            // the text came from the file, not from --arch: name the file, not the flag
            throw new InvalidInputException("--fit", file + ": its arch: " + e.getMessage(), e);
        }
        return new Model(archText, a, pz, get == null ? fitGet : get, Regularization.absolute(noise.doubleValue()));
    }

    private static String text(JsonNode json, String key, Path file) {
        JsonNode v = json.get(key);
        if (v == null || !v.isTextual())
            throw new InvalidInputException(
                    "--fit",
                    file + " has no string '" + key + "' (a fit.json of 'ntk4j fit' has " + String.join(", ", FIT_KEYS)
                            + ")");
        return v.asText();
    }

    /** Step 3: the input files, and their shapes against each other. */
    private Data readInputs() {
        Matrix x = InputFiles.matrix("--x-train", xTrain);
        Matrix y = InputFiles.matrix("--y-train", yTrain);
        Matrix xt = InputFiles.matrix("--x-test", xTest);
        Matrix yt = InputFiles.matrix("--y-test", yTest);
        Matrix ft = fTest == null ? null : InputFiles.matrix("--f-test", fTest);
        PredictionData.check(x, y, xt, true); // library names, shown as flags by the error handler
        Calibrate.requireHeldOut(yt, ft, xt.rows(), y.cols());
        return new Data(x, y, xt, yt, ft);
    }

    /** Step 4: the t = ∞ posterior with its variances (the solver chosen as predict's --solver auto does). */
    private static Posterior posterior(Model model, Data in, ProgressBar bar) {
        PredictOptions options = PredictOptions.defaults()
                .withRegularization(model.reg())
                .withCovariance(CovarianceMode.DIAGONAL)
                .withKernelOptions(KernelOptions.defaults().withProgress(bar));
        return ScalablePredict.gpInference(
                        model.architecture(), in.x(), in.y(), in.xt(), model.get(), options, SolverOptions.defaults())
                .posterior();
    }

    /** Step 5: calibration.json and calibration.png; nothing when interrupted during the solves. */
    private static void write(OutputDir dir, Model model, Data in, Calibration c) {
        ParallelRegion.checkInterrupted("calibrate");
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("n", in.x().rows());
        j.put("m", c.testPoints());
        j.put("outputs", c.outputs());
        j.put("arch", model.archText());
        j.put("parameterization", model.parameterization().name().toLowerCase(Locale.ROOT));
        j.put("get", model.get().toString());
        j.put("noise", c.noise());
        j.putAll(metrics(c.pooled()));
        if (c.outputs() > 1) {
            List<Map<String, Object>> per = new ArrayList<>();
            for (Metrics m : c.perOutput()) per.add(metrics(m));
            j.put("per_output", per);
        }
        dir.writeJson("calibration.json", j);
        dir.writeBytes(
                "calibration.png",
                CalibrationPlot.png(c, model.get() + " posterior, " + c.testPoints() + " held-out points"));
    }

    /** The metric keys of calibration.json, for the pooled values and for each output. */
    private static Map<String, Object> metrics(Metrics m) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("rmse", m.rmse());
        j.put("nll", m.nll());
        j.put("z_mean", m.zMean());
        j.put("z_var", m.zVar());
        j.put("coverage", levels(m.coverage()));
        if (m.fCoverage() != null) j.put("f_coverage", levels(m.fCoverage()));
        return j;
    }

    /** {"0.5": fraction, ...}: the nominal level as its shortest decimal. */
    private static Map<String, Double> levels(Coverage c) {
        Map<String, Double> j = new LinkedHashMap<>();
        for (int i = 0; i < c.levels().size(); i++)
            j.put(Double.toString(c.levels().get(i)), c.fractions().get(i));
        return j;
    }

    /** Step 6: one summary line on stdout. */
    private void report(Model model, Data in, Calibration c, OutputDir dir, double seconds) {
        Metrics m = c.pooled();
        String f = m.fCoverage() == null
                ? ""
                : String.format(Locale.ROOT, ", of f %.3f", m.fCoverage().fraction(0.9));
        main.out()
                .printf(
                        Locale.ROOT,
                        "calibrate: %s posterior, %d train, %d held out, %d output%s, noise %.4g: rmse %.4g, nll %.4g,"
                                + " z_var %.3f, 90%% interval covers %.3f of y%s in %.2f s -> %s%n",
                        model.get(),
                        in.x().rows(),
                        c.testPoints(),
                        c.outputs(),
                        c.outputs() == 1 ? "" : "s",
                        c.noise(),
                        m.rmse(),
                        m.nll(),
                        m.zVar(),
                        m.coverage().fraction(0.9),
                        f,
                        seconds,
                        String.join(
                                ", ", dir.written().stream().map(Path::toString).toList()));
    }

    /** {@code --get}: the Bayesian posteriors only (the NTK ensemble has no noise model to score y with). */
    static final class GetConverter implements ITypeConverter<Get> {
        @Override
        public Get convert(String s) {
            Get g;
            try {
                g = Get.parse(s);
            } catch (IllegalArgumentException e) {
                g = null;
            }
            if (g == null || g == Get.NTK) throw new TypeConversionException("'" + s + "' is not one of nngp, ntkgp");
            return g;
        }
    }
}
