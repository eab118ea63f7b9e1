package org.ntk4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.Parameterization;
import org.ntk4j.arch.text.ArchParser;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.evidence.EvidenceModel;
import org.ntk4j.evidence.FitObjective;
import org.ntk4j.evidence.FitOptions;
import org.ntk4j.evidence.FitResult;
import org.ntk4j.evidence.HyperparameterFit;
import org.ntk4j.evidence.Hyperparameters;
import org.ntk4j.evidence.MarginalLikelihood;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.parallel.ParallelRegion;
import org.ntk4j.predict.Get;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code ntk4j fit}: W_std, b_std and the noise variance λ of one or more architectures, by the
 * marginal likelihood of the t = ∞ NNGP or NTK-GP posterior or by its K-fold cross-validated
 * predictive likelihood ({@link HyperparameterFit}; docs/evidence.md §7–§8). Writes
 * {@code DIR/fit.json}: the fitted ARCH string (usable as it is by every command), λ (for
 * {@code --diag-reg λ --diag-reg-absolute}), the objective's value, how converged the search is,
 * each start and the Laplace standard errors; with several {@code --arch}, every candidate ranked
 * by the objective under {@code candidates} and the best at the top level.
 */
@Command(
        name = "fit",
        sortOptions = false,
        usageHelpAutoWidth = true,
        mixinStandardHelpOptions = true,
        description = {
            "Fit W_std, b_std and the noise variance of an architecture to training data by the log marginal",
            "likelihood (or K-fold cross-validation) of the NNGP or NTK-GP posterior. Writes DIR/fit.json: the fitted ARCH,",
            "noise (use as --diag-reg NOISE --diag-reg-absolute), lml, standard errors; with several --arch, ranked candidates."
        })
