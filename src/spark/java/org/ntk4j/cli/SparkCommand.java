package org.ntk4j.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.DType;
import org.ntk4j.predict.CovarianceMode;
import org.ntk4j.predict.Get;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ntk4j spark}: the Nyström posterior of {@code predict --solver nystrom} fitted with Apache Spark
 * ({@link org.ntk4j.spark.NtkRegression}), on a local master or a standalone cluster. Writes DIR/mean.npy
 * (m×k) and DIR/var.npy (m) with the meaning {@code predict} gives them. This class holds the flags only
 * and never touches Spark, so that listing the commands does not need Spark's jars; {@link SparkRun} does
 * the work.
 */
@Command(
        name = "spark",
        sortOptions = false,
        usageHelpAutoWidth = true,
        mixinStandardHelpOptions = true,
        description = {
            "Fit the Nystrom NNGP/NTK posterior with Apache Spark (local or a cluster) and predict.",
            "Writes DIR/mean.npy (m x k) and DIR/var.npy (m), as predict --solver nystrom does."
        })
final class SparkCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Mixin
    ArchOptions archOptions;

    @Option(
            names = "--master",
            paramLabel = "URL",
            defaultValue = "local[*]",
            description = "Spark master: local[*] (default), local[N] or spark://HOST:PORT.")
    String master;

    @Option(
            names = "--x-train",
            required = true,
            paramLabel = "X",
            description = "Training inputs: .npy or .csv (n x d), or Parquet (a 'features' array column and a"
                    + " 'label' column; rows in file order).")
    Path xTrain;

    @Option(
            names = "--y-train",
            paramLabel = "Y",
            description = "Training targets (.npy or .csv, n x k); not with a Parquet --x-train (its 'label').")
    Path yTrain;

    @Option(
            names = "--x-test",
            required = true,
            paramLabel = "XT",
            description = "Test inputs: .npy, .csv, or Parquet (a 'features' column).")
    Path xTest;

    @Option(
            names = "--get",
            paramLabel = "ntk|nngp|ntkgp",
            defaultValue = "ntk",
            converter = PredictCommand.GetConverter.class,
            description = "Posterior: ntk (default), nngp or ntkgp, as in predict.")
    Get get;

    @Option(
            names = "--diag-reg",
            paramLabel = "LAMBDA",
            defaultValue = "1e-4",
            description = "Ridge regularizer, relative to the kernel's mean diagonal (default: 1e-4; must be > 0).")
    double diagReg;

    @Option(names = "--diag-reg-absolute", description = "--diag-reg is the absolute lambda, not relative.")
    boolean diagRegAbsolute;

    @Option(
            names = "--centers",
            paramLabel = "M",
            defaultValue = "0",
            description = "Nystrom centers drawn from the training rows (default: min(n, 2000)).")
    int centers;

    @Option(
            names = "--seed",
            paramLabel = "S",
            defaultValue = "0",
            description = "Seed of the center indices (java.util.Random, partial Fisher-Yates; default 0).")
    long seed;

    @Option(
            names = "--center-points",
            paramLabel = "C",
            description = "The centers themselves (.npy or .csv, M x d), instead of --centers/--seed.")
    Path centerPoints;

    @Option(
            names = "--solver",
            paramLabel = "nystrom|falkon",
            defaultValue = "nystrom",
            description = "nystrom (default; the M x M system solved directly) or falkon (preconditioned CG on the same"
                    + " model: one pass over the cached training rows per iteration, no O(n M^2) solve).")
    String solver;

    @Option(
            names = "--tolerance",
            paramLabel = "T",
            defaultValue = "1e-6",
            description = "Relative residual at which falkon stops (as predict's; default 1e-6).")
    double tolerance;

    @Option(
            names = "--max-iterations",
            paramLabel = "K",
            defaultValue = "100",
            description = "Falkon's iteration cap (default 100).")
    int maxIterations;

    @Option(
            names = "--cov",
            paramLabel = "diag|none",
            defaultValue = "diag",
            converter = PredictCommand.CovConverter.class,
            description = "diag (default): var.npy beside mean.npy; none: the mean only (falkon then skips the"
                    + " variances' pass over the rows).")
    CovarianceMode cov;

    @Option(
            names = "--partitions",
            paramLabel = "P",
            defaultValue = "0",
            description = "Partitions of the training set (default: 2 x the master's cores).")
    int partitions;

    @Mixin
    FormatOption formatOption;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (created if needed).")
    Path out;

    /** flags → inputs and output directory (in SparkRun) → fit and predict on Spark → mean.npy, var.npy → summary. */
    @Override
    public Integer call() {
        validateFlags();
        long t0 = System.nanoTime();
        SparkRun.Result r = SparkRun.run(this);
        OutputDir dir = r.dir();
        dir.writeMatrix("mean", r.mean(), DType.FLOAT64);
        if (r.variances() != null) dir.writeVector("var", r.variances(), DType.FLOAT64);
        dir.note("solver", solver);
        dir.note("master", master);
        if (solver.equals("falkon")) { // the names predict writes for its iterative solvers
            dir.note("solver_iterations", Integer.toString(r.fit().iterations()));
            dir.note("solver_residual", Double.toString(r.fit().residual()));
            dir.note("solver_stop", r.fit().stoppingRule());
        }
        main.out()
                .printf(
                        Locale.ROOT,
                        "spark: %s posterior (%s, %d centers, lambda %.3g), %d train, %d test, %d partitions on %s"
                                + " in %.2f s -> %s%n",
                        get,
                        solver.equals("falkon")
                                ? String.format(
                                        Locale.ROOT,
                                        "falkon, %d iterations, residual %.2g, stopped by %s",
                                        r.fit().iterations(),
                                        r.fit().residual(),
                                        r.fit().stoppingRule())
                                : solver,
                        r.centers(),
                        r.lambda(),
                        r.trainRows(),
                        r.mean().rows(),
                        r.partitions(),
                        master,
                        (System.nanoTime() - t0) / 1e9,
                        String.join(
                                ", ", dir.written().stream().map(Path::toString).toList()));
        return 0;
    }

    /** The flags alone, before any file is read or Spark started. */
    private void validateFlags() {
        if (!master.matches("local(\\[(\\*|[1-9][0-9]*)\\])?|spark://[^\\s/]+:[0-9]+"))
            throw new InvalidInputException(
                    "--master", "must be local[*], local[N] or spark://HOST:PORT, got " + master);
        if (!(diagReg > 0) || !Double.isFinite(diagReg))
            throw new InvalidInputException(
                    "--diag-reg", "must be > 0 and finite for the nystrom model, got " + diagReg);
        if (centerPoints != null && centers != 0)
            throw new InvalidInputException("--center-points", "gives the centers; drop --centers (or this flag)");
        if (centers < 0) throw new InvalidInputException("--centers", "must be >= 1, got " + centers);
        if (partitions < 0) throw new InvalidInputException("--partitions", "must be >= 1, got " + partitions);
        if (!solver.equals("nystrom") && !solver.equals("falkon"))
            throw new InvalidInputException("--solver", "must be nystrom or falkon, got '" + solver + "'");
        if (!(tolerance > 0 && tolerance < 1))
            throw new InvalidInputException("--tolerance", "must be in (0, 1), got " + tolerance);
        if (cov == CovarianceMode.FULL)
            throw new InvalidInputException(
                    "--cov", "spark writes variances (diag) or none; a full covariance is predict's (--cov full)");
        if (maxIterations < 1)
            throw new InvalidInputException("--max-iterations", "must be >= 1, got " + maxIterations);
        if (SparkRun.isParquet(xTrain) == (yTrain != null))
            throw new InvalidInputException(
                    "--y-train",
                    yTrain == null
                            ? "is required with a .npy/.csv --x-train"
                            : "must be left out with a Parquet --x-train (its 'label' column is the target)");
    }
}
