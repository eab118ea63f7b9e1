package org.ntk4j.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ntk4j.predict.PredictVectors.matrix;
import static org.ntk4j.predict.PredictVectors.relErr;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ntk4j.error.IllPosedProblemException;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.linalg.JitterPolicy;
import org.ntk4j.linalg.Matrix;

/**
 * Fresh random problems (src/test/python/gen_predict_fixtures.py) against ntref.py, the numpy
 * reference that reproduces neural-tangents to ≤ 2e-15: gradient_descent_mse (every t, regularizer,
 * learning rate, and the ridge train outputs), the ensemble (train and test mean and covariance,
 * NNGP and NTK, several t), gp_inference (nngp, ntk, ntkgp), max_learning_rate; ≤ 1e-10 relative.
 * One problem has an indefinite NTK: finite-t results must match neural-tangents' clamping, and
 * t = ∞ must be an IllPosedProblemException (neural-tangents returns NaN).
 */
class NtrefFixturesTest {
    private static final double TOL = 1e-10;

    private static void close(String what, Matrix a, Matrix e) {
        double err = relErr(a, e);
        assertTrue(err <= TOL, what + ": relative error " + err);
    }

    private static Regularization reg(JsonNode c) {
        return new Regularization(
                c.get("diag_reg").asDouble(), c.get("absolute").asBoolean());
    }

    @ParameterizedTest
    @ValueSource(strings = {"relu-d2-k3", "erf-d1-k1-nobias", "relu-d1-indefinite-ntk"})
    void matchesNtref(String name) {
        JsonNode f = PredictVectors.load("/predict-fixtures/" + name + ".json");
        boolean indefinite = f.get("indefinite_ntk").asBoolean();
        Matrix y = matrix(f.get("y_train")), f0 = matrix(f.get("fx_train_0")), g0 = matrix(f.get("fx_test_0"));
        Kernels kdd = PredictVectors.square(f.get("k_dd"));
        Kernels ktd = PredictVectors.testTrain(f.get("k_td"), f.get("k_tt"));
        Kernels ktt = PredictVectors.square(f.get("k_tt"));

        for (JsonNode c : f.get("gradient_descent_mse")) {
            String tag = name + " gd diag_reg=" + c.get("diag_reg")
                    + (c.get("absolute").asBoolean() ? " abs" : "") + " lr=" + c.get("learning_rate");
            try (GradientDescentMse gd = GradientDescentMse.fit(
                    kdd.ntk(), y, c.get("learning_rate").asDouble(), reg(c), JitterPolicy.defaults())) {
                double[] ts = PredictVectors.vector(c.get("t"));
                List<LinearizedPrediction> out = gd.predict(ts, f0, g0, ktd.ntk());
                for (int i = 0; i < ts.length; i++) {
                    close(tag + " train t=" + ts[i], out.get(i).train(), PredictVectors.slice(c.get("fx_train_t"), i));
                    close(tag + " test t=" + ts[i], out.get(i).test(), PredictVectors.slice(c.get("fx_test_t"), i));
                    assertEquals(
                            c.get("negative_eigenvalues").asInt(),
                            out.get(i).diagnostics().negativeEigenvaluesClamped(),
                            tag);
                }
                if (c.has("fx_test_inf")) {
                    LinearizedPrediction inf = gd.predict(Double.POSITIVE_INFINITY, f0, g0, ktd.ntk());
                    close(tag + " train t=inf", inf.train(), matrix(c.get("fx_train_inf")));
                    close(tag + " test t=inf", inf.test(), matrix(c.get("fx_test_inf")));
                    LinearizedPrediction ridge = gd.predict(Double.POSITIVE_INFINITY, f0, f0, kdd.ntk());
                    close(tag + " ridge train outputs", ridge.test(), matrix(c.get("ridge_train_inf")));
                } else {
                    assertTrue(indefinite && c.get("negative_eigenvalues").asInt() > 0, tag);
                    // indefinite NTK (smallest eigenvalue below -lambda): no Cholesky, whatever the jitter
                    assertThrows(
                            IllPosedProblemException.class,
                            () -> gd.predict(Double.POSITIVE_INFINITY, f0, g0, ktd.ntk()),
                            tag);
                }
            }
        }

        for (JsonNode c : f.get("ensemble")) {
            Get get = Get.parse(c.get("get").asText());
            double t =
                    c.get("t").isNull() ? Double.POSITIVE_INFINITY : c.get("t").asDouble();
            String tag = name + " ensemble " + get + " diag_reg=" + c.get("diag_reg") + " t=" + t;
            try (GradientDescentEnsemble e = GradientDescentEnsemble.fit(
                    kdd, y, c.get("learning_rate").asDouble(), reg(c), JitterPolicy.defaults())) {
                Posterior test = e.predict(get, t, ktd, ktt, CovarianceMode.FULL);
                close(tag + " test mean", test.mean(), matrix(c.get("test_mean")));
                close(tag + " test cov", test.covariance(), matrix(c.get("test_cov")));
                double[] var =
                        e.predict(get, t, ktd, null, CovarianceMode.DIAGONAL).variances();
                assertTrue(
                        relErr(var, PredictVectors.diagonal(matrix(c.get("test_cov")))) <= TOL,
                        tag + " test variances");
                Posterior train = e.predict(get, t, null, null, CovarianceMode.FULL);
                close(tag + " train mean", train.mean(), matrix(c.get("train_mean")));
                close(tag + " train cov", train.covariance(), matrix(c.get("train_cov")));
                if (t != Double.POSITIVE_INFINITY) {
                    double[] tv = e.predict(get, t, null, null, CovarianceMode.DIAGONAL)
                            .variances();
                    assertTrue(
                            relErr(tv, PredictVectors.diagonal(matrix(c.get("train_cov")))) <= TOL,
                            tag + " train variances");
                }
            }
        }

        if (f.has("gp_inference")) {
            for (JsonNode c : f.get("gp_inference")) {
                Get get = Get.parse(c.get("get").asText());
                String tag = name + " gp " + get + " diag_reg=" + c.get("diag_reg");
                try (GpInference gp = GpInference.fit(kdd, y, reg(c), JitterPolicy.defaults())) {
                    Posterior p = gp.predict(get, ktd, ktt, CovarianceMode.FULL);
                    close(tag + " mean", p.mean(), matrix(c.get("mean")));
                    close(tag + " cov", p.covariance(), matrix(c.get("cov")));
                    double[] var =
                            gp.predict(get, ktd, ktt, CovarianceMode.DIAGONAL).variances();
                    assertTrue(relErr(var, PredictVectors.diagonal(matrix(c.get("cov")))) <= TOL, tag + " variances");
                }
            }
            JsonNode m = f.get("max_learning_rate");
            int size = y.rows() * y.cols();
            assertEquals(
                    m.get("default").asDouble(),
                    GradientDescentMse.maxLearningRate(kdd.ntk(), 0, 0),
                    TOL * m.get("default").asDouble());
            assertEquals(
                    m.get("y_train_size").asDouble(),
                    GradientDescentMse.maxLearningRate(kdd.ntk(), size, 0),
                    TOL * m.get("y_train_size").asDouble());
            assertEquals(
                    m.get("momentum_0_5").asDouble(),
                    GradientDescentMse.maxLearningRate(kdd.ntk(), size, 0.5),
                    TOL * m.get("momentum_0_5").asDouble());
        }
    }
}
