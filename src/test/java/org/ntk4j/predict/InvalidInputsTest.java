package org.ntk4j.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.ntk4j.predict.PredictVectors.matrix;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.linalg.JitterPolicy;
import org.ntk4j.linalg.Matrix;

/** Bad input gives InvalidInputException naming the argument, never NaN output. */
class InvalidInputsTest {
    private static final JsonNode P = PredictVectors.ntPredict();
    private static final Matrix Y = matrix(P.get("y_train"));
    private static final Kernels KDD = PredictVectors.square(P.get("k_dd"));
    private static final Kernels KTD = PredictVectors.testTrain(P.get("k_td"), P.get("k_tt"));
    private static final Kernels KTT = PredictVectors.square(P.get("k_tt"));
    private static final JitterPolicy J = JitterPolicy.defaults();

    private static void names(String argument, Executable e) {
        InvalidInputException ex = assertThrows(InvalidInputException.class, e);
        assertEquals(argument, ex.argument(), ex.getMessage());
    }

    private static Matrix withNaN(Matrix a, int i, int j) {
        double[] d = a.toColumnMajor();
        d[i + j * a.rows()] = Double.NaN;
        return Matrix.wrapColumnMajor(a.rows(), a.cols(), d);
    }

    @Test
    void nanInputs() {
        names("yTrain", () -> GpInference.fit(KDD, withNaN(Y, 2, 1), Regularization.NONE, J));
        names(
                "kTrainTrain",
                () -> GpInference.fit(
                        new Kernels(withNaN(KDD.nngp(), 1, 1), KDD.ntk(), KDD.cov1(), null),
                        Y,
                        Regularization.NONE,
                        J));
        names("kTrainTrain", () -> GradientDescentMse.fit(withNaN(KDD.ntk(), 0, 3), Y, 1, Regularization.NONE, J));
        try (GpInference gp = GpInference.fit(KDD, Y, Regularization.NONE, J)) {
            Kernels bad = new Kernels(KTD.nngp(), withNaN(KTD.ntk(), 1, 2), KTD.cov1(), null);
            names("kTestTrain", () -> gp.predict(Get.NTK, bad, KTT, CovarianceMode.NONE));
            Kernels badTt = new Kernels(withNaN(KTT.nngp(), 0, 1), KTT.ntk(), KTT.cov1(), null);
            names("kTestTest", () -> gp.predict(Get.NNGP, KTD, badTt, CovarianceMode.FULL));
        }
        try (GradientDescentMse gd = GradientDescentMse.fit(KDD.ntk(), Y, 1, Regularization.NONE, J)) {
            names("fxTrain0", () -> gd.predict(1, withNaN(Y, 0, 0), null, KTD.ntk()));
            names("fxTest0", () -> gd.predict(1, null, withNaN(matrix(P.get("fx_test_0")), 0, 0), KTD.ntk()));
        }
    }

    @Test
    void shapes() {
        Matrix y5 = PredictPropertiesTest.pick(Y, new int[] {0, 1, 2, 3, 4}, new int[] {0, 1});
        names("yTrain", () -> GpInference.fit(KDD, y5, Regularization.NONE, J));
        names("yTrain", () -> GradientDescentMse.fit(KDD.ntk(), y5, 1, Regularization.NONE, J));
        names("kTrainTrain", () -> GradientDescentMse.fit(KTD.ntk(), Y, 1, Regularization.NONE, J)); // not square
        double[][] asym = KDD.ntk().toArray();
        asym[0][1] += 0.1;
        names("kTrainTrain", () -> GradientDescentMse.fit(Matrix.of(asym), Y, 1, Regularization.NONE, J));
        try (GpInference gp = GpInference.fit(KDD, Y, Regularization.NONE, J)) {
            Matrix wrongCols = PredictPropertiesTest.pick(KTD.nngp(), new int[] {0, 1, 2, 3}, new int[] {0, 1, 2});
            names(
                    "kTestTrain",
                    () -> gp.predict(
                            Get.NNGP, new Kernels(wrongCols, null, KTD.cov1(), null), KTT, CovarianceMode.NONE));
            names("kTestTest", () -> gp.predict(Get.NNGP, KTD, null, CovarianceMode.FULL)); // full cov needs it
            names("kTestTest", () -> gp.predict(Get.NTKGP, KTD, null, CovarianceMode.DIAGONAL)); // NTKGP needs Θ_tt
        }
        try (GradientDescentMse gd = GradientDescentMse.fit(KDD.ntk(), Y, 1, Regularization.NONE, J)) {
            names("fxTrain0", () -> gd.predict(1, y5, null, KTD.ntk()));
            names("kTestTrain", () -> gd.predict(1, null, matrix(P.get("fx_test_0")), null));
        }
    }

    @Test
    void tooLargeFailsBeforeAnyWork() {
        // 200000 training points need a 320 GB factor: refused before the kernels are computed
        org.ntk4j.linalg.Matrix xHuge = org.ntk4j.linalg.Matrix.wrapColumnMajor(200_000, 1, new double[200_000]);
        org.ntk4j.linalg.Matrix yHuge = org.ntk4j.linalg.Matrix.wrapColumnMajor(200_000, 1, new double[200_000]);
        org.ntk4j.error.InsufficientMemoryException e = assertThrows(
                org.ntk4j.error.InsufficientMemoryException.class,
                () -> Predict.gpInference(
                        PredictEndToEndTest.ARCH,
                        xHuge,
                        yHuge,
                        xHuge,
                        Get.NTK,
                        PredictOptions.defaults().withRegularization(Regularization.relative(1e-3))));
        org.junit.jupiter.api.Assertions.assertTrue(
                e.bytesNeeded() >= 8L * 200_000 * 200_000, "bytes " + e.bytesNeeded());
    }

    @Test
    void ranges() {
        names("diagReg", () -> Regularization.relative(-1e-3));
        names("diagReg", () -> Regularization.absolute(Double.NaN));
        names("learningRate", () -> GradientDescentMse.fit(KDD.ntk(), Y, 0, Regularization.NONE, J));
        names("learningRate", () -> GradientDescentEnsemble.fit(KDD, Y, -1, Regularization.NONE, J));
        names("learningRate", () -> PredictOptions.defaults().withLearningRate(Double.POSITIVE_INFINITY));
        try (GradientDescentMse gd = GradientDescentMse.fit(KDD.ntk(), Y, 1, Regularization.NONE, J)) {
            names("time", () -> gd.predict(-1, null, null, KTD.ntk()));
            names("time", () -> gd.predict(Double.NaN, null, null, KTD.ntk()));
        }
        try (GradientDescentEnsemble e = GradientDescentEnsemble.fit(KDD, Y, 1, Regularization.NONE, J)) {
            names("get", () -> e.predict(Get.NTKGP, 1, KTD, KTT, CovarianceMode.FULL));
            names("time", () -> e.predict(Get.NTK, new double[] {1, -0.5}, KTD, KTT, CovarianceMode.FULL));
        }
        names("momentum", () -> GradientDescentMse.maxLearningRate(KDD.ntk(), 0, 1.5));
    }
}
