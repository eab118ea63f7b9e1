package org.ntk4j.spark;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.BinaryOperator;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.linalg.Matrix;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.error.Ntk4jException;
import org.ntk4j.predict.Regularization;
import org.ntk4j.solve.Falkon;
import org.ntk4j.solve.FalkonPreconditioner;
import org.ntk4j.solve.NystromSteps;
import org.ntk4j.solve.SolverOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * NTK/NNGP kernel regression for Spark ML: the Nyström model of {@code ntk4j predict --solver nystrom}
 * fitted on a distributed data set. Fitting picks M centers (row indices drawn by
 * {@link NystromSteps#centerIndices}, in the data set's row order, or given by {@link #setCenterPoints}),
 * factors their kernel on the driver and broadcasts them; each partition computes its block of K_nM with
 * ntk4j's kernel code and returns the M×M and M×k sums ({@code treeAggregate}); the driver solves the
 * M-dimensional system ({@link NystromSteps#solve}). The cost is O(n·M) kernel entries and O(n·M²) flops
 * spread over the executors, O(M²) memory per task and on the driver.
 *
 * <p>With {@code solver} falkon the same model's system is solved by Falkon's preconditioned CG
 * ({@link Falkon}) on the driver instead: b = K_Mn·y by one aggregate, then one aggregate per iteration in
 * which every partition recomputes its K_pM from the cached rows and returns K_pMᵀ(K_pM·V) for the
 * broadcast V (O(n·M) kernel entries and flops per iteration, no O(n·M²) pass) — until the relative
 * residual reaches {@code tol} (as {@code predict --tolerance}) or {@code maxIter} iterations. Variances,
 * when asked for, take the direct path's sums at the same λ (one more aggregate, O(n·M²) flops), so the
 * model is the same Nyström model; {@link NtkRegressionModel#summary()} says how the solve stopped.
 *
 * <p>Params: {@code featuresCol} (Vector or array&lt;double&gt;), {@code labelCol} (a number, or a Vector/array
 * for k outputs), {@code predictionCol}, {@code varianceCol} (empty: no variances), {@code arch} (ntk4j's
 * architecture text), {@code parameterization}, {@code get} (nngp|ntk|ntkgp), {@code diagReg} and
 * {@code diagRegAbsolute} (λ exactly as in {@code predict}), {@code centers}, {@code seed},
 * {@code solver} (nystrom or falkon), {@code maxIter}, {@code tol} (Falkon's iteration cap, default 100, and relative
 * residual, default 1e-6).
 */
public final class NtkRegression extends Estimator<NtkRegressionModel> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(NtkRegression.class);
    /** Rows handed to the kernel code at once inside a partition (the kernels are blocked again inside). */
    static final int CHUNK_ROWS = 1 << 15;

    private final String uid;
    private final Param<String> featuresCol, labelCol, predictionCol, varianceCol, arch, parameterization, get, solver;
    private final DoubleParam diagReg, tol;
    private final BooleanParam diagRegAbsolute;
    private final IntParam centers, maxIter;
    private final LongParam seed;
    private final Param<Matrix> centerPoints;

    /** An estimator with a random uid. */
    public NtkRegression() {
        this(Identifiable$.MODULE$.randomUID("ntkRegression"));
    }

    /** An estimator with the given uid. */
    public NtkRegression(String uid) {
        this.uid = uid;
        featuresCol = new Param<>(this, "featuresCol", "features column: Vector or array<double>");
        labelCol = new Param<>(this, "labelCol", "label column: a number, or a Vector/array<double> for k outputs");
        predictionCol = new Param<>(this, "predictionCol", "prediction column (the posterior mean)");
        varianceCol = new Param<>(this, "varianceCol", "variance column (the posterior variance); empty: none");
        arch = new Param<>(this, "arch", "architecture, ntk4j text, e.g. Dense(512)->Relu->Dense(1)");
        parameterization = new Param<>(this, "parameterization", "dense-layer parameterization: ntk or standard");
        get = new Param<>(this, "get", "kernel: nngp, ntk (trained ensemble) or ntkgp");
        solver = new Param<>(this, "solver", "nystrom (direct M x M solve) or falkon (preconditioned CG)");
        diagReg = new DoubleParam(this, "diagReg", "ridge regularizer, relative to the kernel's mean diagonal");
        diagRegAbsolute = new BooleanParam(this, "diagRegAbsolute", "whether diagReg is lambda itself");
        centers = new IntParam(this, "centers", "number of Nystrom centers M (0: min(n, 2000))");
        seed = new LongParam(this, "seed", "seed of the center indices (java.util.Random, partial Fisher-Yates)");
        maxIter = new IntParam(this, "maxIter", "iterations of the falkon solver");
        tol = new DoubleParam(this, "tol", "relative residual at which the falkon solver stops");
        centerPoints = new Param<>(this, "centerPoints", "the centers themselves (M x d), instead of centers/seed");
        setDefault(featuresCol, "features");
        setDefault(labelCol, "label");
        setDefault(predictionCol, "prediction");
        setDefault(varianceCol, "variance");
        setDefault(parameterization, "ntk");
        setDefault(get, "ntk");
        setDefault(solver, "nystrom");
        setDefault(diagReg, 1e-4);
        setDefault(diagRegAbsolute, false);
        setDefault(centers, 0);
        setDefault(seed, 0L);
        setDefault(maxIter, 100);
        setDefault(tol, 1e-6);
    }

    @Override
    public String uid() {
        return uid;
    }

    // ---- params (Spark finds them by reflection over public no-argument methods returning a Param)

    public Param<String> featuresCol() {
        return featuresCol;
    }

    public Param<String> labelCol() {
        return labelCol;
    }

    public Param<String> predictionCol() {
        return predictionCol;
    }

    public Param<String> varianceCol() {
        return varianceCol;
    }

    public Param<String> arch() {
        return arch;
    }

    public Param<String> parameterization() {
        return parameterization;
    }

    public Param<String> get() {
        return get;
    }

    public Param<String> solver() {
        return solver;
    }

    public DoubleParam diagReg() {
        return diagReg;
    }

    public BooleanParam diagRegAbsolute() {
        return diagRegAbsolute;
    }

    public IntParam centers() {
        return centers;
    }

    public LongParam seed() {
        return seed;
    }

    public IntParam maxIter() {
        return maxIter;
    }

    public DoubleParam tol() {
        return tol;
    }

    public Param<Matrix> centerPoints() {
        return centerPoints;
    }

    public NtkRegression setFeaturesCol(String v) {
        set(featuresCol, v);
        return this;
    }

    public NtkRegression setLabelCol(String v) {
        set(labelCol, v);
        return this;
    }

    public NtkRegression setPredictionCol(String v) {
        set(predictionCol, v);
        return this;
    }

    public NtkRegression setVarianceCol(String v) {
        set(varianceCol, v);
        return this;
    }

    public NtkRegression setArch(String v) {
        set(arch, v);
        return this;
    }

    public NtkRegression setParameterization(String v) {
        set(parameterization, v);
        return this;
    }

    public NtkRegression setGet(String v) {
        set(get, v);
        return this;
    }

    public NtkRegression setSolver(String v) {
        set(solver, v);
        return this;
    }

    public NtkRegression setDiagReg(double v) {
        set(diagReg, v);
        return this;
    }

    public NtkRegression setDiagRegAbsolute(boolean v) {
        set(diagRegAbsolute, v);
        return this;
    }

    public NtkRegression setCenters(int v) {
        set(centers, v);
        return this;
    }

    public NtkRegression setSeed(long v) {
        set(seed, v);
        return this;
    }

    public NtkRegression setMaxIter(int v) {
        set(maxIter, v);
        return this;
    }

    public NtkRegression setTol(double v) {
        set(tol, v);
        return this;
    }

    /** The centers themselves (M×d, e.g. {@code Matrices.dense}); overrides {@code centers} and {@code seed}. */
    public NtkRegression setCenterPoints(Matrix v) {
        set(centerPoints, v);
        return this;
    }

    // Spark's numeric params are Param<Object> to Java (Scala's Param[Double] erases): hence the casts above

    @Override
    public NtkRegression copy(ParamMap extra) {
        return (NtkRegression) defaultCopy(extra);
    }

    @Override
    public StructType transformSchema(StructType schema) {
        DataColumns.check(schema, "featuresCol", $(featuresCol), false);
        DataColumns.check(schema, "labelCol", $(labelCol), true);
        return NtkRegressionModel.outputSchema(
                schema, $(predictionCol), $(varianceCol), NtkRegressionModel.isScalar(schema.apply($(labelCol))));
    }

    /** The steps of a fit: check params → rows (cached, in order) → centers → sums over partitions → solve. */
    @Override
    public NtkRegressionModel fit(Dataset<?> dataset) {
        long t0 = System.nanoTime();
        transformSchema(dataset.schema());
        checkParams();
        boolean scalar = NtkRegressionModel.isScalar(dataset.schema().apply($(labelCol)));
        JavaRDD<double[][]> rows = rows(dataset.toDF());
        try {
            long n = rows.count();
            if (n == 0) throw new InvalidInputException("dataset", "has no rows to fit");
            Fitted fitted = centersOf(rows, n);
            int d = rows.first()[0].length;
            if (fitted.centers().d() != d)
                throw new InvalidInputException(
                        "centerPoints",
                        "has " + fitted.centers().d() + " columns, the features " + d + " (one input dimension)");
            JavaSparkContext jsc =
                    JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext());
            Broadcast<Fitted> b = jsc.broadcast(fitted);
            int k = rows.first()[1].length;
            Regularization reg = new Regularization(((Double) $(diagReg)), ((Boolean) $(diagRegAbsolute)));
            Solved solved = $(solver).equals("falkon") ? falkon(rows, b, k, reg, jsc) : direct(rows, b, k, reg);
            b.destroy();
            NystromSteps.Weights w = solved.weights();
            FitSummary summary = new FitSummary(
                    $(solver), solved.iterations(), solved.residual(), solved.rule(), (System.nanoTime() - t0) / 1e9);
            LOG.info(
                    "fitted on {} rows, {} centers, lambda {}, condition {}, solver {} ({} iterations, residual {},"
                            + " stopped by {}) in {} s",
                    n,
                    w.m(),
                    w.lambda(),
                    w.condition(),
                    summary.solver(),
                    summary.iterations(),
                    summary.residual(),
                    summary.stoppingRule(),
                    summary.seconds());
            NtkRegressionModel model = new NtkRegressionModel(uid, fitted.withWeights(w), scalar, summary);
            model.setFeaturesCol($(featuresCol))
                    .setPredictionCol($(predictionCol))
                    .setVarianceCol($(varianceCol));
            return model.setParent(this);
        } catch (Exception e) { // SparkException is checked to javac, though Scala declares nothing
            Ntk4jException cause = ntk4jCause(e);
            if (cause != null) throw cause;
            throw e;
        } finally {
            rows.unpersist(false);
        }
    }

    /**
     * The ntk4j error inside a failed Spark job (an executor's typed error reaches the driver wrapped in a
     * {@code SparkException}), or null when there is none.
     */
    public static Ntk4jException ntk4jCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) if (t instanceof Ntk4jException n) return n;
        return null;
    }

    /** Typed errors for params whose values Spark does not check. */
    private void checkParams() {
        if (!isDefined(arch) || $(arch).isBlank())
            throw new InvalidInputException("arch", "is required (setArch, e.g. \"Dense(512)->Relu->Dense(1)\")");
        if (!$(solver).equals("nystrom") && !$(solver).equals("falkon"))
            throw new InvalidInputException("solver", "must be nystrom or falkon, got '" + $(solver) + "'");
        if (!(((Double) $(tol)) > 0 && ((Double) $(tol)) < 1))
            throw new InvalidInputException("tol", "must be in (0, 1) for the falkon solver, got " + ((Double) $(tol)));
        if (((Integer) $(maxIter)) < 1)
            throw new InvalidInputException("maxIter", "must be >= 1, got " + ((Integer) $(maxIter)));
        if (!(((Double) $(diagReg)) > 0) || !Double.isFinite(((Double) $(diagReg))))
            throw new InvalidInputException(
                    "diagReg", "must be > 0 and finite for the nystrom model, got " + ((Double) $(diagReg)));
        if (((Integer) $(centers)) < 0)
            throw new InvalidInputException("centers", "must be >= 0 (0: min(n, 2000)), got " + ((Integer) $(centers)));
        Fitted.model($(arch), $(parameterization), $(get), variances()); // parses: typed errors now, not on executors
    }

    private boolean variances() {
        return !$(varianceCol).isEmpty();
    }

    /**
     * Each row as {features, label}, cached: the fit passes over them three times (count, centers, sums),
     * falkon once more per iteration (recomputing each partition's kernel block from the cached rows).
     */
    private JavaRDD<double[][]> rows(Dataset<Row> df) {
        StructType schema = df.schema();
        int fi = schema.fieldIndex($(featuresCol)), li = schema.fieldIndex($(labelCol));
        JavaRDD<double[][]> rows = df.javaRDD().map(r ->
                new double[][] {DataColumns.values(r, fi, "featuresCol"), DataColumns.values(r, li, "labelCol")});
        return rows.persist(StorageLevel.MEMORY_AND_DISK());
    }

    /** The centers (given, or the rows at {@link NystromSteps#centerIndices}) with their kernels factored. */
    private Fitted centersOf(JavaRDD<double[][]> rows, long n) {
        org.ntk4j.linalg.Matrix z;
        if (isDefined(centerPoints)) {
            Matrix c = $(centerPoints);
            z = org.ntk4j.linalg.Matrix.wrapColumnMajor(c.numRows(), c.numCols(), c.toArray());
        } else {
            if (n > Integer.MAX_VALUE) throw new InvalidInputException("dataset", "has more than 2^31 - 1 rows");
            int m = ((Integer) $(centers)) > 0 ? ((Integer) $(centers)) : (int) Math.min(n, 2000);
            Set<Long> wanted = new HashSet<>();
            for (int i : NystromSteps.centerIndices((int) n, m, ((Long) $(seed)))) wanted.add((long) i);
            List<Tuple2<double[][], Long>> picked = new ArrayList<>(
                    rows.zipWithIndex().filter(t -> wanted.contains(t._2())).collect());
            picked.sort(Comparator.comparing(Tuple2::_2));
            List<double[]> x = new ArrayList<>();
            for (Tuple2<double[][], Long> t : picked) x.add(t._1()[0]);
            z = DataColumns.matrix(x, "featuresCol");
        }
        NystromSteps.Model model = Fitted.model($(arch), $(parameterization), $(get), variances());
        return new Fitted($(arch), $(parameterization), $(get), variances(), NystromSteps.centers(model, z), null);
    }

    /** The weights and how they were found (iterations, residual and stopping rule for falkon). */
    private record Solved(NystromSteps.Weights weights, int iterations, double residual, String rule) {}

    /** nystrom: the sums over all partitions (one aggregate), the M×M system solved on the driver. */
    private Solved direct(JavaRDD<double[][]> rows, Broadcast<Fitted> b, int k, Regularization reg) {
        return new Solved(NystromSteps.solve(sums(rows, b, k), reg), 0, Double.NaN, FitSummary.DIRECT);
    }

    /**
     * falkon: b = K_Mnᵀy by one aggregate, then Falkon's CG on the driver with one aggregate per iteration
     * for the data term (each partition recomputes its K_pM from the cached rows), and, for variances, the
     * direct path's sums at the same λ (one more aggregate, O(n·M²) flops): the same Nyström model.
     */
    private Solved falkon(
            JavaRDD<double[][]> rows, Broadcast<Fitted> b, int k, Regularization reg, JavaSparkContext jsc) {
        NystromSteps.Centers c = b.value().centers();
        NystromSteps.Rhs rhs = rows.mapPartitions(it -> chunked(
                        it,
                        (x, y) -> NystromSteps.rhs(b.value().model(), b.value().centers(), x, y),
                        NystromSteps.Rhs::plus))
                .treeAggregate(NystromSteps.Rhs.zero(c.m(), k), NystromSteps.Rhs::plus, NystromSteps.Rhs::plus);
        double lambda = NystromSteps.lambda(reg, rhs.trace(), rhs.rows());
        int[] passes = {0};
        Falkon.Result fit;
        try (FalkonPreconditioner p = NystromSteps.falkonPreconditioner(c, lambda, rhs.rows())) {
            fit = Falkon.solve(
                    (v, cols) -> {
                        passes[0]++;
                        return dataTerm(rows, b, jsc, v, cols);
                    },
                    p,
                    rhs.b(),
                    k,
                    ((Double) $(tol)) * SolverOptions.RESIDUAL_MARGIN,
                    ((Integer) $(maxIter)));
        }
        LOG.info(
                "falkon: {} iterations, relative residual {}, stopped by {}, {} data-term passes over the cached rows",
                fit.cg().iterations(),
                fit.cg().maxRelativeResidual(),
                fit.stoppingRule(),
                passes[0]);
        NystromSteps.Weights direct = variances() ? NystromSteps.solve(sums(rows, b, k), lambda) : null;
        return new Solved(
                NystromSteps.falkonWeights(c, lambda, fit, direct),
                fit.cg().iterations(),
                fit.cg().maxRelativeResidual(),
                fit.stoppingRule());
    }

    /** Falkon's data term Σ_p K_pMᵀ(K_pM·V) for the broadcast V (M×k): one aggregate over the cached rows. */
    private static double[] dataTerm(
            JavaRDD<double[][]> rows, Broadcast<Fitted> b, JavaSparkContext jsc, double[] v, int k) {
        Broadcast<double[]> bv = jsc.broadcast(v);
        try {
            int size = b.value().centers().m() * k;
            return rows.mapPartitions(it -> chunked(
                            it,
                            (x, y) -> NystromSteps.dataTerm(
                                    b.value().model(), b.value().centers(), x, bv.value(), k),
                            NtkRegression::add))
                    .treeAggregate(new double[size], NtkRegression::add, NtkRegression::add);
        } finally {
            bv.destroy();
        }
    }

    private static double[] add(double[] a, double[] b) {
        double[] c = a.clone();
        for (int i = 0; i < c.length; i++) c[i] += b[i];
        return c;
    }

    /**
     * A partition's rows (features, label) in chunks of {@link #CHUNK_ROWS}, each chunk mapped by
     * {@code step} and the results added with {@code plus}: one value, or none for an empty partition.
     */
    private static <T> Iterator<T> chunked(
            Iterator<double[][]> it,
            BiFunction<org.ntk4j.linalg.Matrix, org.ntk4j.linalg.Matrix, T> step,
            BinaryOperator<T> plus) {
        T total = null;
        List<double[]> x = new ArrayList<>(), y = new ArrayList<>();
        while (it.hasNext()) {
            double[][] r = it.next();
            x.add(r[0]);
            y.add(r[1]);
            if (x.size() == CHUNK_ROWS || !it.hasNext()) {
                T s = step.apply(DataColumns.matrix(x, "featuresCol"), DataColumns.matrix(y, "labelCol"));
                total = total == null ? s : plus.apply(total, s);
                x.clear();
                y.clear();
            }
        }
        return total == null ? List.<T>of().iterator() : List.of(total).iterator();
    }

    /** Every partition's sums, in chunks of rows, added up by a tree of executors. */
    private static NystromSteps.Sums sums(JavaRDD<double[][]> rows, Broadcast<Fitted> b, int k) {
        NystromSteps.Sums zero = NystromSteps.Sums.zero(
                b.value().centers().m(), k, b.value().model().ensemble());
        return rows.mapPartitions(it -> chunked(
                        it,
                        (x, y) -> NystromSteps.sums(b.value().model(), b.value().centers(), x, y),
                        NystromSteps.Sums::plus))
                .treeAggregate(zero, NystromSteps.Sums::plus, NystromSteps.Sums::plus);
    }
}
