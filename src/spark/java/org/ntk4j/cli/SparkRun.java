package org.ntk4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.Matrices;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.predict.CovarianceMode;
import org.ntk4j.spark.FitSummary;
import org.ntk4j.spark.LoopbackSpark;
import org.ntk4j.spark.NtkRegression;
import org.ntk4j.spark.NtkRegressionModel;

/**
 * The work of {@code ntk4j spark}: inputs read and checked (before Spark starts, for .npy/.csv), the output
 * directory created, a loopback Spark session started, {@link NtkRegression} fitted on the training rows
 * in their order and the model applied to the test rows, whose means and variances come back to the
 * driver in order; the session is stopped whatever happens.
 */
final class SparkRun {
    private SparkRun() {}

    /** What the command writes and reports. */
    record Result(
            OutputDir dir,
            Matrix mean,
            double[] variances, // null with --cov none
            int centers,
            double lambda,
            long trainRows,
            int partitions,
            FitSummary fit) {}

    /** Whether {@code p} is read as Parquet: a directory, or a file ending in .parquet. */
    static boolean isParquet(Path p) {
        return Files.isDirectory(p)
                || p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".parquet");
    }

    static Result run(SparkCommand c) {
        boolean trainParquet = isParquet(c.xTrain), testParquet = isParquet(c.xTest);
        // .npy training files are read by the tasks (NpyFrame), only their headers here; .csv on the driver
        boolean trainNpy = !trainParquet && NpyFrame.isNpy(c.xTrain) && NpyFrame.isNpy(c.yTrain);
        NpyFrame.Shapes shapes = trainNpy ? NpyFrame.shapes(c.xTrain, c.yTrain) : null;
        Matrix x = trainParquet || trainNpy ? null : InputFiles.matrix("--x-train", c.xTrain);
        Matrix y = trainParquet || trainNpy ? null : InputFiles.matrix("--y-train", c.yTrain);
        Matrix xt = testParquet ? null : InputFiles.matrix("--x-test", c.xTest);
        Matrix z = c.centerPoints == null ? null : InputFiles.matrix("--center-points", c.centerPoints);
        if (x != null && x.rows() != y.rows())
            throw new InvalidInputException(
                    "--y-train", "has " + y.rows() + " rows, --x-train " + x.rows() + " (one target row per input)");
        int d = x != null ? x.cols() : shapes != null ? shapes.cols() : -1; // -1: Parquet, checked by the fit
        if (d >= 0 && xt != null && d != xt.cols())
            throw new InvalidInputException(
                    "--x-test", "has " + xt.cols() + " columns, --x-train " + d + " (one input dimension)");
        if (d >= 0 && z != null && d != z.cols())
            throw new InvalidInputException(
                    "--center-points", "has " + z.cols() + " columns, --x-train " + d + " (one input dimension)");
        OutputDir dir = c.main.outputDir("--out", c.out, c.formatOption.format);
        SparkSession spark = LoopbackSpark.session(c.master, "ntk4j spark");
        try {
            int p = c.partitions > 0 ? c.partitions : 2 * spark.sparkContext().defaultParallelism();
            Dataset<Row> train = trainParquet
                    ? parquet(spark, "--x-train", c.xTrain, true)
                    : trainNpy ? NpyFrame.frame(spark, c.xTrain, c.yTrain, shapes, p) : frame(spark, x, y, p);
            NtkRegression est = new NtkRegression()
                    .setArch(c.archOptions.arch)
                    .setParameterization(c.archOptions.parameterization.name().toLowerCase(Locale.ROOT))
                    .setGet(c.get.toString())
                    .setDiagReg(c.diagReg)
                    .setDiagRegAbsolute(c.diagRegAbsolute)
                    .setSeed(c.seed)
                    .setSolver(c.solver)
                    .setTol(c.tolerance)
                    .setMaxIter(c.maxIterations);
            boolean withVariances = c.cov != CovarianceMode.NONE;
            if (!withVariances) est.setVarianceCol("");
            if (z != null) est.setCenterPoints(Matrices.dense(z.rows(), z.cols(), z.toColumnMajor()));
            else est.setCenters(c.centers);
            NtkRegressionModel model = est.fit(train);
            Dataset<Row> test = testParquet ? parquet(spark, "--x-test", c.xTest, false) : frame(spark, xt, null, p);
            // transform keeps every partition's rows in order, and collect the partitions' order
            Dataset<Row> out = model.transform(test);
            List<Row> rows =
                    (withVariances ? out.select("prediction", "variance") : out.select("prediction")).collectAsList();
            int m = rows.size(), k = model.numOutputs();
            double[] mean = new double[m * k], var = withVariances ? new double[m] : null;
            for (int i = 0; i < m; i++) {
                Row r = rows.get(i);
                Object mu = r.get(0);
                double[] v = mu instanceof Vector vec ? vec.toArray() : new double[] {(Double) mu};
                for (int j = 0; j < k; j++) mean[j * m + i] = v[j];
                if (var != null) var[i] = r.getDouble(1);
            }
            long n = x != null ? x.rows() : trainNpy ? shapes.rows() : train.count();
            return new Result(
                    dir,
                    Matrix.wrapColumnMajor(m, k, mean),
                    var,
                    model.numCenters(),
                    model.lambda(),
                    n,
                    train.javaRDD().getNumPartitions(),
                    model.summary().orElseThrow());
        } catch (Exception e) { // an executor's typed error: its exit code and one line, as anywhere
            org.ntk4j.error.Ntk4jException cause = NtkRegression.ntk4jCause(e);
            if (cause != null) throw cause;
            throw e;
        } finally {
            spark.stop();
        }
    }

    /** Rows {features: Vector, label: Double or Vector} in the matrices' order, in {@code p} partitions. */
    private static Dataset<Row> frame(SparkSession spark, Matrix x, Matrix y, int p) {
        List<Row> rows = new ArrayList<>(x.rows());
        for (int i = 0; i < x.rows(); i++) rows.add(row(x, y, i));
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        return spark.createDataFrame(
                jsc.parallelize(rows, Math.max(1, Math.min(p, x.rows()))), schema(y == null ? 0 : y.cols()));
    }

    /** {features: Vector} and, unless {@code labelCols} is 0, {label: Double (one column) or Vector}. */
    static StructType schema(long labelCols) {
        StructType schema = new StructType().add("features", new VectorUDT(), false);
        if (labelCols == 0) return schema;
        return schema.add("label", labelCols == 1 ? DataTypes.DoubleType : new VectorUDT(), false);
    }

    /** Row i of x (and of y, unless null) in {@link #schema}'s layout. */
    static Row row(Matrix x, Matrix y, int i) {
        Vector f = Vectors.dense(x.row(i));
        if (y == null) return RowFactory.create(f);
        return RowFactory.create(f, y.cols() == 1 ? (Object) y.get(i, 0) : Vectors.dense(y.row(i)));
    }

    /**
     * A Parquet file, or a directory's Parquet files in name order (as Spark writes part-00000, ...), as
     * one data set whose rows are in file order: each file read alone, then concatenated (a plain
     * directory read would order the splits by size). Columns {@code features} (and {@code label}).
     */
    private static Dataset<Row> parquet(SparkSession spark, String flag, Path path, boolean label) {
        List<String> files;
        if (Files.isDirectory(path)) {
            try (Stream<Path> s = Files.list(path)) {
                files = s.filter(f -> f.getFileName().toString().endsWith(".parquet"))
                        .map(Path::toString)
                        .sorted()
                        .toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (files.isEmpty()) throw new InvalidInputException(flag, "directory " + path + " has no .parquet files");
        } else if (Files.isRegularFile(path)) {
            files = List.of(path.toString());
        } else throw new InvalidInputException(flag, "file not found: " + path);
        Dataset<Row> all = null;
        for (String f : files) {
            Dataset<Row> d = spark.read().parquet(f);
            List<String> cols = Arrays.asList(d.columns());
            for (String need : label ? List.of("features", "label") : List.of("features"))
                if (!cols.contains(need))
                    throw new InvalidInputException(
                            flag, f + " has no '" + need + "' column (columns: " + String.join(", ", cols) + ")");
            d = label ? d.select("features", "label") : d.select("features");
            all = all == null ? d : all.union(d);
        }
        return all;
    }
}
