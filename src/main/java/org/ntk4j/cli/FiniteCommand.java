package org.ntk4j.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.ntk4j.arch.Architecture;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.finite.EmpiricalKernels;
import org.ntk4j.finite.FiniteNetwork;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.Matrix;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ntk4j finite}: one actual finite-width network, initialized from a seed. Writes its
 * initial outputs {@code f0_x1.npy} (n1×k, and {@code f0_x2.npy}), its empirical {@code nngp.npy}
 * and {@code ntk.npy} (n1×n2, traced over the k outputs and divided by k, as neural-tangents) and,
 * with training data, the outputs after K full-batch gradient-descent steps on
 * L = 1/(2N)·‖f(X) − Y‖², N = n·k: {@code trained_x1.npy} (and {@code trained_x2.npy}). K steps at
 * rate η correspond to {@code predict --time K --learning-rate η}.
 */
@Command(
        name = "finite",
        sortOptions = false,
        usageHelpAutoWidth = true,
        mixinStandardHelpOptions = true,
        description = {
            "Initialize an actual finite-width network; write its outputs, its empirical NNGP/NTK and,",
            "with --x-train/--y-train/--steps, its outputs after full-batch gradient descent.",
            "Writes DIR/f0_x1.npy [f0_x2.npy], nngp.npy, ntk.npy [trained_x1.npy, trained_x2.npy] (.csv with --format csv)."
        })
