package org.ntk4j.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.solve.NystromSteps;

/**
 * A fitted {@link NtkRegression}: {@code transform} appends the posterior mean ({@code predictionCol}: a
 * Double for one output, else a Vector) and, unless {@code varianceCol} is empty, the posterior variance
 * (a Double, the same for every output) — what {@code ntk4j predict} writes to mean.npy and var.npy.
 * Each partition computes its test points' kernels against the broadcast centers. Saved with
 * {@link #write()} and loaded with {@link #load(String)} (one Parquet row under {@code path/data}: the
 * centers, factors and weights, O(M²) doubles).
 */
public final class NtkRegressionModel extends Model<NtkRegressionModel> implements MLWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Fitted fitted;
    private final boolean scalar;
    private final Param<String> featuresCol, predictionCol, varianceCol;

    /** How the fit solved the system (null for a loaded model). */
    private final FitSummary summary;

    NtkRegressionModel(String uid, Fitted fitted, boolean scalar) {
        this(uid, fitted, scalar, null);
    }

    NtkRegressionModel(String uid, Fitted fitted, boolean scalar, FitSummary summary) {
        this.uid = uid;
        this.summary = summary;
        this.fitted = fitted;
        this.scalar = scalar && fitted.weights().k() == 1;
        featuresCol = new Param<>(this, "featuresCol", "features column: Vector or array<double>");
        predictionCol = new Param<>(this, "predictionCol", "prediction column (the posterior mean)");
        varianceCol = new Param<>(this, "varianceCol", "variance column; empty: none");
        setDefault(featuresCol, "features");
        setDefault(predictionCol, "prediction");
        setDefault(varianceCol, fitted.variances() ? "variance" : "");
    }

    @Override
    public String uid() {
        return uid;
    }

    public Param<String> featuresCol() {
        return featuresCol;
    }

    public Param<String> predictionCol() {
        return predictionCol;
    }

    public Param<String> varianceCol() {
        return varianceCol;
    }

    public NtkRegressionModel setFeaturesCol(String v) {
        set(featuresCol, v);
        return this;
    }

    public NtkRegressionModel setPredictionCol(String v) {
        set(predictionCol, v);
        return this;
    }

    /** The variance column; only a model fitted with variances has them (else a typed error on transform). */
    public NtkRegressionModel setVarianceCol(String v) {
        set(varianceCol, v);
        return this;
    }

    /**
     * How the fit solved the Nyström system (solver, iterations, residual, stopping rule); empty for a
     * model loaded from disk.
     */
    public java.util.Optional<FitSummary> summary() {
        return java.util.Optional.ofNullable(summary);
    }

    /** The number of centers M. */
    public int numCenters() {
        return fitted.centers().m();
    }

    /** The number of outputs k. */
    public int numOutputs() {
        return fitted.weights().k();
    }

    /** λ as used (absolute). */
    public double lambda() {
        return fitted.weights().lambda();
    }

    /** The centers (M×d, row-major rows). */
    public double[][] centerPoints() {
        Matrix z = fitted.centers().pointMatrix();
        double[][] out = new double[z.rows()][];
        for (int i = 0; i < z.rows(); i++) out[i] = z.row(i);
        return out;
    }

    Fitted fitted() {
        return fitted;
    }

    boolean scalarOutput() {
        return scalar;
    }

    @Override
    public NtkRegressionModel copy(ParamMap extra) {
        NtkRegressionModel m = new NtkRegressionModel(uid, fitted, scalar, summary);
        return copyValues(m, extra).setParent(parent());
    }

    static boolean isScalar(StructField label) {
        return label.dataType() instanceof NumericType;
    }

    static StructType outputSchema(StructType in, String predictionCol, String varianceCol, boolean scalar) {
        List<String> names = List.of(in.fieldNames());
        if (predictionCol.isEmpty() || names.contains(predictionCol))
            throw new InvalidInputException(
                    "predictionCol", "'" + predictionCol + "' is empty or already a column of the data set");
        if (!varianceCol.isEmpty() && (names.contains(varianceCol) || varianceCol.equals(predictionCol)))
            throw new InvalidInputException("varianceCol", "'" + varianceCol + "' is already a column");
        StructType out = in.add(predictionCol, scalar ? DataTypes.DoubleType : new VectorUDT(), false);
        return varianceCol.isEmpty() ? out : out.add(varianceCol, DataTypes.DoubleType, false);
    }

    @Override
    public StructType transformSchema(StructType schema) {
        DataColumns.check(schema, "featuresCol", $(featuresCol), false);
        if (!$(varianceCol).isEmpty() && !fitted.variances())
            throw new InvalidInputException(
                    "varianceCol", "this model was fitted without variances; set varianceCol to \"\"");
        return outputSchema(schema, $(predictionCol), $(varianceCol), scalar);
    }

    /** Appends mean (and variance) to every row, partition by partition, in chunks of rows. */
    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        Dataset<Row> df = dataset.toDF();
        int fi = df.schema().fieldIndex($(featuresCol));
        boolean withVar = !$(varianceCol).isEmpty(), one = scalar;
        JavaSparkContext jsc =
                JavaSparkContext.fromSparkContext(df.sparkSession().sparkContext());
        Broadcast<Fitted> b = jsc.broadcast(fitted);
        JavaRDD<Row> rows = df.javaRDD().mapPartitions(it -> predictPartition(it, b.value(), fi, withVar, one));
        return df.sparkSession().createDataFrame(rows, out);
    }

    private static Iterator<Row> predictPartition(Iterator<Row> it, Fitted f, int fi, boolean withVar, boolean scalar) {
        NystromSteps.Model model = Fitted.model(f.arch(), f.parameterization(), f.get(), withVar);
        List<Row> out = new ArrayList<>();
        List<Row> chunk = new ArrayList<>();
        List<double[]> x = new ArrayList<>();
        while (it.hasNext()) {
            Row r = it.next();
            chunk.add(r);
            x.add(DataColumns.values(r, fi, "featuresCol"));
            if (chunk.size() == NtkRegression.CHUNK_ROWS || !it.hasNext()) {
                NystromSteps.Prediction p =
                        NystromSteps.predict(model, f.centers(), f.weights(), DataColumns.matrix(x, "featuresCol"));
                double[] var = p.variances();
                for (int i = 0; i < chunk.size(); i++) {
                    Row in = chunk.get(i);
                    Object[] v = new Object[in.size() + (withVar ? 2 : 1)];
                    for (int j = 0; j < in.size(); j++) v[j] = in.get(j);
                    v[in.size()] = scalar
                            ? (Object) p.mean().get(i, 0)
                            : Vectors.dense(p.mean().row(i));
                    if (withVar) v[in.size() + 1] = var[i];
                    out.add(RowFactory.create(v));
                }
                chunk.clear();
                x.clear();
            }
        }
        return out.iterator();
    }

    @Override
    public MLWriter write() {
        return new ModelStore.Writer(this);
    }

    /** A reader of saved models. */
    public static MLReader<NtkRegressionModel> read() {
        return new ModelStore.Reader();
    }

    /** The model saved at {@code path}. */
    public static NtkRegressionModel load(String path) {
        return read().load(path);
    }
}
