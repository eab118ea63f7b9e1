package org.ntk4j.solve;

import org.ntk4j.arch.Architecture;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.predict.Get;
import org.ntk4j.predict.PredictOptions;
import org.ntk4j.predict.PredictionData;

/**
 * One t = ∞ posterior to compute ({@code gp_inference}): the network, the data, which posterior, and
 * how. Validated on construction, so a solver receives a well-formed problem.
 *
 * @param arch    the network whose kernels are used
 * @param xTrain  training inputs, n×d (n, d ≥ 1), finite
 * @param yTrain  training targets, n×k (k ≥ 1), finite
 * @param xTest   test inputs, m×d (m ≥ 1), finite
 * @param get     the posterior: NNGP, NTK (the trained ensemble) or NTKGP
 * @param options regularization, covariance mode, jitter and kernel options (null: defaults)
 * @param solver  which solver and its settings (null: defaults, AUTO)
 */
public record PosteriorRequest(
        Architecture arch,
        Matrix xTrain,
        Matrix yTrain,
        Matrix xTest,
        Get get,
        PredictOptions options,
        SolverOptions solver) {
    public PosteriorRequest {
        if (options == null) options = PredictOptions.defaults();
        if (solver == null) solver = SolverOptions.defaults();
        if (get == null) throw new InvalidInputException("get", "is required (nngp, ntk or ntkgp)");
        if (arch == null) throw new InvalidInputException("arch", "is required");
        PredictionData.check(xTrain, yTrain, xTest, true);
    }

    /** This request with another solver choice. */
    public PosteriorRequest withSolver(SolverKind kind) {
        return new PosteriorRequest(arch, xTrain, yTrain, xTest, get, options, solver.withSolver(kind));
    }

    /** Number of training points n. */
    public int trainSize() {
        return xTrain.rows();
    }

    /** Number of test points m. */
    public int testSize() {
        return xTest.rows();
    }

    /** Number of outputs k. */
    public int outputs() {
        return yTrain.cols();
    }
}
