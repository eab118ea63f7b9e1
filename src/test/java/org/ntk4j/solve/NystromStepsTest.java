package org.ntk4j.solve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.linalg.Rows;
import org.ntk4j.predict.Get;
import org.ntk4j.predict.Posterior;
import org.ntk4j.predict.PredictOptions;
import org.ntk4j.predict.Regularization;

/**
 * The Nyström model in steps (what the Spark estimator runs) against the Nyström solver: sums over
 * two pieces of the training set, added, solved and predicted, give the solver's mean and variances
 * for every kernel (the pieces only change the order of the sums).
 */
class NystromStepsTest {
    @Test
    void piecesGiveTheSolversPosterior() {
        Matrix[] dt = CgSolverTest.data(300, 20, 5, 9);
        int n = 300, d = 5, mc = 40;
        double[] xcm = dt[0].toColumnMajor(), ycm = dt[1].toColumnMajor();
        int[] idx = NystromSteps.centerIndices(n, mc, 4);
        Matrix z = Rows.select(xcm, n, d, idx);
        for (Get get : Get.values()) {
            NystromSteps.Model model = new NystromSteps.Model(CgSolverTest.ARCH, get, true);
            NystromSteps.Centers c = NystromSteps.centers(model, z);
            NystromSteps.Sums s = NystromSteps.sums(
                            model, c, Rows.select(xcm, n, d, 0, 110), Rows.select(ycm, n, 1, 0, 110))
                    .plus(NystromSteps.sums(model, c, Rows.select(xcm, n, d, 110, n), Rows.select(ycm, n, 1, 110, n)));
            assertEquals(n, s.rows());
            NystromSteps.Weights w = NystromSteps.solve(s, Regularization.relative(1e-2));
            NystromSteps.Prediction p = NystromSteps.predict(model, c, w, dt[2]);
            Posterior ref = ScalablePredict.gpInference(
                            CgSolverTest.ARCH,
                            dt[0],
                            dt[1],
                            dt[2],
                            get,
                            PredictOptions.defaults().withRegularization(Regularization.relative(1e-2)),
                            SolverOptions.defaults()
                                    .withSolver(SolverKind.NYSTROM)
                                    .withCenters(mc)
                                    .withSeed(4))
                    .posterior();
            double[] mean = new double[20];
            for (int i = 0; i < 20; i++) mean[i] = p.mean().get(i, 0);
            assertTrue(rel(mean, ref.meanOf(0)) < 1e-10, get + " mean " + rel(mean, ref.meanOf(0)));
            assertTrue(rel(p.variances(), ref.variances()) < 1e-8, get + " variances");
        }
    }

    @Test
    void wrongInputsAreTypedErrors() {
        assertEquals(
                "centers",
                assertThrows(InvalidInputException.class, () -> NystromSteps.centerIndices(5, 6, 0))
                        .argument());
        NystromSteps.Sums empty = NystromSteps.Sums.zero(3, 1, false);
        assertEquals(
                "diagReg",
                assertThrows(InvalidInputException.class, () -> NystromSteps.solve(empty, Regularization.NONE))
                        .argument());
        assertEquals(
                "dataset",
                assertThrows(
                                InvalidInputException.class,
                                () -> NystromSteps.solve(empty, Regularization.relative(1e-3)))
                        .argument());
    }

    static double rel(double[] a, double[] b) {
        double diff = 0, scale = 0;
        for (int i = 0; i < a.length; i++) {
            diff = Math.max(diff, Math.abs(a[i] - b[i]));
            scale = Math.max(scale, Math.abs(b[i]));
        }
        return diff / scale;
    }
}
