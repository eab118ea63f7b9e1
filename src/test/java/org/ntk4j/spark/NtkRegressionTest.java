package org.ntk4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntk4j.arch.text.ArchParser;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.predict.Get;
import org.ntk4j.predict.Posterior;
import org.ntk4j.predict.PredictOptions;
import org.ntk4j.predict.Regularization;
import org.ntk4j.solve.Falkon;
import org.ntk4j.solve.ScalablePredict;
import org.ntk4j.solve.SolverKind;
import org.ntk4j.solve.SolverOptions;

/**
 * The Spark estimator in local mode (2 threads, loopback, no UI) against the single-machine Nyström
 * solver on the same centers: means to 1e-8 relative and variances to 1e-6 (the sums are added in
 * another order), for every kernel and for k = 2 outputs; a saved model predicts the same; wrong params
 * are typed errors naming the param.
 */
class NtkRegressionTest {
    static final String ARCH = "Dense(512,W_std=1.5,b_std=0.05)->Relu->Dense(1,W_std=1.5,b_std=0.05)";
    static final int N = 300, M = 40, T = 25, D = 4;
    static final long SEED = 3;

    static SparkSession spark;
    static double[][] x, y, xt;

    @BeforeAll
    static void start() {
        spark = LoopbackSpark.session("local[2]", "ntk4j-test");
        Random r = new Random(11);
        x = new double[N][D];
        y = new double[N][2];
        xt = new double[T][D];
        for (int i = 0; i < N; i++) {
            double s = 0;
            for (int j = 0; j < D; j++) s += x[i][j] = r.nextGaussian();
            y[i][0] = Math.sin(s) + 0.1 * r.nextGaussian();
            y[i][1] = Math.cos(s);
        }
        for (int i = 0; i < T; i++) for (int j = 0; j < D; j++) xt[i][j] = r.nextGaussian();
    }

    @AfterAll
    static void stop() {
        if (spark != null) spark.stop();
    }

