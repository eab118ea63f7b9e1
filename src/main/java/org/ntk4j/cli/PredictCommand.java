package org.ntk4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.Parameterization;
import org.ntk4j.arch.text.ArchParser;
import org.ntk4j.device.Device;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.kernel.KernelOptions;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.parallel.ParallelRegion;
import org.ntk4j.predict.CovarianceMode;
import org.ntk4j.predict.Diagnostics;
import org.ntk4j.predict.FittedPosterior;
import org.ntk4j.predict.Get;
import org.ntk4j.predict.Posterior;
import org.ntk4j.predict.Predict;
import org.ntk4j.predict.PredictOptions;
import org.ntk4j.predict.PredictionData;
import org.ntk4j.predict.Regularization;
import org.ntk4j.predict.Timings;
import org.ntk4j.solve.ScalablePredict;
import org.ntk4j.solve.SolveReport;
import org.ntk4j.solve.Solved;
import org.ntk4j.solve.SolverKind;
import org.ntk4j.solve.SolverOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code ntk4j predict}: infinite-width predictions (docs/prediction.md).
 * <ul>
 *   <li>no {@code --time}, no {@code --fx-*}: the t = ∞ posterior of {@code --get} (gp_inference);</li>
 *   <li>{@code --time T} with nngp/ntk: the trained ensemble at time T;</li>
 *   <li>{@code --fx-train-0} and {@code --fx-test-0}: one linearized network (NTK, or NNGP with
 *       {@code --get nngp}), t = ∞ unless {@code --time}; writes the mean only.</li>
 * </ul>
 * Writes DIR/mean.npy (m×k), and DIR/var.npy (m) with {@code --cov diag} (the default) or
 * DIR/cov.npy (m×m) with {@code --cov full} ({@link PredictionFiles}); {@code --time T1,T2,...}
 * writes one such set per time, {@code mean_t=<T>.npy} etc., from one kernel computation and one
 * decomposition; {@code --format csv} writes .csv files instead.
 * {@code --save-model MDIR} also saves the fitted t = ∞ posterior, and {@code --model MDIR} predicts
 * from it without refactoring, bit for bit as one run would (docs/saved-models.md).
 */
@Command(
        name = "predict",
        sortOptions = false,
        usageHelpAutoWidth = true,
        mixinStandardHelpOptions = true,
        description = {
            "Predict with infinite-width networks: Bayesian posteriors (nngp, ntk, ntkgp), the trained",
            "ensemble at a time T, or one linearized network from its initial outputs (--fx-train-0/--fx-test-0).",
            "Writes DIR/mean.npy (m×k) and DIR/var.npy (m, --cov diag) or DIR/cov.npy (m×m, --cov full);",
            "with several times (--time T1,T2,...) DIR/mean_t=<T>.npy etc. per time; .csv with --format csv.",
            "--save-model MDIR saves the fitted t = inf posterior; --model MDIR predicts from it (no --arch, --x-train, --y-train)."
        })
