package org.ntk4j.solve;

import org.ntk4j.arch.Architecture;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.Finite;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.predict.CovarianceMode;
import org.ntk4j.predict.Get;
import org.ntk4j.predict.Posterior;
import org.ntk4j.predict.Predict;
import org.ntk4j.predict.PredictOptions;

/**
 * The t = ∞ posterior ({@code gp_inference}) with a choice of solver: exact Cholesky
 * ({@link Predict#gpInference}), CG ({@link IterativeGp}) or Nyström ({@link NystromGp}); AUTO picks
 * with {@link SolverChoice}. Options other than the solver come from {@link PredictOptions} exactly as
 * for {@link Predict}.
 */
public final class ScalablePredict {
    private ScalablePredict() { }

    public static Solved gpInference(Architecture arch, Matrix xTrain, Matrix yTrain, Matrix xTest, Get get,
                                     PredictOptions options, SolverOptions solver) {
        PredictOptions o = options == null ? PredictOptions.defaults() : options;
        SolverOptions so = solver == null ? SolverOptions.defaults() : solver;
        if (get == null) throw new InvalidInputException("get", "is required");
        if (arch == null) throw new InvalidInputException("arch", "is required");
        check(xTrain, yTrain, xTest);
        SolverChoice c = SolverChoice.choose(xTrain.rows(), xTest.rows(), yTrain.cols(), get, o, so);
        long t0 = System.nanoTime();
        return switch (c.kind()) {
            case EXACT -> {
                Posterior p = Predict.gpInference(arch, xTrain, yTrain, xTest, get, o);
                yield new Solved(p, SolveReport.builder(SolverKind.EXACT, c.reason()).build(System.nanoTime() - t0));
            }
            case CG -> IterativeGp.predict(arch, xTrain, yTrain, xTest, get, o.covariance(), o.regularization(), o.kernelOptions(), so, c.reason());
            case NYSTROM -> NystromGp.predict(arch, xTrain, yTrain, xTest, get, o.covariance(), o.regularization(), o.kernelOptions(), so, c.reason());
            case AUTO -> throw new IllegalStateException("unresolved solver choice");
        };
    }

    private static void check(Matrix x, Matrix y, Matrix xt) {
        if (x == null || x.rows() == 0 || x.cols() == 0) throw new InvalidInputException("xTrain", "is empty or missing");
        if (y == null || y.rows() != x.rows())
            throw new InvalidInputException("yTrain", "needs one row per training input (" + x.rows() + ")");
        if (y.cols() == 0) throw new InvalidInputException("yTrain", "has no columns");
        if (xt == null || xt.rows() == 0) throw new InvalidInputException("xTest", "is required (at least one row)");
        if (xt.cols() != x.cols())
            throw new InvalidInputException("xTest", "has " + xt.cols() + " features but x-train has " + x.cols());
        Finite.requireInput(x, "xTrain");
        Finite.requireInput(y, "yTrain");
        Finite.requireInput(xt, "xTest");
    }
}