final class FiniteCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Mixin
    ArchOptions archOptions;

    @Option(
            names = "--width",
            required = true,
            paramLabel = "W",
            description = "Width of every hidden Dense layer (the last Dense keeps its out_dim).")
    int width;

    @Option(names = "--seed", required = true, paramLabel = "S", description = "Seed of the initialization.")
    long seed;

    @Option(names = "--x1", required = true, paramLabel = "X1", description = "Inputs x1 (n1xd), .npy or .csv.")
    Path x1;

    @Option(names = "--x2", paramLabel = "X2", description = "Inputs x2 (n2xd); default: kernels of x1 with itself.")
    Path x2;

    @Option(names = "--x-train", paramLabel = "X", description = "Training inputs (nxd).")
    Path xTrain;

    @Option(names = "--y-train", paramLabel = "Y", description = "Training targets (nxk, or n for k = 1).")
    Path yTrain;

    @Option(names = "--steps", paramLabel = "K", description = "Number of full-batch gradient-descent steps.")
    Integer steps;

    @Option(
            names = "--learning-rate",
            paramLabel = "ETA",
            defaultValue = "1",
            description = "Learning rate of gradient descent (default: 1).")
    double learningRate;

    @Mixin
    FormatOption formatOption;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (created if needed).")
    Path out;

    @Override
    public Integer call() {
        Architecture a = archOptions.architecture();
        boolean training = checkFlags();
        Inputs in = readInputs(training);
        OutputDir dir = main.outputDir("--out", out, formatOption.format);
        long t0 = System.nanoTime();
        FiniteNetwork net = FiniteNetwork.initialize(a, in.x1().cols(), width, seed);
        checkTargets(in, net);
        writeInitial(dir, net, in);
        String trainedNote = training ? train(dir, net, in) : "";
        double seconds = (System.nanoTime() - t0) / 1e9;
        main.out()
                .printf(
                        Locale.ROOT,
                        "finite: width %d, %d parameters, %d outputs%s, in %.2f s -> %s%n",
                        width,
                        net.parameterCount(),
                        net.outputDim(),
                        trainedNote,
                        seconds,
                        String.join(
                                ", ", dir.written().stream().map(Path::toString).toList()));
        return 0;
    }

    /** The inputs, read and checked against each other; {@code xTrain}, {@code yTrain} null without training, {@code x2} when not given. */
    private record Inputs(Matrix x1, Matrix x2, Matrix xTrain, Matrix yTrain) {}

    /** Step 1: the flags alone, before any file is read; returns whether training was asked for. */
    private boolean checkFlags() {
        if (width < 1) throw new InvalidInputException("--width", "must be >= 1, got " + width);
        boolean training = xTrain != null || yTrain != null || steps != null;
        if (training && (xTrain == null || yTrain == null || steps == null))
            throw new InvalidInputException(
                    xTrain == null ? "--x-train" : yTrain == null ? "--y-train" : "--steps",
                    "training needs --x-train, --y-train and --steps together");
        if (training && steps < 0) throw new InvalidInputException("--steps", "must be >= 0, got " + steps);
        if (!Double.isFinite(learningRate) || learningRate <= 0)
            throw new InvalidInputException("--learning-rate", "must be finite and > 0, got " + learningRate);
        return training;
    }

    /** Step 2: the input files, and their shapes against each other. */
    private Inputs readInputs(boolean training) {
        Matrix m1 = InputFiles.matrix("--x1", x1);
        Matrix m2 = x2 == null ? null : InputFiles.matrix("--x2", x2);
        requireRows("--x1", m1);
        if (m2 != null) requireColumns("--x2", m2, m1.cols(), "--x1");
        Matrix mx = null, my = null;
        if (training) {
            mx = InputFiles.matrix("--x-train", xTrain);
            my = InputFiles.matrix("--y-train", yTrain);
            requireColumns("--x-train", mx, m1.cols(), "--x1");
            if (my.rows() != mx.rows())
                throw new InvalidInputException(
                        "--y-train",
                        "has " + my.rows() + " rows but --x-train has " + mx.rows()
                                + "; give one target row per training input");
        }
        return new Inputs(m1, m2, mx, my);
    }

    /** Step 3: the targets against the network, whose output count is known only once it exists. */
    private static void checkTargets(Inputs in, FiniteNetwork net) {
        if (in.yTrain() != null && in.yTrain().cols() != net.outputDim())
            throw new InvalidInputException(
                    "--y-train",
                    "has " + in.yTrain().cols() + " columns but the network has " + net.outputDim()
                            + " outputs (the last Dense layer's width)");
    }

    /** Step 4: the initial outputs and the empirical kernels. */
    private static void writeInitial(OutputDir dir, FiniteNetwork net, Inputs in) {
        dir.writeMatrix("f0_x1", net.apply(in.x1()), DType.FLOAT64);
        if (in.x2() != null) dir.writeMatrix("f0_x2", net.apply(in.x2()), DType.FLOAT64);
        EmpiricalKernels k = net.kernels(in.x1(), in.x2());
        dir.writeMatrix("nngp", k.nngp(), DType.FLOAT64);
        dir.writeMatrix("ntk", k.ntk(), DType.FLOAT64);
    }

    /**
     * Step 5: gradient descent and the trained outputs; returns the note for the summary line. The
     * library's {@code learningRate} errors (divergence) reach the user as {@code --learning-rate}
     * through {@link ErrorHandler#inCommandTerms}.
     */
    private String train(OutputDir dir, FiniteNetwork net, Inputs in) {
        double loss0 = net.loss(in.xTrain(), in.yTrain());
        FiniteNetwork trained;
        try (ProgressBar bar = ProgressBar.of(main, "train")) {
            trained = net.train(in.xTrain(), in.yTrain(), steps, learningRate, bar);
        }
        dir.writeMatrix("trained_x1", trained.apply(in.x1()), DType.FLOAT64);
        if (in.x2() != null) dir.writeMatrix("trained_x2", trained.apply(in.x2()), DType.FLOAT64);
        return String.format(
                Locale.ROOT,
                "; %d steps at rate %s: loss %.6g -> %.6g",
                steps,
                learningRate,
                loss0,
                trained.loss(in.xTrain(), in.yTrain()));
    }

    private static void requireRows(String flag, Matrix m) {
        if (m.rows() == 0 || m.cols() == 0)
            throw new InvalidInputException(
                    flag, "is empty (" + m.rows() + "x" + m.cols() + "); give at least one row and one feature");
    }

    private static void requireColumns(String flag, Matrix m, int cols, String other) {
        requireRows(flag, m);
        if (m.cols() != cols)
            throw new InvalidInputException(
                    flag,
                    "has " + m.cols() + " features (columns) but " + other + " has " + cols
                            + "; all inputs must have the same number of columns");
    }
}
