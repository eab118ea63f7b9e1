package org.ntk4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.ntk4j.arch.Architecture;
import org.ntk4j.device.Device;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.kernel.KernelOptions;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.Finite;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.parallel.ParallelRegion;
import org.ntk4j.predict.CovarianceMode;
import org.ntk4j.predict.Diagnostics;
import org.ntk4j.predict.Get;
import org.ntk4j.predict.LinearizedPrediction;
import org.ntk4j.predict.Posterior;
import org.ntk4j.predict.Predict;
import org.ntk4j.predict.PredictOptions;
import org.ntk4j.predict.PredictionData;
import org.ntk4j.predict.Regularization;
import org.ntk4j.solve.ScalablePredict;
import org.ntk4j.solve.SolveReport;
import org.ntk4j.solve.Solved;
import org.ntk4j.solve.SolverKind;
import org.ntk4j.solve.SolverOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
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
 * DIR/cov.npy (m×m) with {@code --cov full}.
 */
@Command(
        name = "predict",
        sortOptions = false,
        usageHelpAutoWidth = true,
        mixinStandardHelpOptions = true,
        description = {
            "Predict with infinite-width networks: Bayesian posteriors (nngp, ntk, ntkgp), the trained",
            "ensemble at a time T, or one linearized network from its initial outputs (--fx-train-0/--fx-test-0).",
            "Writes DIR/mean.npy (m×k) and DIR/var.npy (m, --cov diag) or DIR/cov.npy (m×m, --cov full)."
        })