public final class PredictCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Mixin
    ModelArchOptions archOptions;

    @Option(
            names = "--x-train",
            paramLabel = "X",
            description = "Training inputs (n×d), .npy or .csv (required unless --model).")
    Path xTrain;

    @Option(
            names = "--y-train",
            paramLabel = "Y",
            description = "Training targets (n×k; 1-D is n×1; required unless --model).")
    Path yTrain;

    @Option(names = "--x-test", required = true, paramLabel = "XT", description = "Test inputs (m×d).")
    Path xTest;

    @Option(
            names = "--get",
            paramLabel = "ntk|nngp|ntkgp",
            defaultValue = "ntk",
            converter = GetConverter.class,
            description =
                    "Posterior: ntk (trained ensemble, default), nngp (Bayesian NNGP), ntkgp (GP with the NTK prior).")
    Get get;

    @Option(
            names = "--time",
            paramLabel = "T[,T...]",
            description = {
                "Training time t >= 0 (time unit of learning rate x steps), or inf; default: inf (converged).",
                "Several, comma-separated, write DIR/mean_t=<T>.npy etc. per time, from one decomposition."
            })
    String time;

    @Option(
            names = "--learning-rate",
            paramLabel = "ETA",
            defaultValue = "1",
            description = "Learning rate; the dynamics use eta*t (default: 1).")
    double learningRate;

    @Option(
            names = "--diag-reg",
            paramLabel = "LAMBDA",
            defaultValue = "0",
            description = "Ridge regularizer on the inverted kernel, relative to its mean diagonal (default: 0).")
    double diagReg;

    @Option(names = "--diag-reg-absolute", description = "--diag-reg is the absolute lambda, not relative.")
    boolean diagRegAbsolute;

    @Option(
            names = "--cov",
            paramLabel = "full|diag|none",
            converter = CovConverter.class,
            description = "Covariance to write: full (cov.npy), diag (var.npy, default), none.")
    CovarianceMode cov;

    @Option(names = "--fx-train-0", paramLabel = "F", description = "Initial outputs of one network on x-train (n×k).")
    Path fxTrain0;

    @Option(
            names = "--fx-test-0",
            paramLabel = "G",
            description = "Initial outputs of the same network on x-test (m×k).")
    Path fxTest0;

    @Option(
            names = "--dtype",
            paramLabel = "float64|float32",
            defaultValue = "float64",
            converter = Choices.DTypeConverter.class,
            description = "Precision of kernels and outputs (default: float64; solves are float64).")
    DType dtype;

    @Option(
            names = "--device",
            paramLabel = "auto|cpu|gpu",
            defaultValue = "auto",
            converter = Choices.DeviceConverter.class,
            description = "Where to compute (default: auto).")
    Device device;

    @Option(
            names = "--solver",
            paramLabel = "auto|exact|cg|nystrom|falkon",
            defaultValue = "auto",
            converter = SolverConverter.class,
            description = {
                "Solver of the t = inf posterior (default: auto = exact while it fits and is fast, cg beyond,",
                "nystrom beyond the memory for cg); falkon: the nystrom model by preconditioned CG, for large",
                "--centers (docs/falkon.md); cg, nystrom and falkon need --diag-reg > 0."
            })
    SolverKind solver;

    @Option(
            names = "--tolerance",
            paramLabel = "TOL",
            defaultValue = "1e-6",
            description = {
                "Relative accuracy asked of --solver cg and falkon, in (0, 1) (default: 1e-6); they stop at a",
                "relative residual of TOL/10."
            })
    double tolerance;

    @Option(
            names = "--max-iterations",
            paramLabel = "K",
            description =
                    "Iteration cap of --solver cg and falkon (default: min(n, 2000) for cg, min(M, 2000) for falkon).")
    Integer maxIterations;

    @Option(
            names = "--centers",
            paramLabel = "M",
            description =
                    "Centers of --solver nystrom and falkon, 1 <= M <= n, drawn from the training rows (default: min(n, 2000)).")
    Integer centers;

    @Option(
            names = "--seed",
            paramLabel = "S",
            defaultValue = "0",
            description = "Seed of the centers' draw (default: 0); docs/falkon.md gives the algorithm.")
    long seed;

    @Option(
            names = "--center-points",
            paramLabel = "C",
            description = "The centers themselves (M×d, .npy or .csv) instead of --centers.")
    Path centerPoints;

    @Mixin
    FormatOption formatOption;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (created if needed).")
    Path out;

    @Option(
            names = "--save-model",
            paramLabel = "MDIR",
            description = "Also save the fitted t = inf posterior (exact solver) to directory MDIR, for --model.")
    Path saveModel;

    @Option(
            names = "--model",
            paramLabel = "MDIR",
            description =
                    "Predict from a model saved with --save-model, without refactoring (no --arch, --x-train, --y-train).")
    Path model;

    /**
     * The steps of a run, in order: the flags are checked before any file is read, the inputs
     * before the output directory is touched, and nothing is written after an interrupt.
     */
    @Override
    public Integer call() {
        if (model != null) return predictFromModel();
        requireTrainingFlags();
        Architecture a = archOptions.architecture();
        Request request = validateFlags();
        Data in = readInputs(request.linearized());
        OutputDir dir = main.outputDir("--out", out, formatOption.format);
        if (saveModel != null) FittedPosterior.requireSavable(saveModel); // before the long fit
        PredictOptions options = options(request.mode());
        long t0 = System.nanoTime();
        List<Outcome> outcomes;
        try (ProgressBar bar = ProgressBar.of(main, "kernels")) {
            outcomes = predict(
                    a,
                    in,
                    request,
                    options.withKernelOptions(options.kernelOptions().withProgress(bar)));
            PredictionFiles.write(dir, outcomes.stream().map(Outcome::files).toList(), dtype);
        }
        report(request, in, dir, outcomes, (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    /**
     * What the flags ask for: the times (in the order given, distinct), the kind of prediction, the
     * covariance and the solver.
     */
    private record Request(double[] times, boolean linearized, CovarianceMode mode, SolverOptions solverOptions) {
        /** Whether a time is t = ∞ without {@code --fx-*}: the posterior of {@code --get}, by {@code --solver}. */
        boolean posterior(double t) {
            return !linearized && t == Double.POSITIVE_INFINITY;
        }
    }

    /** The inputs, read and checked against each other; {@code f0}, {@code g0} only for a linearized network. */
    private record Data(Matrix x, Matrix y, Matrix xt, Matrix f0, Matrix g0, Matrix centers) {}

    /** A prediction at time t ready to write: {@code cov}/{@code var} null when not requested, {@code report} null unless a posterior. */
    private record Outcome(
            double t, Matrix mean, Matrix cov, double[] var, Diagnostics diagnostics, String what, SolveReport report) {
        PredictionFiles.AtTime files() {
            return new PredictionFiles.AtTime(t, mean, cov, var);
        }
    }

    /** Step 1: the flags alone, and their combinations, before any file is read. */
    private Request validateFlags() {
        double[] times = parseTimes(time);
        boolean linearized = fxTrain0 != null || fxTest0 != null;
        if (linearized && (fxTrain0 == null || fxTest0 == null))
            throw new InvalidInputException(
                    fxTrain0 == null ? "--fx-train-0" : "--fx-test-0",
                    "is required together with " + (fxTrain0 == null ? "--fx-test-0" : "--fx-train-0")
                            + " (one linearized network needs both)");
        if (linearized && cov != null && cov != CovarianceMode.NONE)
            throw new InvalidInputException(
                    "--cov", "one linearized network has no covariance; drop --cov or use --cov none");
        if (linearized && get == Get.NTKGP)
            throw new InvalidInputException(
                    "--get", "a linearized network trains with the ntk (or nngp) kernel; ntkgp is a posterior");
        if (!linearized && get == Get.NTKGP && Arrays.stream(times).anyMatch(Double::isFinite))
            throw new InvalidInputException(
                    "--time", "there is no finite-time NTKGP; drop --time or use --get ntk or nngp");
        if (!(diagReg >= 0) || !Double.isFinite(diagReg))
            throw new InvalidInputException("--diag-reg", "must be >= 0 and finite, got " + diagReg);
        if (!(learningRate > 0) || !Double.isFinite(learningRate))
            throw new InvalidInputException("--learning-rate", "must be > 0 and finite, got " + learningRate);
        boolean posteriorOnly = !linearized && Arrays.stream(times).noneMatch(Double::isFinite);
        if (!posteriorOnly && solver != SolverKind.AUTO && solver != SolverKind.EXACT)
            throw new InvalidInputException(
                    "--solver",
                    solver + " computes the t = inf posterior only; drop --time/--fx-* or use --solver exact");
        if (centerPoints != null && solver != SolverKind.NYSTROM && solver != SolverKind.FALKON)
            throw new InvalidInputException(
                    "--center-points", "gives the centers of --solver nystrom or falkon; add one of them");
        if (saveModel != null && !posteriorOnly)
            throw new InvalidInputException(
                    "--save-model", "saves the t = inf posterior only; drop --time and --fx-train-0/--fx-test-0");
        if (saveModel != null && solver != SolverKind.AUTO && solver != SolverKind.EXACT)
            throw new InvalidInputException(
                    "--save-model", "saves the exact solver's Cholesky factor; use --solver exact (or auto)");
        SolverOptions solverOptions = SolverOptions.defaults()
                .withSolver(solver)
                .withTolerance(checkTolerance())
                .withMaxIterations(checkCount("--max-iterations", maxIterations))
                .withCenters(checkCount("--centers", centers))
                .withSeed(seed);
        CovarianceMode mode = cov == null ? (linearized ? CovarianceMode.NONE : CovarianceMode.DIAGONAL) : cov;
        return new Request(times, linearized, mode, solverOptions);
    }

    /** {@code --tolerance}: in (0, 1). */
    private double checkTolerance() {
        if (!(tolerance > 0 && tolerance < 1))
            throw new InvalidInputException("--tolerance", "must be in (0, 1), got " + tolerance + "; e.g. 1e-6");
        return tolerance;
    }

    /** A count flag: absent is 0 (automatic), given must be >= 1; the centers' flags are checked together. */
    private int checkCount(String flag, Integer value) {
        if (flag.equals("--centers") && value != null && centerPoints != null)
            throw new InvalidInputException(
                    "--center-points", "and --centers are exclusive: give the centers' count or the centers, not both");
        if (value == null) return 0;
        if (value < 1) throw new InvalidInputException(flag, "must be >= 1, got " + value);
        return value;
    }

    /** Step 2: the input files, and their shapes against each other. */
    private Data readInputs(boolean linearized) {
        Matrix x = InputFiles.matrix("--x-train", xTrain);
        Matrix y = InputFiles.matrix("--y-train", yTrain);
        Matrix xt = InputFiles.matrix("--x-test", xTest);
        Matrix f0 = linearized ? InputFiles.matrix("--fx-train-0", fxTrain0) : null;
        Matrix g0 = linearized ? InputFiles.matrix("--fx-test-0", fxTest0) : null;
        PredictionData.check(x, y, xt, true); // library names, shown as flags by the error handler
        PredictionData.checkInitialOutputs(f0, g0, y, xt);
        Matrix c = centerPoints == null ? null : InputFiles.matrix("--center-points", centerPoints);
        if (c != null && c.cols() != x.cols())
            throw new InvalidInputException(
                    "--center-points",
                    "has " + c.cols() + " columns but --x-train has " + x.cols()
                            + "; give centers of the inputs' dimension");
        return new Data(x, y, xt, f0, g0, c);
    }

    /** Step 3: the library's options from the flags (the progress bar is added while it runs). */
    private PredictOptions options(CovarianceMode mode) {
        return PredictOptions.defaults()
                .withRegularization(new Regularization(diagReg, diagRegAbsolute))
                .withLearningRate(learningRate)
                .withCovariance(mode)
                .withKernelOptions(KernelOptions.defaults().withDtype(dtype).withDevice(device));
    }

    /**
     * Step 4: the predictions the flags chose, one per time in the order given. A linearized network
     * predicts every time from one kernel computation; without {@code --fx-*} the finite times share
     * one ensemble (one kernel computation, one eigendecomposition), and t = ∞ is the posterior by
     * {@code --solver}, computed as a run with {@code --time inf} alone computes it (so each file is
     * bit for bit that of a single-time run; the kernels are then computed a second time).
     */
    private List<Outcome> predict(Architecture a, Data in, Request r, PredictOptions options) {
        if (r.linearized()) return linearized(a, in, r.times(), options);
        SolverOptions so =
                in.centers() == null ? r.solverOptions() : r.solverOptions().withCenterPoints(in.centers());
        double[] finite = Arrays.stream(r.times()).filter(Double::isFinite).toArray();
        Map<Double, Outcome> byTime = new HashMap<>();
        if (finite.length > 0) for (Outcome o : ensemble(a, in, finite, options)) byTime.put(o.t(), o);
        for (double t : r.times()) if (r.posterior(t)) byTime.put(t, posterior(a, in, options, so));
        return Arrays.stream(r.times()).mapToObj(byTime::get).toList();
    }

    /** One linearized network from its initial outputs, at each time (the mean only). */
    private List<Outcome> linearized(Architecture a, Data in, double[] times, PredictOptions options) {
        return Predict.linearized(a, in.x(), in.y(), in.xt(), in.f0(), in.g0(), get, times, options).stream()
                .map(p -> new Outcome(
                        p.time(),
                        p.test(),
                        null,
                        null,
                        p.diagnostics(),
                        "linearized network (" + get + " kernel)",
                        null))
                .toList();
    }

    /** The trained ensemble at finite times. */
    private List<Outcome> ensemble(Architecture a, Data in, double[] times, PredictOptions options) {
        List<Posterior> ps = Predict.ensemble(a, in.x(), in.y(), in.xt(), get, times, options);
        List<Outcome> out = new ArrayList<>(ps.size());
        for (int i = 0; i < times.length; i++) {
            Posterior p = ps.get(i);
            out.add(new Outcome(
                    times[i], p.mean(), p.covariance(), p.variances(), p.diagnostics(), get + " ensemble", null));
        }
        return out;
    }

    /** The t = ∞ posterior, by the solver {@code --solver} chose (exact and saved with {@code --save-model}). */
    private Outcome posterior(Architecture a, Data in, PredictOptions options, SolverOptions solverOptions) {
        if (saveModel != null) return fitAndSave(a, in, options);
        Solved solved = ScalablePredict.gpInference(a, in.x(), in.y(), in.xt(), get, options, solverOptions);
        Posterior p = solved.posterior();
        return new Outcome(
                Double.POSITIVE_INFINITY,
                p.mean(),
                p.covariance(),
                p.variances(),
                p.diagnostics(),
                get + " posterior",
                solved.report());
    }

    /**
     * {@code --save-model}: the exact posterior fitted once ({@link FittedPosterior}, the same
     * computation as the exact solver's), its prediction at the test points, and the model saved.
     */
    private Outcome fitAndSave(Architecture a, Data in, PredictOptions options) {
        long t0 = System.nanoTime();
        try (FittedPosterior f = FittedPosterior.fit(a, in.x(), in.y(), get, options)) {
            Posterior p = f.predict(in.xt(), options.covariance(), options.kernelOptions());
            ParallelRegion.checkInterrupted("predict");
            f.save(saveModel);
            SolveReport report = SolveReport.builder(SolverKind.EXACT, "--save-model saves the exact factor")
                    .build(System.nanoTime() - t0);
            Timings fit = f.fitTimings(), test = p.diagnostics().timings(); // the run did both
            Diagnostics d = p.diagnostics()
                    .withTimings(new Timings(
                            fit.kernelNanos() + test.kernelNanos(),
                            fit.factorNanos() + test.factorNanos(),
                            test.meanNanos(),
                            test.covarianceNanos()));
            return new Outcome(
                    Double.POSITIVE_INFINITY, p.mean(), p.covariance(), p.variances(), d, get + " posterior", report);
        }
    }

    /**
     * {@code --model}: the saved posterior at {@code --x-test}, written and reported as one run's
     * (the same output files, the same summary line).
     */
    private Integer predictFromModel() {
        rejectFlagsTheModelFixes();
        Matrix xt = InputFiles.matrix("--x-test", xTest);
        OutputDir dir = main.outputDir("--out", out, formatOption.format);
        long t0 = System.nanoTime();
        CovarianceMode mode = cov == null ? CovarianceMode.DIAGONAL : cov;
        Outcome outcome;
        Data in;
        try (FittedPosterior f = FittedPosterior.load(model);
                ProgressBar bar = ProgressBar.of(main, "kernels")) {
            if (given("--dtype") && dtype != f.dtype())
                throw new InvalidInputException(
                        "--dtype",
                        "the model was fitted in " + f.dtype().name().toLowerCase(Locale.ROOT)
                                + "; drop --dtype (outputs follow the model's precision)");
            dtype = f.dtype(); // the outputs' precision, as the run that saved the model wrote them
            in = new Data(f.xTrain(), f.yTrain(), xt, null, null, null);
            KernelOptions k = KernelOptions.defaults()
                    .withDtype(f.dtype())
                    .withDevice(device)
                    .withProgress(bar);
            Posterior p = f.predict(xt, mode, k);
            outcome = new Outcome(
                    Double.POSITIVE_INFINITY,
                    p.mean(),
                    p.covariance(),
                    p.variances(),
                    p.diagnostics(),
                    f.get() + " posterior (saved model)",
                    null);
            PredictionFiles.write(dir, List.of(outcome.files()), dtype);
        }
        dir.note("model", model.toString());
        report(
                new Request(new double[] {Double.POSITIVE_INFINITY}, false, mode, null),
                in,
                dir,
                List.of(outcome),
                (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    /** The flags a saved model fixes (its architecture, data, posterior and solver): each is an error with {@code --model}. */
    private void rejectFlagsTheModelFixes() {
        for (String flag : List.of(
                "--arch",
                "--parameterization",
                "--x-train",
                "--y-train",
                "--get",
                "--learning-rate",
                "--diag-reg",
                "--diag-reg-absolute",
                "--fx-train-0",
                "--fx-test-0",
                "--solver",
                "--tolerance",
                "--max-iterations",
                "--centers",
                "--seed",
                "--center-points",
                "--save-model"))
            if (given(flag))
                throw new InvalidInputException(
                        flag, "contradicts --model: the saved model fixes it (drop it, or fit anew without --model)");
        if (given("--time") && Arrays.stream(parseTimes(time)).anyMatch(Double::isFinite))
            throw new InvalidInputException(
                    "--time", "a saved model is the t = inf posterior; drop --time (or fit anew without --model)");
    }

    /** Without {@code --model}, what picocli would require: the same usage error (exit 2) as a missing required flag. */
    private void requireTrainingFlags() {
        List<String> missing = new ArrayList<>();
        if (archOptions.arch == null) missing.add("'--arch=ARCH'");
        if (xTrain == null) missing.add("'--x-train=X'");
        if (yTrain == null) missing.add("'--y-train=Y'");
        if (!missing.isEmpty())
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "Missing required option" + (missing.size() == 1 ? "" : "s") + ": " + String.join(", ", missing)
                            + " (or --model MDIR)");
    }

    private boolean given(String flag) {
        return spec.commandLine().getParseResult().hasMatchedOption(flag);
    }

    /**
     * Step 6: one summary line on stdout, the solver's report, and the timings with --verbose. With
     * several times: what was computed at each ("ntk ensemble at t=1,10; ntk posterior at t=inf").
     */
    private void report(Request r, Data in, OutputDir dir, List<Outcome> outcomes, double seconds) {
        Map<String, List<String>> timesByWhat = new LinkedHashMap<>();
        for (Outcome o : outcomes)
            timesByWhat.computeIfAbsent(o.what(), w -> new ArrayList<>()).add(PredictionFiles.time(o.t()));
        List<String> what = new ArrayList<>();
        timesByWhat.forEach((w, ts) -> what.add(w + " at t=" + String.join(",", ts)));
        List<String> notes = new ArrayList<>();
        for (Outcome o : outcomes) {
            String n = notes(o.diagnostics());
            if (!n.isEmpty() && !notes.contains(n)) notes.add(n);
        }
        main.out()
                .printf(
                        Locale.ROOT,
                        "predict: %s, %d train, %d test, %d output%s in %.2f s%s -> %s%n",
                        String.join("; ", what),
                        in.x().rows(),
                        in.xt().rows(),
                        in.y().cols(),
                        in.y().cols() == 1 ? "" : "s",
                        seconds,
                        String.join("", notes),
                        String.join(
                                ", ", dir.written().stream().map(Path::toString).toList()));
        SolveReport report = outcomes.stream()
                .map(Outcome::report)
                .filter(java.util.Objects::nonNull)
                .findFirst()
                .orElse(null);
        if (report != null) {
            dir.note("solver", report.solver().toString());
            dir.note("solve_device", report.device().name().toLowerCase(Locale.ROOT));
            dir.note("solver_reason", report.reason());
            if (report.centers() > 0) dir.note("solver_centers", Integer.toString(report.centers()));
            if (report.solver() == SolverKind.CG || report.solver() == SolverKind.FALKON) {
                dir.note("solver_iterations", Integer.toString(report.iterations()));
                dir.note("solver_residual", Double.toString(report.maxRelativeResidual()));
                dir.note("solver_stop", report.stoppingRule());
            }
        }
        // an approximate solver, or a solve on the GPU, is worth a line; the default exact CPU solve is not
        if (report != null && (report.solver() != SolverKind.EXACT || report.device() == Device.GPU))
            main.out().println(report.summary());
        else if (report != null && main.verbose()) main.err().println(report.summary());
        if (main.verbose())
            for (Outcome o : outcomes) {
                var tm = o.diagnostics().timings();
                main.err()
                        .printf(
                                Locale.ROOT,
                                "timings%s: kernels %.3f s, factorization %.3f s, mean %.3f s, covariance %.3f s; condition estimate %.3g%n",
                                outcomes.size() > 1 ? " at t=" + PredictionFiles.time(o.t()) : "",
                                tm.kernelNanos() / 1e9,
                                tm.factorNanos() / 1e9,
                                tm.meanNanos() / 1e9,
                                tm.covarianceNanos() / 1e9,
                                o.diagnostics().conditionEstimate());
            }
    }

    /** Numerical remarks worth a user's attention (jitter, clamping), in parentheses. */
    private static String notes(Diagnostics d) {
        List<String> n = new ArrayList<>();
        if (d.jitter().applied())
            n.add(String.format(
                    Locale.ROOT,
                    "jitter %.3g x mean diagonal added: %s",
                    d.jitter().relative(),
                    d.jitter().reason()));
        if (d.negativeVariancesClamped() > 0) n.add(d.negativeVariancesClamped() + " negative variances clamped to 0");
        if (d.negativeEigenvaluesClamped() > 0)
            n.add(d.negativeEigenvaluesClamped() + " negative kernel eigenvalues clamped to 0");
        return n.isEmpty() ? "" : " (" + String.join("; ", n) + ")";
    }

    /**
     * {@code --time}: one time, or several separated by commas, each a number >= 0 or inf; a time given
     * twice is an error (its files would be written twice). Null (no flag): t = ∞.
     */
    static double[] parseTimes(String s) {
        if (s == null) return new double[] {Double.POSITIVE_INFINITY};
        String[] parts = s.split(",", -1);
        double[] ts = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].isBlank())
                throw new InvalidInputException(
                        "--time",
                        "'" + s + "' has an empty entry; give times separated by single commas, e.g. 1,10,inf");
            ts[i] = parseTime(parts[i]);
            for (int j = 0; j < i; j++)
                if (ts[j] == ts[i])
                    throw new InvalidInputException(
                            "--time", "t=" + PredictionFiles.time(ts[i]) + " is given twice; give each time once");
        }
        return ts;
    }

    static double parseTime(String s) {
        if (s == null) return Double.POSITIVE_INFINITY;
        String v = s.strip().toLowerCase(Locale.ROOT);
        if (v.equals("inf") || v.equals("infinity")) return Double.POSITIVE_INFINITY;
        double t;
        try {
            t = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new InvalidInputException("--time", "'" + s + "' is not a number (give t >= 0, or inf)");
        }
        if (!(t >= 0)) throw new InvalidInputException("--time", "must be >= 0, got " + s);
        return t;
    }

    /**
     * {@code --arch} and {@code --parameterization} as {@link ArchOptions} has them, optional here:
     * {@code --model} takes their place (without it, {@link #requireTrainingFlags} requires {@code --arch}).
     */
    static final class ModelArchOptions {
        @Option(
                names = "--arch",
                paramLabel = "ARCH",
                description =
                        "Architecture, e.g. 'Dense(512,W_std=1.5,b_std=0.1)->Relu->Dense(1,W_std=1.5,b_std=0.1)'.")
        String arch;

        @Option(
                names = "--parameterization",
                paramLabel = "ntk|standard",
                defaultValue = "ntk",
                converter = Choices.ParameterizationConverter.class,
                description = "Dense-layer parameterization (default: ntk).")
        Parameterization parameterization;

        /** The parsed architecture (see {@link ArchOptions#architecture()}). */
        Architecture architecture() {
            return ArchParser.parse(arch, parameterization);
        }
    }

    /** {@code --get}. */
    static final class GetConverter implements ITypeConverter<Get> {
        @Override
        public Get convert(String s) {
            try {
                return Get.parse(s);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + s + "' is not one of ntk, nngp, ntkgp");
            }
        }
    }

    /** {@code --solver}. */
    static final class SolverConverter implements ITypeConverter<SolverKind> {
        @Override
        public SolverKind convert(String s) {
            try {
                return SolverKind.parse(s);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + s + "' is not one of auto, exact, cg, nystrom, falkon");
            }
        }
    }

    /** {@code --cov}. */
    static final class CovConverter implements ITypeConverter<CovarianceMode> {
        @Override
        public CovarianceMode convert(String s) {
            try {
                return CovarianceMode.parse(s);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + s + "' is not one of full, diag, none");
            }
        }
    }
}