    /** features as a Vector, label a Double (k = 1) or a Vector (k = 2). */
    static Dataset<Row> train(int k) {
        StructType schema = new StructType()
                .add("features", new VectorUDT(), false)
                .add("label", k == 1 ? DataTypes.DoubleType : new VectorUDT(), false);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < N; i++)
            rows.add(RowFactory.create(
                    Vectors.dense(x[i]), k == 1 ? (Object) y[i][0] : Vectors.dense(java.util.Arrays.copyOf(y[i], k))));
        return spark.createDataFrame(rows, schema); // 3 partitions in the list's order (the indices)
    }

    static Dataset<Row> test() {
        StructType schema = new StructType().add("features", new VectorUDT(), false);
        List<Row> rows = new ArrayList<>();
        for (double[] p : xt) rows.add(RowFactory.create(Vectors.dense(p)));
        return spark.createDataFrame(rows, schema).repartition(2); // shuffled: column() matches on features
    }

    static Posterior single(Get get, int k) {
        return single(get, k, SolverOptions.defaults().withSolver(SolverKind.NYSTROM));
    }

    /** {@code predict} on one machine with {@code solver}'s options and the test's centers (M, SEED). */
    static Posterior single(Get get, int k, SolverOptions solver) {
        double[][] yk = new double[N][];
        for (int i = 0; i < N; i++) yk[i] = java.util.Arrays.copyOf(y[i], k);
        return ScalablePredict.gpInference(
                        ArchParser.parse(ARCH),
                        Matrix.of(x),
                        Matrix.of(yk),
                        Matrix.of(xt),
                        get,
                        PredictOptions.defaults().withRegularization(Regularization.relative(1e-2)),
                        solver.withCenters(M).withSeed(SEED))
                .posterior();
    }

    static NtkRegression estimator(String get) {
        return new NtkRegression()
                .setArch(ARCH)
                .setGet(get)
                .setDiagReg(1e-2)
                .setCenters(M)
                .setSeed(SEED);
    }

    /** Rows back in the test set's order: repartition shuffled them, so match on the features. */
    static double[][] column(Dataset<Row> out, String col, int k) {
        double[][] v = new double[T][];
        for (Row r : out.collectAsList()) {
            double[] f = ((Vector) r.getAs("features")).toArray();
            int i = 0;
            while (!java.util.Arrays.equals(f, xt[i])) i++;
            Object o = r.getAs(col);
            v[i] = o instanceof Vector vec ? vec.toArray() : new double[] {(Double) o};
        }
        return v;
    }

    static double relMax(double[] a, double[] b) {
        double diff = 0, scale = 0;
        for (int i = 0; i < a.length; i++) {
            diff = Math.max(diff, Math.abs(a[i] - b[i]));
            scale = Math.max(scale, Math.abs(b[i]));
        }
        return diff / scale;
    }

    void agrees(String get, int k) {
        NtkRegressionModel model = estimator(get).fit(train(k));
        assertEquals(M, model.numCenters());
        Dataset<Row> out = model.transform(test());
        Posterior p = single(Get.parse(get), k);
        double[][] mean = column(out, "prediction", k), var = column(out, "variance", 1);
        for (int c = 0; c < k; c++) {
            double[] mc = new double[T];
            for (int i = 0; i < T; i++) mc[i] = mean[i][c];
            assertTrue(relMax(mc, p.meanOf(c)) < 1e-8, get + " mean, output " + c + ": " + relMax(mc, p.meanOf(c)));
        }
        double[] v = new double[T];
        for (int i = 0; i < T; i++) v[i] = var[i][0];
        assertTrue(relMax(v, p.variances()) < 1e-6, get + " variances: " + relMax(v, p.variances()));
    }

    @Test
    void equalsSingleMachineNystrom() {
        for (String get : new String[] {"ntk", "nngp", "ntkgp"}) agrees(get, 1);
        agrees("nngp", 2);
    }

    @Test
    void savedModelPredictsTheSame(@TempDir Path dir) throws Exception {
        NtkRegressionModel model = estimator("ntk").fit(train(1));
        String path = dir.resolve("model").toString();
        model.write().save(path);
        NtkRegressionModel back = NtkRegressionModel.load(path);
        assertEquals(model.uid(), back.uid());
        double[][] a = column(model.transform(test()), "prediction", 1),
                b = column(back.transform(test()), "prediction", 1);
        double[][] va = column(model.transform(test()), "variance", 1),
                vb = column(back.transform(test()), "variance", 1);
        for (int i = 0; i < T; i++) {
            assertArrayEquals(a[i], b[i], 0.0);
            assertArrayEquals(va[i], vb[i], 0.0);
        }
        InvalidInputException e = assertThrows(
                InvalidInputException.class,
                () -> NtkRegressionModel.load(dir.resolve("model/data").toString()));
        assertEquals("path", e.argument());
    }

    @Test
    void wrongParamsAreTypedErrors() {
        Dataset<Row> d = train(1);
        assertEquals(
                "arch",
                assertThrows(InvalidInputException.class, () -> new NtkRegression().fit(d))
                        .argument());
        assertEquals(
                "solver",
                assertThrows(
                                InvalidInputException.class,
                                () -> estimator("ntk").setSolver("cg").fit(d))
                        .argument());
        assertEquals(
                "tol",
                assertThrows(
                                InvalidInputException.class,
                                () -> estimator("ntk")
                                        .setSolver("falkon")
                                        .setTol(1)
                                        .fit(d))
                        .argument());
        assertEquals(
                "maxIter",
                assertThrows(
                                InvalidInputException.class,
                                () -> estimator("ntk")
                                        .setSolver("falkon")
                                        .setMaxIter(0)
                                        .fit(d))
                        .argument());
        assertEquals(
                "diagReg",
                assertThrows(
                                InvalidInputException.class,
                                () -> estimator("ntk").setDiagReg(0).fit(d))
                        .argument());
        assertEquals(
                "featuresCol",
                assertThrows(
                                InvalidInputException.class,
                                () -> estimator("ntk").setFeaturesCol("x").fit(d))
                        .argument());
        assertEquals(
                "get",
                assertThrows(InvalidInputException.class, () -> estimator("gp").fit(d))
                        .argument());
        assertEquals(
                "arch",
                assertThrows(
                                InvalidInputException.class,
                                () -> estimator("ntk").setArch("Dense(").fit(d))
                        .argument());
        assertEquals(
                "centers",
                assertThrows(
                                InvalidInputException.class,
                                () -> estimator("ntk").setCenters(N + 1).fit(d))
                        .argument());
        assertEquals(
                "centerPoints",
                assertThrows(
                                InvalidInputException.class,
                                () -> estimator("ntk")
                                        .setCenterPoints(org.apache.spark.ml.linalg.Matrices.dense(
                                                2, D + 1, new double[2 * D + 2]))
                                        .fit(d))
                        .argument());
        // found on an executor: the typed error, not Spark's wrapper
        StructType schema =
                new StructType().add("features", new VectorUDT(), false).add("label", DataTypes.DoubleType, false);
        Dataset<Row> nan = spark.createDataFrame(
                List.of(
                        RowFactory.create(Vectors.dense(1, 2, 3, 4), 1.0),
                        RowFactory.create(Vectors.dense(1, Double.NaN, 3, 4), 2.0)),
                schema);
        assertEquals(
                "featuresCol",
                assertThrows(
                                InvalidInputException.class,
                                () -> estimator("ntk")
                                        .setCenterPoints(org.apache.spark.ml.linalg.Matrices.dense(
                                                1, D, new double[] {1, 2, 3, 4}))
                                        .fit(nan))
                        .argument());
    }

    static final double FALKON_TOL = 1e-8;

    static double[] output(double[][] v, int c) {
        double[] o = new double[v.length];
        for (int i = 0; i < v.length; i++) o[i] = v[i][c];
        return o;
    }

    /**
     * falkon on Spark: means equal {@code predict --solver falkon} and the direct Nyström solve (same
     * centers) to the tolerance, variances the direct one's to 1e-6; the summary says how it stopped.
     */
    void falkonAgrees(String get, int k) {
        NtkRegressionModel model =
                estimator(get).setSolver("falkon").setTol(FALKON_TOL).fit(train(k));
        FitSummary s = model.summary().orElseThrow();
        assertEquals("falkon", s.solver());
        assertEquals(Falkon.TOLERANCE, s.stoppingRule(), get + ": " + s);
        assertTrue(s.iterations() >= 1 && s.residual() <= FALKON_TOL * SolverOptions.RESIDUAL_MARGIN, get + ": " + s);
        Dataset<Row> out = model.transform(test());
        double[][] mean = column(out, "prediction", k), var = column(out, "variance", 1);
        Posterior direct = single(Get.parse(get), k);
        Posterior falkon = single(
                Get.parse(get),
                k,
                SolverOptions.defaults().withSolver(SolverKind.FALKON).withTolerance(FALKON_TOL));
        for (int c = 0; c < k; c++) {
            double[] mc = output(mean, c);
            assertTrue(
                    relMax(mc, falkon.meanOf(c)) < FALKON_TOL,
                    get + " vs predict falkon: " + relMax(mc, falkon.meanOf(c)));
            assertTrue(relMax(mc, direct.meanOf(c)) < FALKON_TOL, get + " vs nystrom: " + relMax(mc, direct.meanOf(c)));
        }
        assertTrue(
                relMax(output(var, 0), direct.variances()) < 1e-6,
                get + " variances: " + relMax(output(var, 0), direct.variances()));
    }

    @Test
    void falkonEqualsNystromToTheTolerance() {
        falkonAgrees("ntk", 1);
        falkonAgrees("nngp", 2);
    }

    @Test
    void falkonHonoursItsIterationCap() {
        NtkRegressionModel model = estimator("ntk")
                .setSolver("falkon")
                .setTol(1e-12)
                .setMaxIter(2)
                .setVarianceCol("")
                .fit(train(1));
        FitSummary s = model.summary().orElseThrow();
        assertEquals(2, s.iterations());
        assertEquals(Falkon.ITERATION_CAP, s.stoppingRule());
        assertTrue(s.residual() > 1e-12, s.toString());
    }

    @Test
    void falkonModelSavesAndLoads(@TempDir Path dir) throws Exception {
        for (String varianceCol : new String[] {"variance", ""}) { // with variances, and means only (no system)
            NtkRegressionModel model = estimator("ntk")
                    .setSolver("falkon")
                    .setVarianceCol(varianceCol)
                    .fit(train(1));
            String path = dir.resolve("model" + varianceCol).toString();
            model.write().save(path);
            NtkRegressionModel back = NtkRegressionModel.load(path);
            assertTrue(back.summary().isEmpty());
            double[][] a = column(model.transform(test()), "prediction", 1),
                    b = column(back.transform(test()), "prediction", 1);
            for (int i = 0; i < T; i++) assertArrayEquals(a[i], b[i], 0.0);
            if (!varianceCol.isEmpty()) {
                double[][] va = column(model.transform(test()), "variance", 1),
                        vb = column(back.transform(test()), "variance", 1);
                for (int i = 0; i < T; i++) assertArrayEquals(va[i], vb[i], 0.0);
            } else
                assertEquals(
                        "varianceCol",
                        assertThrows(
                                        InvalidInputException.class,
                                        () -> back.setVarianceCol("v").transform(test()))
                                .argument());
        }
    }
}