public final class PredictCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Mixin
    ArchOptions archOptions;

    @Option(
            names = "--x-train",
            required = true,
            paramLabel = "X",
            description = "Training inputs (n×d), .npy or .csv.")
    Path xTrain;

    @Option(names = "--y-train", required = true, paramLabel = "Y", description = "Training targets (n×k; 1-D is n×1).")
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
            paramLabel = "T",
            description = "Training time t >= 0 (time unit of learning rate x steps); default: infinity (converged).")
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

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (created if needed).")
    Path out;

    /**
     * The steps of a run, in order: the flags are checked before any file is read, the inputs
     * before the output directory is touched, and nothing is written after an interrupt.
     */
    @Override
    public Integer call() {
        Architecture a = archOptions.architecture();
        Request request = validateFlags();
        Data in = readInputs(request.linearized());
        OutputDir dir = main.outputDir("--out", out);
        PredictOptions options = options(request.mode());
        long t0 = System.nanoTime();
        Outcome outcome;
        try (ProgressBar bar = ProgressBar.of(main, "kernels")) {
            outcome = predict(
                    a,
                    in,
                    request,
                    options.withKernelOptions(options.kernelOptions().withProgress(bar)));
            write(dir, outcome);
        }
        report(request, in, dir, outcome, (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    /** What the flags ask for: the time, the kind of prediction, the covariance and the solver. */
    private record Request(
            double t, boolean linearized, boolean posterior, CovarianceMode mode, SolverOptions solverOptions) {}

    /** The inputs, read and checked against each other; {@code f0}, {@code g0} only for a linearized network. */
    private record Data(Matrix x, Matrix y, Matrix xt, Matrix f0, Matrix g0, Matrix centers) {}

    /** A prediction ready to write: {@code cov}/{@code var} null when not requested, {@code report} null unless a posterior. */
    private record Outcome(
            Matrix mean, Matrix cov, double[] var, Diagnostics diagnostics, String what, SolveReport report) {}

    /** Step 1: the flags alone, and their combinations, before any file is read. */
    private Request validateFlags() {
        double t = parseTime(time);
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
        if (!linearized && get == Get.NTKGP && Double.isFinite(t))
            throw new InvalidInputException(
                    "--time", "there is no finite-time NTKGP; drop --time or use --get ntk or nngp");
        if (!(diagReg >= 0) || !Double.isFinite(diagReg))
            throw new InvalidInputException("--diag-reg", "must be >= 0 and finite, got " + diagReg);
        if (!(learningRate > 0) || !Double.isFinite(learningRate))
            throw new InvalidInputException("--learning-rate", "must be > 0 and finite, got " + learningRate);
        boolean posterior = !linearized && !Double.isFinite(t);
        if (!posterior && solver != SolverKind.AUTO && solver != SolverKind.EXACT)
            throw new InvalidInputException(
                    "--solver",
                    solver + " computes the t = inf posterior only; drop --time/--fx-* or use --solver exact");
        if (centerPoints != null && solver != SolverKind.NYSTROM && solver != SolverKind.FALKON)
            throw new InvalidInputException(
                    "--center-points", "gives the centers of --solver nystrom or falkon; add one of them");
        SolverOptions solverOptions = SolverOptions.defaults()
                .withSolver(solver)
                .withTolerance(checkTolerance())
                .withMaxIterations(checkCount("--max-iterations", maxIterations))
                .withCenters(checkCount("--centers", centers))
                .withSeed(seed);
        CovarianceMode mode = cov == null ? (linearized ? CovarianceMode.NONE : CovarianceMode.DIAGONAL) : cov;
        return new Request(t, linearized, posterior, mode, solverOptions);
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

    /** Step 4: the prediction the flags chose. */
    private Outcome predict(Architecture a, Data in, Request r, PredictOptions options) {
        if (r.linearized()) return linearized(a, in, r.t(), options);
        SolverOptions so =
                in.centers() == null ? r.solverOptions() : r.solverOptions().withCenterPoints(in.centers());
        return r.posterior() ? posterior(a, in, options, so) : ensemble(a, in, r.t(), options);
    }

    /** One linearized network from its initial outputs, at time t (the mean only). */
    private Outcome linearized(Architecture a, Data in, double t, PredictOptions options) {
        LinearizedPrediction p = Predict.linearized(a, in.x(), in.y(), in.xt(), in.f0(), in.g0(), get, t, options);
        return new Outcome(p.test(), null, null, p.diagnostics(), "linearized network (" + get + " kernel)", null);
    }

    /** The trained ensemble at a finite time t. */
    private Outcome ensemble(Architecture a, Data in, double t, PredictOptions options) {
        Posterior p = Predict.ensemble(a, in.x(), in.y(), in.xt(), get, new double[] {t}, options)
                .get(0);
        return new Outcome(p.mean(), p.covariance(), p.variances(), p.diagnostics(), get + " ensemble", null);
    }

    /** The t = ∞ posterior, by the solver {@code --solver} chose. */
    private Outcome posterior(Architecture a, Data in, PredictOptions options, SolverOptions solverOptions) {
        Solved solved = ScalablePredict.gpInference(a, in.x(), in.y(), in.xt(), get, options, solverOptions);
        Posterior p = solved.posterior();
        return new Outcome(
                p.mean(), p.covariance(), p.variances(), p.diagnostics(), get + " posterior", solved.report());
    }

    /** Step 5: the output files, each checked storable first; nothing when interrupted (Ctrl-C during the solves). */
    private void write(OutputDir dir, Outcome o) {
        ParallelRegion.checkInterrupted("predict");
        storable(o.mean(), o.cov(), o.var());
        dir.writeMatrix("mean.npy", o.mean(), dtype);
        if (o.cov() != null) dir.writeMatrix("cov.npy", o.cov(), dtype);
        if (o.var() != null) dir.writeVector("var.npy", o.var(), dtype);
    }

    /** Step 6: one summary line on stdout, the solver's report, and the timings with --verbose. */
    private void report(Request r, Data in, OutputDir dir, Outcome o, double seconds) {
        main.out()
                .printf(
                        Locale.ROOT,
                        "predict: %s at t=%s, %d train, %d test, %d output%s in %.2f s%s -> %s%n",
                        o.what(),
                        Double.isFinite(r.t()) ? fmt(r.t()) : "inf",
                        in.x().rows(),
                        in.xt().rows(),
                        in.y().cols(),
                        in.y().cols() == 1 ? "" : "s",
                        seconds,
                        notes(o.diagnostics()),
                        String.join(
                                ", ", dir.written().stream().map(Path::toString).toList()));
        SolveReport report = o.report();
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
        if (main.verbose()) {
            var tm = o.diagnostics().timings();
            main.err()
                    .printf(
                            Locale.ROOT,
                            "timings: kernels %.3f s, factorization %.3f s, mean %.3f s, covariance %.3f s; condition estimate %.3g%n",
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

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
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

    /** With --dtype float32 every output must fit float32 (±3.4e38): checked before anything is written. */
    private void storable(Matrix mean, Matrix cov, double[] var) {
        if (dtype != DType.FLOAT32) return;
        Finite.requireFloat32(mean, "mean");
        Finite.requireFloat32(cov, "covariance");
        if (var != null) Finite.requireFloat32(Matrix.column(var), "variances");
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
