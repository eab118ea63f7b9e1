package org.ntk4j.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ntk4j.predict.PredictVectors.matrix;
import static org.ntk4j.predict.PredictVectors.relErr;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.text.ArchParser;
import org.ntk4j.error.IllPosedProblemException;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.Matrix;

/**
 * The Architecture convenience ({@link Predict}) end to end — inputs x → analytic kernels
 * (KernelFunction) → predictions — against neural-tangents' predict vectors (≤ 1e-10 relative).
 */
class PredictEndToEndTest {
    static final Architecture ARCH = ArchParser.parse(
            "Dense(512,W_std=1.5,b_std=0.05)->Erf->Dense(512,W_std=1.5,b_std=0.05)->Relu->Dense(2,W_std=1.5,b_std=0.05)");
    private static final JsonNode P = PredictVectors.ntPredict();
    private static final Matrix X = matrix(P.get("x_train")),
            XT = matrix(P.get("x_test")),
            Y = matrix(P.get("y_train"));
    private static final double TOL = 1e-10;

    private static Regularization reg(JsonNode c) {
        return new Regularization(
                c.get("diag_reg").asDouble(),
                c.has("diag_reg_absolute_scale")
                        && c.get("diag_reg_absolute_scale").asBoolean());
    }

    @Test
    void gpInferenceFromInputs() {
        for (JsonNode c : P.get("gp_inference")) {
            Get get = Get.parse(c.get("get").asText());
            PredictOptions o = PredictOptions.defaults()
                    .withRegularization(reg(c))
                    .withCovariance(CovarianceMode.FULL)
                    .withReturnKernels(true);
            Posterior p = Predict.gpInference(ARCH, X, Y, XT, get, o);
            assertTrue(relErr(p.mean(), matrix(c.get("mean"))) <= TOL, get + " mean");
            assertTrue(relErr(p.covariance(), matrix(c.get("cov"))) <= TOL, get + " cov");
            assertNotNull(p.kernels());
            assertTrue(
                    relErr(p.kernels().trainTrain().nngp(), matrix(P.get("k_dd").get("nngp"))) <= 1e-12);
            if (get == Get.NNGP) assertNull(p.kernels().trainTrain().ntk(), "the NTK is not computed for NNGP");
            else
                assertTrue(relErr(
                                p.kernels().trainTrain().ntk(),
                                matrix(P.get("k_dd").get("ntk")))
                        <= 1e-12);
            assertTrue(p.diagnostics().timings().kernelNanos() > 0);
            // diagonal mode needs no test-test kernel except for NTKGP
            Posterior d = Predict.gpInference(
                    ARCH,
                    X,
                    Y,
                    XT,
                    get,
                    o.withCovariance(CovarianceMode.DIAGONAL).withReturnKernels(false));
            assertTrue(relErr(d.variances(), PredictVectors.diagonal(matrix(c.get("cov")))) <= TOL, get + " variances");
            assertNull(d.kernels());
            // utility view for the soft optimizer
            UtilityPosterior u = d.utility(1);
            assertEquals(d.meanOf(1)[2], u.mean()[2]);
            assertEquals(Math.sqrt(d.variances()[3]), u.sd()[3], 1e-15);
        }
    }

    @Test
    void ensembleAndLinearizedFromInputs() {
        for (JsonNode c : P.get("gradient_descent_mse_ensemble")) {
            Get get = Get.parse(c.get("get").asText());
            double t =
                    c.get("t").isNull() ? Double.POSITIVE_INFINITY : c.get("t").asDouble();
            PredictOptions o =
                    PredictOptions.defaults().withRegularization(reg(c)).withCovariance(CovarianceMode.FULL);
            Posterior test =
                    Predict.ensemble(ARCH, X, Y, XT, get, new double[] {t}, o).get(0);
            assertTrue(relErr(test.mean(), matrix(c.get("test_mean"))) <= TOL, get + " t=" + t);
            assertTrue(relErr(test.covariance(), matrix(c.get("test_cov"))) <= TOL, get + " t=" + t);
            Posterior train =
                    Predict.ensemble(ARCH, X, Y, null, get, new double[] {t}, o).get(0);
            assertTrue(relErr(train.mean(), matrix(c.get("train_mean"))) <= TOL);
        }
        Matrix f0 = matrix(P.get("fx_train_0")), g0 = matrix(P.get("fx_test_0"));
        for (JsonNode c : P.get("gradient_descent_mse")) {
            PredictOptions o = PredictOptions.defaults()
                    .withRegularization(reg(c))
                    .withLearningRate(c.get("learning_rate").asDouble());
            double t = c.get("t").get(2).asDouble();
            LinearizedPrediction p = Predict.linearized(ARCH, X, Y, XT, f0, g0, Get.NTK, t, o);
            assertTrue(relErr(p.test(), PredictVectors.slice(c.get("fx_test_t"), 2)) <= TOL);
            LinearizedPrediction inf = Predict.linearized(ARCH, X, Y, XT, f0, g0, Get.NTK, Double.POSITIVE_INFINITY, o);
            assertTrue(relErr(inf.test(), matrix(c.get("fx_test_inf"))) <= TOL);
        }
    }

    @Test
    void documentedErrorsFromInputs() {
        PredictOptions o = PredictOptions.defaults();
        double[][] xd = X.toArray();
        xd[4] = xd[1].clone(); // duplicate training input
        Matrix xdup = Matrix.of(xd);
        IllPosedProblemException e =
                assertThrows(IllPosedProblemException.class, () -> Predict.gpInference(ARCH, xdup, Y, XT, Get.NTK, o));
        assertTrue(e.getMessage().contains("rows 1 and 4"), e.getMessage());
        // fine with a regularizer or at a finite time
        Predict.gpInference(ARCH, xdup, Y, XT, Get.NTK, o.withRegularization(Regularization.relative(1e-6)));
        List<Posterior> finite = Predict.ensemble(ARCH, xdup, Y, XT, Get.NTK, new double[] {5}, o);
        assertEquals(-1, finite.get(0).mean().firstNonFinite());

        xd[4][0] = Double.NaN;
        InvalidInputException nan = assertThrows(
                InvalidInputException.class, () -> Predict.gpInference(ARCH, Matrix.of(xd), Y, XT, Get.NTK, o));
        assertEquals("xTrain", nan.argument());
        Matrix y5 = PredictPropertiesTest.pick(Y, new int[] {0, 1, 2, 3, 4}, new int[] {0, 1});
        assertEquals(
                "yTrain",
                assertThrows(InvalidInputException.class, () -> Predict.gpInference(ARCH, X, y5, XT, Get.NTK, o))
                        .argument());
        Matrix xt2 = PredictPropertiesTest.pick(XT, new int[] {0, 1}, new int[] {0, 1});
        assertEquals(
                "xTest",
                assertThrows(InvalidInputException.class, () -> Predict.gpInference(ARCH, X, Y, xt2, Get.NTK, o))
                        .argument());
    }
}
