package org.ntk4j.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ntk4j.predict.PredictVectors.matrix;
import static org.ntk4j.predict.PredictVectors.relErr;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.linalg.JitterPolicy;
import org.ntk4j.linalg.Matrix;

/**
 * Every {@code predict} case of nt-vectors.json (values produced by neural-tangents 0.6.6 itself in
 * float64) to ≤ 1e-10 relative (max abs error over max abs expected, per array).
 */
class NtPredictVectorsTest {
    private static final double TOL = 1e-10;
    private static final JsonNode P = PredictVectors.ntPredict();
    private static final Matrix Y = matrix(P.get("y_train"));
    private static final Kernels KDD = PredictVectors.square(P.get("k_dd"));
    private static final Kernels KTD = PredictVectors.testTrain(P.get("k_td"), P.get("k_tt"));
    private static final Kernels KTT = PredictVectors.square(P.get("k_tt"));

    private static Regularization reg(JsonNode c) {
        return new Regularization(
                c.get("diag_reg").asDouble(),
                c.has("diag_reg_absolute_scale")
                        && c.get("diag_reg_absolute_scale").asBoolean());
    }

    private static void close(String what, Matrix actual, Matrix expected) {
        double e = relErr(actual, expected);
        assertTrue(e <= TOL, what + ": relative error " + e);
    }

    static Stream<Arguments> gdCases() {
        List<Arguments> a = new ArrayList<>();
        for (JsonNode c : P.get("gradient_descent_mse"))
            a.add(Arguments.of(
                    c.get("diag_reg").asDouble()
                            + (c.get("diag_reg_absolute_scale").asBoolean() ? " abs" : " rel") + " lr="
                            + c.get("learning_rate").asDouble(),
                    c));
        return a.stream();
    }

    @ParameterizedTest(name = "gradient_descent_mse {0}")
    @MethodSource("gdCases")
    void gradientDescentMse(String name, JsonNode c) {
        Matrix f0 = matrix(P.get("fx_train_0")), g0 = matrix(P.get("fx_test_0"));
        try (GradientDescentMse gd = GradientDescentMse.fit(
                KDD.ntk(), Y, c.get("learning_rate").asDouble(), reg(c), JitterPolicy.defaults())) {
            JsonNode ts = c.get("t");
            double[] times = new double[ts.size() + 1];
            for (int i = 0; i < ts.size(); i++) times[i] = ts.get(i).asDouble();
            times[ts.size()] = Double.POSITIVE_INFINITY;
            List<LinearizedPrediction> out = gd.predict(times, f0, g0, KTD.ntk());
            for (int i = 0; i < ts.size(); i++) {
                close(name + " train t=" + times[i], out.get(i).train(), PredictVectors.slice(c.get("fx_train_t"), i));
                close(name + " test t=" + times[i], out.get(i).test(), PredictVectors.slice(c.get("fx_test_t"), i));
            }
            LinearizedPrediction inf = out.get(ts.size());
            close(name + " train t=inf", inf.train(), matrix(c.get("fx_train_inf")));
            close(name + " test t=inf", inf.test(), matrix(c.get("fx_test_inf")));
            assertEquals(Y, inf.train(), "t = inf train outputs are y exactly");
        }
    }

    static Stream<Arguments> ensembleCases() {
        List<Arguments> a = new ArrayList<>();
        for (JsonNode c : P.get("gradient_descent_mse_ensemble"))
            a.add(Arguments.of(
                    c.get("get").asText() + " diag_reg=" + c.get("diag_reg").asDouble() + " t=" + c.get("t"), c));
        return a.stream();
    }

    @ParameterizedTest(name = "ensemble {0}")
    @MethodSource("ensembleCases")
    void ensemble(String name, JsonNode c) {
        Get get = Get.parse(c.get("get").asText());
        double t = c.get("t").isNull() ? Double.POSITIVE_INFINITY : c.get("t").asDouble();
        try (GradientDescentEnsemble ens = GradientDescentEnsemble.fit(KDD, Y, 1.0, reg(c), JitterPolicy.defaults())) {
            Posterior test = ens.predict(get, t, KTD, KTT, CovarianceMode.FULL);
            close(name + " test mean", test.mean(), matrix(c.get("test_mean")));
            close(name + " test cov", test.covariance(), matrix(c.get("test_cov")));
            Posterior testDiag = ens.predict(get, t, KTD, null, CovarianceMode.DIAGONAL);
            double[] expectedVar = PredictVectors.diagonal(matrix(c.get("test_cov")));
            assertTrue(relErr(testDiag.variances(), expectedVar) <= TOL, name + " test variances");
            close(name + " test mean (diag mode)", testDiag.mean(), matrix(c.get("test_mean")));

            Posterior train = ens.predict(get, t, null, null, CovarianceMode.FULL);
            close(name + " train mean", train.mean(), matrix(c.get("train_mean")));
            close(name + " train cov", train.covariance(), matrix(c.get("train_cov")));
            Posterior trainDiag = ens.predict(get, t, null, null, CovarianceMode.DIAGONAL);
            double[] trainVar = PredictVectors.diagonal(matrix(c.get("train_cov")));
            double e = relErr(trainDiag.variances(), trainVar);
            assertTrue(e <= TOL || (t == Double.POSITIVE_INFINITY && e == 0), name + " train variances " + e);
            assertEquals(0, test.diagnostics().negativeVariancesClamped());
        }
    }

    static Stream<Arguments> gpCases() {
        List<Arguments> a = new ArrayList<>();
        for (JsonNode c : P.get("gp_inference"))
            a.add(Arguments.of(
                    c.get("get").asText() + " diag_reg=" + c.get("diag_reg").asDouble(), c));
        return a.stream();
    }

    @ParameterizedTest(name = "gp_inference {0}")
    @MethodSource("gpCases")
    void gpInference(String name, JsonNode c) {
        Get get = Get.parse(c.get("get").asText());
        try (GpInference gp = GpInference.fit(KDD, Y, reg(c), JitterPolicy.defaults())) {
            Posterior full = gp.predict(get, KTD, KTT, CovarianceMode.FULL);
            close(name + " mean", full.mean(), matrix(c.get("mean")));
            close(name + " cov", full.covariance(), matrix(c.get("cov")));
            assertTrue(!full.diagnostics().jitter().applied(), "no jitter on a well-posed problem");
            Posterior diag = gp.predict(get, KTD, KTT, CovarianceMode.DIAGONAL);
            assertTrue(
                    relErr(diag.variances(), PredictVectors.diagonal(matrix(c.get("cov")))) <= TOL,
                    name + " variances");
            Posterior none = gp.predict(get, KTD, null, CovarianceMode.NONE);
            close(name + " mean (no cov)", none.mean(), matrix(c.get("mean")));
            assertEquals(CovarianceMode.NONE, none.covarianceMode());
        }
    }

    @Test
    void maxLearningRate() {
        JsonNode m = P.get("max_learning_rate");
        Matrix ntk = KDD.ntk();
        assertEquals(
                m.get("default").asDouble(),
                GradientDescentMse.maxLearningRate(ntk, 0, 0),
                TOL * m.get("default").asDouble());
        assertEquals(
                m.get("y_train_size").asDouble(),
                GradientDescentMse.maxLearningRate(ntk, 12, 0),
                TOL * m.get("y_train_size").asDouble());
        assertEquals(
                m.get("momentum_0_9").asDouble(),
                GradientDescentMse.maxLearningRate(ntk, 12, 0.9),
                TOL * m.get("momentum_0_9").asDouble());
    }
}
