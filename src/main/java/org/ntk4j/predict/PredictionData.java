package org.ntk4j.predict;

import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.Matrix;

/**
 * The one validator of a prediction's data, in the library's argument names (the CLI's error
 * handler maps them to its flags): shapes first, so that a mismatch is named before any scan, then
 * every entry finite. {@link Predict}, {@link org.ntk4j.solve.PosteriorRequest} and the
 * {@code predict} command all check their data here.
 */
public final class PredictionData {
    private PredictionData() {}

    /**
     * Checks training inputs {@code xTrain} (n×d, n, d ≥ 1), targets {@code yTrain} (n×k, k ≥ 1) and
     * test inputs {@code xTest} (m×d, m ≥ 1; null allowed unless {@code testRequired}: the training
     * set itself), all finite.
     *
     * @throws InvalidInputException naming the first argument at fault and the remedy
     */
    public static void check(Matrix xTrain, Matrix yTrain, Matrix xTest, boolean testRequired) {
        if (xTrain == null) throw new InvalidInputException("xTrain", "is required");
        if (xTrain.rows() == 0 || xTrain.cols() == 0)
            throw new InvalidInputException(
                    "xTrain",
                    "is empty (" + xTrain.rows() + "×" + xTrain.cols() + "); give at least one row and one feature");
        if (yTrain == null) throw new InvalidInputException("yTrain", "is required");
        if (yTrain.rows() != xTrain.rows())
            throw new InvalidInputException(
                    "yTrain",
                    "has " + yTrain.rows() + " rows but xTrain has " + xTrain.rows()
                            + "; give one target row per training input");
        if (yTrain.cols() == 0) throw new InvalidInputException("yTrain", "has no columns");
        if (xTest == null && testRequired) throw new InvalidInputException("xTest", "is required (at least one row)");
        if (xTest != null) {
            if (xTest.rows() == 0) throw new InvalidInputException("xTest", "has no rows; give at least one");
            if (xTest.cols() != xTrain.cols())
                throw new InvalidInputException(
                        "xTest",
                        "has " + xTest.cols() + " features (columns) but xTrain has " + xTrain.cols()
                                + "; both must have the same number of columns");
        }
        PredictorChecks.finite(xTrain, "xTrain");
        PredictorChecks.finite(yTrain, "yTrain");
        if (xTest != null) PredictorChecks.finite(xTest, "xTest");
    }

    /**
     * Checks one network's initial outputs for {@link Predict#linearized}: {@code fxTrain0} n×k like
     * {@code yTrain}, {@code fxTest0} m×k (test points × outputs); null means none.
     */
    public static void checkInitialOutputs(Matrix fxTrain0, Matrix fxTest0, Matrix yTrain, Matrix xTest) {
        if (fxTrain0 != null && (fxTrain0.rows() != yTrain.rows() || fxTrain0.cols() != yTrain.cols()))
            throw new InvalidInputException(
                    "fxTrain0",
                    "is " + fxTrain0.rows() + "×" + fxTrain0.cols() + " but must match yTrain (" + yTrain.rows() + "×"
                            + yTrain.cols() + ")");
        if (fxTest0 != null && xTest != null && (fxTest0.rows() != xTest.rows() || fxTest0.cols() != yTrain.cols()))
            throw new InvalidInputException(
                    "fxTest0",
                    "is " + fxTest0.rows() + "×" + fxTest0.cols() + " but must be " + xTest.rows() + "×" + yTrain.cols()
                            + " (test points × outputs of yTrain)");
    }
}
