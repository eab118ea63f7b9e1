package org.ntk4j.nd4j;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.arch.Architecture;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.predict.Get;
import org.ntk4j.predict.Posterior;
import org.ntk4j.predict.Predict;
import org.ntk4j.predict.PredictOptions;

/**
 * A posterior with its mean and covariance (or variances) as ND4J arrays, copied once from the
 * ntk4j {@link Posterior}, which stays available for its diagnostics.
 *
 * <pre>{@code
 * Nd4jPosterior p = Nd4jPosterior.gpInference(arch, xTrain, yTrain, xTest, Get.NTK,
 *     PredictOptions.defaults().withRegularization(Regularization.relative(1e-4)));
 * INDArray mean = p.mean(), variances = p.variances();
 * }</pre>
 *
 * @param mean        m×k posterior mean (DOUBLE, 'f' order)
 * @param covariance  m×m covariance (covariance mode FULL), else null
 * @param variances   the m variances, rank 1 (mode DIAGONAL), else null
 * @param posterior   the posterior these were copied from
 */
public record Nd4jPosterior(INDArray mean, INDArray covariance, INDArray variances, Posterior posterior) {
    public Nd4jPosterior {
        if (mean == null || posterior == null)
            throw new IllegalArgumentException("nd4j posterior: mean and posterior are required");
    }

    /** The arrays of {@code p} (one copy each). */
    public static Nd4jPosterior of(Posterior p) {
        Matrix cov = p.covariance();
        return new Nd4jPosterior(
                Nd4jArrays.of(p.mean()), cov == null ? null : Nd4jArrays.of(cov), Nd4jArrays.of(p.variances()), p);
    }

    /**
     * {@link Predict#gpInference} on ND4J arrays: the t = ∞ posterior at {@code xTest} (null: the
     * training set). The inputs are copied to the heap once ({@link Nd4jArrays#toMatrix}); errors are
     * those of {@link Predict#gpInference}, naming xTrain, yTrain or xTest.
     */
    public static Nd4jPosterior gpInference(
            Architecture arch, INDArray xTrain, INDArray yTrain, INDArray xTest, Get get, PredictOptions options) {
        return of(Predict.gpInference(
                arch,
                Nd4jArrays.toMatrix(xTrain, "xTrain"),
                Nd4jArrays.toMatrix(yTrain, "yTrain"),
                xTest == null ? null : Nd4jArrays.toMatrix(xTest, "xTest"),
                get,
                options));
    }

    /**
     * {@link Predict#ensemble} on ND4J arrays: the trained infinite ensemble at each training time
     * (≥ 0, or +∞), in the order of {@code times}.
     */
    public static List<Nd4jPosterior> ensemble(
            Architecture arch,
            INDArray xTrain,
            INDArray yTrain,
            INDArray xTest,
            Get get,
            double[] times,
            PredictOptions options) {
        return Predict.ensemble(
                        arch,
                        Nd4jArrays.toMatrix(xTrain, "xTrain"),
                        Nd4jArrays.toMatrix(yTrain, "yTrain"),
                        xTest == null ? null : Nd4jArrays.toMatrix(xTest, "xTest"),
                        get,
                        times,
                        options)
                .stream()
                .map(Nd4jPosterior::of)
                .toList();
    }
}