public final class FitCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--arch",
            required = true,
            paramLabel = "ARCH",
            description = {
                "Architecture whose W_std and b_std to fit; its own values are the first start.",
                "Repeat to compare candidates (depths, activations): each is fitted and ranked."
            })
    List<String> archs;

    @Option(
            names = "--parameterization",
            paramLabel = "ntk|standard",
            defaultValue = "ntk",
            converter = Choices.ParameterizationConverter.class,
            description = "Dense-layer parameterization (default: ntk).")
    Parameterization parameterization;

    @Option(
            names = "--x-train",
            required = true,
            paramLabel = "X",
            description = "Training inputs (n×d), .npy or .csv.")
    Path xTrain;

    @Option(names = "--y-train", required = true, paramLabel = "Y", description = "Training targets (n×k; 1-D is n×1).")
    Path yTrain;

    @Option(
            names = "--get",
            paramLabel = "nngp|ntkgp",
            defaultValue = "nngp",
            converter = PredictCommand.GetConverter.class,
            description = "Posterior whose hyperparameters to fit: nngp (default) or ntkgp (GP with the NTK prior).")
    Get get;

    @Option(
            names = "--objective",
            paramLabel = "lml|cv",
            defaultValue = "lml",
            converter = ObjectiveConverter.class,
            description =
                    "What to maximize: lml, the log marginal likelihood (default), or cv, the K-fold predictive log likelihood.")
    FitObjective objective;

    @Option(names = "--folds", paramLabel = "K", description = "Folds of --objective cv (default: 5).")
    Integer folds;

    @Option(
            names = "--restarts",
            paramLabel = "R",
            defaultValue = "3",
            description =
                    "Optimizer starts per architecture: its own values, then R-1 random points of the box (default: 3).")
    int restarts;

    @Option(
            names = "--seed",
            paramLabel = "S",
            defaultValue = "0",
            description = "Seed of the random starts and the folds (default: 0).")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (created if needed).")
    Path out;

    /** The default K of --objective cv. */
    static final int DEFAULT_FOLDS = 5;

    /** One candidate: its architecture and likelihood (validated), then its fit. */
    private record Candidate(Architecture arch, MarginalLikelihood ml) {}

    private record Fitted(Candidate candidate, FitResult result) {}

    /** The steps, in order: flags, inputs (every candidate checked against them), the output directory, the fits. */
    @Override
    public Integer call() {
        FitOptions options = validateFlags();
        List<Architecture> architectures = architectures();
        Matrix x = InputFiles.matrix("--x-train", xTrain);
        Matrix y = InputFiles.matrix("--y-train", yTrain);
        if (options.objective() == FitObjective.CROSS_VALIDATION && options.folds() > x.rows())
            throw new InvalidInputException(
                    "--folds",
                    "is " + options.folds() + " but there are only " + x.rows() + " training points; need 2 <= K <= n");
        List<Candidate> candidates = new ArrayList<>();
        for (Architecture a : architectures) candidates.add(new Candidate(a, MarginalLikelihood.of(a, x, y, get)));
        OutputDir dir = main.outputDir("--out", out);
        long t0 = System.nanoTime();
        List<Fitted> fits = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            Candidate c = candidates.get(i);
            FitResult r = HyperparameterFit.fit(c.ml(), options);
            if (main.verbose()) report(i, c, r);
            fits.add(new Fitted(c, r));
        }
        // ranked by the objective, best first (ties keep the order given)
        fits.sort(Comparator.comparingDouble((Fitted f) -> f.result().objectiveValue())
                .reversed());
        ParallelRegion.checkInterrupted("fit");
        Map<String, Object> json = candidate(fits.get(0), options);
        if (fits.size() > 1) {
            List<Map<String, Object>> all = new ArrayList<>();
            for (Fitted f : fits) all.add(candidate(f, options));
            json.put("candidates", all);
        }
        dir.writeJson("fit.json", json);
        dir.note(
                "evidence_model",
                fits.get(0).result().evidence().model().toString().toLowerCase(Locale.ROOT));
        summary(fits, options, dir, (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    /** Step 1: the flags alone (picocli has checked their types). */
    private FitOptions validateFlags() {
        if (folds != null && objective != FitObjective.CROSS_VALIDATION)
            throw new CommandLine.ParameterException(spec.commandLine(), "--folds needs --objective cv");
        if (restarts < 1) throw new InvalidInputException("--restarts", "must be >= 1, got " + restarts);
        FitOptions o = FitOptions.defaults().withStarts(restarts).withSeed(seed);
        // the library names "folds" (shown as --folds by the error handler) when K < 2
        return objective == FitObjective.CROSS_VALIDATION
                ? o.withCrossValidation(folds == null ? DEFAULT_FOLDS : folds)
                : o;
    }

    /** Every --arch parsed; with several, an error says which candidate it is about. */
    private List<Architecture> architectures() {
        List<Architecture> out = new ArrayList<>();
        for (int i = 0; i < archs.size(); i++) {
            try {
                out.add(ArchParser.parse(archs.get(i), parameterization));
            } catch (InvalidInputException e) {
                if (archs.size() == 1) throw e;
                String msg = e.getMessage().startsWith(e.argument() + ": ")
                        ? e.getMessage().substring(e.argument().length() + 2)
                        : e.getMessage();
                throw new InvalidInputException(
                        e.argument(), "candidate " + (i + 1) + " of " + archs.size() + ": " + msg, e);
            }
        }
        return out;
    }

    /** One candidate's entry of fit.json (the keys of docs/evidence.md §7, in that order). */
    private Map<String, Object> candidate(Fitted f, FitOptions options) {
        FitResult r = f.result();
        boolean bias = Hyperparameters.hasBias(f.candidate().arch());
        boolean cv = r.objective() == FitObjective.CROSS_VALIDATION;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("arch", r.architecture().describe());
        m.put("parameterization", parameterization.name().toLowerCase(Locale.ROOT));
        m.put("get", get.toString());
        if (cv) m.put("objective", "cv");
        m.put("noise", r.hyperparameters().noise());
        m.put("lml", r.evidence().lml());
        m.put("lml_per_point", r.evidence().lmlPerPoint());
        if (cv) m.put("cv_log_likelihood", r.cvLogLikelihood());
        m.put("gradient_norm", r.gradientNorm());
        m.put("evaluations", r.evaluations());
        List<Map<String, Object>> starts = new ArrayList<>();
        for (FitResult.Start s : r.starts()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("start", values(s.start(), bias));
            e.put("end", values(s.end(), bias));
            e.put("lml", s.lml());
            if (cv) e.put("cv_log_likelihood", s.cvLogLikelihood());
            e.put("iterations", s.evaluations());
            starts.add(e);
        }
        m.put("starts", starts);
        Map<String, Object> se = new LinkedHashMap<>();
        se.put("w_std", r.standardErrors().wStd());
        se.put("b_std", r.standardErrors().bStd());
        se.put("noise", r.standardErrors().noise());
        m.put("standard_errors", se);
        return m;
    }

    /** {w_std, b_std, noise}; b_std null when no layer has a bias (it is not a parameter then). */
    private static Map<String, Object> values(Hyperparameters h, boolean bias) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("w_std", h.wStd());
        m.put("b_std", bias ? h.bStd() : null);
        m.put("noise", h.noise());
        return m;
    }

    /** One line on stdout: the best candidate's values, and how long it took. */
    private void summary(List<Fitted> fits, FitOptions options, OutputDir dir, double seconds) {
        FitResult best = fits.get(0).result();
        Hyperparameters h = best.hyperparameters();
        String objectiveText = best.objective() == FitObjective.CROSS_VALIDATION
                ? String.format(
                        Locale.ROOT,
                        "%d-fold cv log likelihood %.6g, LML %.6g",
                        options.folds(),
                        best.cvLogLikelihood(),
                        best.evidence().lml())
                : String.format(
                        Locale.ROOT,
                        "LML %.6g (%.4g per point)",
                        best.evidence().lml(),
                        best.evidence().lmlPerPoint());
        String model = best.evidence().model() == EvidenceModel.NYSTROM
                ? " of the Nystrom model (" + best.evidence().centers() + " centers)"
                : "";
        int evaluations = 0;
        for (Fitted f : fits) evaluations += f.result().evaluations();
        main.out()
                .printf(
                        Locale.ROOT,
                        "fit: %s%s %s%s at W_std=%.5g%s noise=%.5g; %d start%s, %d evaluations in %.2f s -> %s%n",
                        fits.size() > 1 ? "best of " + fits.size() + " candidates, " : "",
                        get,
                        objectiveText,
                        model,
                        h.wStd(),
                        Hyperparameters.hasBias(fits.get(0).candidate().arch())
                                ? String.format(Locale.ROOT, " b_std=%.5g", h.bStd())
                                : "",
                        h.noise(),
                        options.starts(),
                        options.starts() == 1 ? "" : "s",
                        evaluations,
                        seconds,
                        String.join(
                                ", ", dir.written().stream().map(Path::toString).toList()));
    }

    /** With --verbose: each candidate's outcome on stderr as it finishes. */
    private void report(int index, Candidate c, FitResult r) {
        main.err()
                .printf(
                        Locale.ROOT,
                        "candidate %d: %s objective %.6g, gradient norm %.3g, %d evaluations%n",
                        index + 1,
                        r.architecture().describe(),
                        r.objectiveValue(),
                        r.gradientNorm(),
                        r.evaluations());
    }

    /** {@code --objective}. */
    static final class ObjectiveConverter implements ITypeConverter<FitObjective> {
        @Override
        public FitObjective convert(String s) {
            return switch (s.strip().toLowerCase(Locale.ROOT)) {
                case "lml" -> FitObjective.LML;
                case "cv" -> FitObjective.CROSS_VALIDATION;
                default -> throw new TypeConversionException("'" + s + "' is not one of lml, cv");
            };
        }
    }
}
