package org.ntk4j.spark;

import java.util.List;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.solve.NystromSteps;

/**
 * A saved {@link NtkRegressionModel}: one Parquet row under {@code path/data} (Spark's own file system
 * layer, so any path Spark can write: local, HDFS, S3) holding a format version, the params, the
 * architecture text and the centers, factors and weights as arrays. Loading checks the format version.
 */
final class ModelStore {
    /** Bumped when the row's layout changes; a reader refuses other versions. */
    static final int FORMAT = 1;

    private ModelStore() {}

    private static final StructType SCHEMA = new StructType()
            .add("format", DataTypes.IntegerType, false)
            .add("uid", DataTypes.StringType, false)
            .add("arch", DataTypes.StringType, false)
            .add("parameterization", DataTypes.StringType, false)
            .add("get", DataTypes.StringType, false)
            .add("variances", DataTypes.BooleanType, false)
            .add("scalar", DataTypes.BooleanType, false)
            .add("featuresCol", DataTypes.StringType, false)
            .add("predictionCol", DataTypes.StringType, false)
            .add("varianceCol", DataTypes.StringType, false)
            .add("m", DataTypes.IntegerType, false)
            .add("d", DataTypes.IntegerType, false)
            .add("k", DataTypes.IntegerType, false)
            .add("points", doubles(), false)
            .add("lower", doubles(), false)
            .add("lowerNngp", doubles(), true)
            .add("rcond", DataTypes.DoubleType, false)
            .add("lambda", DataTypes.DoubleType, false)
            .add("system", doubles(), true) // null: fitted by falkon without variances (means only)
            .add("beta", doubles(), false)
            .add("f", doubles(), true)
            .add("condition", DataTypes.DoubleType, false);

    private static org.apache.spark.sql.types.ArrayType doubles() {
        return DataTypes.createArrayType(DataTypes.DoubleType, false);
    }

    /** Writes the model's row. */
    static final class Writer extends MLWriter {
        private final NtkRegressionModel model;

        Writer(NtkRegressionModel model) {
            this.model = model;
        }

        @Override
        public void saveImpl(String path) {
            Fitted f = model.fitted();
            NystromSteps.Centers c = f.centers();
            NystromSteps.Weights w = f.weights();
            Row row = RowFactory.create(
                    FORMAT,
                    model.uid(),
                    f.arch(),
                    f.parameterization(),
                    f.get(),
                    f.variances(),
                    model.scalarOutput(),
                    model.getOrDefault(model.featuresCol()),
                    model.getOrDefault(model.predictionCol()),
                    model.getOrDefault(model.varianceCol()),
                    c.m(),
                    c.d(),
                    w.k(),
                    c.points(),
                    c.lower(),
                    c.lowerNngp(),
                    c.rcond(),
                    w.lambda(),
                    w.system(),
                    w.beta(),
                    w.f(),
                    w.condition());
            sparkSession()
                    .createDataFrame(List.of(row), SCHEMA)
                    .coalesce(1)
                    .write()
                    .parquet(path + "/data");
        }
    }

    /** Reads the row back. */
    static final class Reader extends MLReader<NtkRegressionModel> {
        @Override
        public NtkRegressionModel load(String path) {
            SparkSession spark = sparkSession();
            List<Row> rows;
            try {
                rows = spark.read().parquet(path + "/data").collectAsList();
            } catch (Exception e) { // Spark's AnalysisException is checked to javac but undeclared
                if (!(e instanceof org.apache.spark.sql.AnalysisException)) throw e;
                throw new InvalidInputException(
                        "path", path + " holds no saved NtkRegressionModel (" + e.getMessage() + ")", e);
            }
            if (rows.size() != 1)
                throw new InvalidInputException("path", path + " does not hold one saved NtkRegressionModel");
            Row r = rows.get(0);
            int format = r.getAs("format");
            if (format != FORMAT)
                throw new InvalidInputException(
                        "path", path + " was saved in model format " + format + "; this ntk4j reads format " + FORMAT);
            int m = r.getAs("m"), d = r.getAs("d"), k = r.getAs("k");
            NystromSteps.Centers c = new NystromSteps.Centers(
                    m, d, doubles(r, "points"), doubles(r, "lower"), doubles(r, "lowerNngp"), r.getAs("rcond"));
            NystromSteps.Weights w = new NystromSteps.Weights(
                    m,
                    k,
                    r.getAs("lambda"),
                    doubles(r, "system"),
                    doubles(r, "beta"),
                    doubles(r, "f"),
                    r.getAs("condition"));
            Fitted f = new Fitted(
                    r.getAs("arch"), r.getAs("parameterization"), r.getAs("get"), r.getAs("variances"), c, w);
            NtkRegressionModel model = new NtkRegressionModel(r.getAs("uid"), f, r.getAs("scalar"));
            return model.setFeaturesCol(r.getAs("featuresCol"))
                    .setPredictionCol(r.getAs("predictionCol"))
                    .setVarianceCol(r.getAs("varianceCol"));
        }

        private static double[] doubles(Row r, String field) {
            int i = r.fieldIndex(field);
            if (r.isNullAt(i)) return null;
            List<Double> list = r.getList(i);
            double[] out = new double[list.size()];
            for (int j = 0; j < out.length; j++) out[j] = list.get(j);
            return out;
        }
    }
}
