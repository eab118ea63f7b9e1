package org.ntk4j.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ntk4j.predict.PredictVectors.matrix;
import static org.ntk4j.predict.PredictVectors.relErr;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ntk4j.error.IllPosedProblemException;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.linalg.JitterPolicy;
import org.ntk4j.linalg.JitterReport;
import org.ntk4j.linalg.Matrix;

/**
 * Mathematical properties of the predictors on the kernels of a real architecture (ReLU, depth 2,
 * from the ntref fixture): the NTKGP variance bounds the ensemble's, t = ∞ (Cholesky) equals the
 * eigen path at large t, finite t converges to it, and degenerate kernels behave as documented.
 */
class PredictPropertiesTest {
    private static final JsonNode F = PredictVectors.load("/predict-fixtures/relu-d2-k3.json");
    private static final Matrix Y = matrix(F.get("y_train"));
    private static final Kernels KDD = PredictVectors.square(F.get("k_dd"));
    private static final Kernels KTD = PredictVectors.testTrain(F.get("k_td"), F.get("k_tt"));
    private static final Kernels KTT = PredictVectors.square(F.get("k_tt"));

    @Test
    void ntkgpVarianceBoundsEnsembleVariance() {
        // docs/soft-optimization.md (E35): Var_NTKGP − Var_ens ≥ 0 when Θ − K ⪰ 0 (NTK parameterization)
        for (double dr : new double[] {0, 1e-4, 1e-2, 1}) {
            try (GpInference gp = GpInference.fit(KDD, Y, Regularization.relative(dr), JitterPolicy.defaults())) {
                double[] ens =
                        gp.predict(Get.NTK, KTD, KTT, CovarianceMode.DIAGONAL).variances();
                double[] ntkgp =
                        gp.predict(Get.NTKGP, KTD, KTT, CovarianceMode.DIAGONAL).variances();
                double scale = 0;
                for (double v : ntkgp) scale = Math.max(scale, v);
                for (int i = 0; i < ens.length; i++)
                    assertTrue(
                            ntkgp[i] >= ens[i] - 1e-12 * scale,
                            "diag_reg " + dr + " point " + i + ": " + ntkgp[i] + " < " + ens[i]);
                // and it is strictly larger somewhere: the test is not vacuous
                boolean strict = false;
                for (int i = 0; i < ens.length; i++) strict |= ntkgp[i] > ens[i] + 1e-6 * scale;
                assertTrue(strict);
            }
        }
    }

    @Test
    void infiniteTimeEqualsLargeTimeAndFiniteTimeConverges() {
        Regularization reg = Regularization.relative(1e-3);
        try (GradientDescentEnsemble e = GradientDescentEnsemble.fit(KDD, Y, 1.0, reg, JitterPolicy.defaults())) {
            for (Get get : new Get[] {Get.NNGP, Get.NTK}) {
                Posterior inf = e.predict(get, Double.POSITIVE_INFINITY, KTD, KTT, CovarianceMode.FULL);
                List<Posterior> ps =
                        e.predict(get, new double[] {1, 10, 100, 1e3, 1e4, 1e5, 1e12}, KTD, KTT, CovarianceMode.FULL);
                double prev = Double.POSITIVE_INFINITY;
                for (Posterior p : ps) {
                    double d = relErr(p.mean(), inf.mean()) + relErr(p.covariance(), inf.covariance());
                    assertTrue(d <= prev + 1e-12, get + ": distance to t=inf must not grow (t=" + p.time() + ")");
                    prev = d;
                }
                Posterior big = ps.get(ps.size() - 1);
                assertTrue(
                        relErr(big.mean(), inf.mean()) < 1e-9,
                        get + " mean at t=1e12 vs Cholesky: " + relErr(big.mean(), inf.mean()));
                assertTrue(relErr(big.covariance(), inf.covariance()) < 1e-9, get + " cov at t=1e12 vs Cholesky");
            }
        }
        Matrix f0 = matrix(F.get("fx_train_0")), g0 = matrix(F.get("fx_test_0"));
        try (GradientDescentMse gd = GradientDescentMse.fit(KDD.ntk(), Y, 0.5, reg, JitterPolicy.defaults())) {
            LinearizedPrediction inf = gd.predict(Double.POSITIVE_INFINITY, f0, g0, KTD.ntk());
            LinearizedPrediction big = gd.predict(1e13, f0, g0, KTD.ntk());
            assertTrue(relErr(big.test(), inf.test()) < 1e-9);
            assertTrue(relErr(big.train(), Y) < 1e-9, "finite-t training outputs converge to y even with diag_reg");
        }
    }

    @Test
    void mirroredInitialOutputsCancel() {
        // linearity in (f0, g0): averaging the predictions from ±f0 gives the f0 = 0 (infinite-width mean) prediction
        Matrix f0 = matrix(F.get("fx_train_0")), g0 = matrix(F.get("fx_test_0"));
        Matrix mf0 = negate(f0), mg0 = negate(g0);
        try (GradientDescentMse gd =
                GradientDescentMse.fit(KDD.ntk(), Y, 1.0, Regularization.relative(1e-3), JitterPolicy.defaults())) {
            for (double t : new double[] {0.5, 7, Double.POSITIVE_INFINITY}) {
                Matrix a = gd.predict(t, f0, g0, KTD.ntk()).test(),
                        b = gd.predict(t, mf0, mg0, KTD.ntk()).test();
                Matrix zero = gd.predict(t, null, null, KTD.ntk()).test();
                double[] avg = new double[a.rows() * a.cols()];
                for (int j = 0; j < a.cols(); j++)
                    for (int i = 0; i < a.rows(); i++) avg[i + j * a.rows()] = 0.5 * (a.get(i, j) + b.get(i, j));
                assertTrue(relErr(Matrix.wrapColumnMajor(a.rows(), a.cols(), avg), zero) < 1e-13, "t=" + t);
            }
        }
    }

    @Test
    void duplicateTrainingPointsAtInfinityAreIllPosedWithoutRegularization() {
        Kernels dup = duplicate(KDD, 3);
        Matrix ydup = duplicateRow(Y, 3);
        Kernels tdDup = duplicateColumn(KTD, 3);
        try (GpInference gp = GpInference.fit(dup, ydup, Regularization.NONE, JitterPolicy.defaults())) {
            IllPosedProblemException e = assertThrows(
                    IllPosedProblemException.class, () -> gp.predict(Get.NNGP, tdDup, KTT, CovarianceMode.DIAGONAL));
            assertTrue(e.getMessage().contains("3") && e.getMessage().contains("diagReg"), e.getMessage());
            assertThrows(
                    IllPosedProblemException.class, () -> gp.predict(Get.NTK, tdDup, KTT, CovarianceMode.DIAGONAL));
        }
        try (GradientDescentMse gd =
                GradientDescentMse.fit(dup.ntk(), ydup, 1, Regularization.NONE, JitterPolicy.defaults())) {
            assertThrows(
                    IllPosedProblemException.class,
                    () -> gd.predict(Double.POSITIVE_INFINITY, null, null, tdDup.ntk()));
            // a finite time is fine (the duplicate direction has eigenvalue ~0 and uses the limit τ/N)
            Matrix out = gd.predict(10, null, null, tdDup.ntk()).test();
            assertEquals(-1, out.firstNonFinite());
        }
        try (GradientDescentEnsemble e =
                GradientDescentEnsemble.fit(dup, ydup, 1, Regularization.NONE, JitterPolicy.defaults())) {
            assertThrows(
                    IllPosedProblemException.class,
                    () -> e.predict(Get.NTK, Double.POSITIVE_INFINITY, tdDup, KTT, CovarianceMode.FULL));
            Posterior p = e.predict(Get.NTK, 10, tdDup, KTT, CovarianceMode.FULL);
            assertEquals(-1, p.mean().firstNonFinite());
            assertEquals(-1, p.covariance().firstNonFinite());
        }
        // with a regularizer the duplicate is harmless, and equals dropping it with doubled weight... just finite here
        try (GpInference gp = GpInference.fit(dup, ydup, Regularization.relative(1e-6), JitterPolicy.defaults())) {
            Posterior p = gp.predict(Get.NTK, tdDup, KTT, CovarianceMode.FULL);
            assertEquals(-1, p.mean().firstNonFinite());
            assertFalse(p.diagnostics().jitter().applied());
        }
    }

    @Test
    void numericallySingularKernelIsJitteredAndReported() {
        // rank-deficient kernel (a linear network's NNGP with n > d + 1): no exact duplicates, so the
        // Cholesky adds jitter, reports it, and the answer equals an explicit absolute regularizer of that size
        int n = 25, d = 3, m = 4;
        java.util.Random r = new java.util.Random(3);
        double[][] x = new double[n + m][d];
        for (double[] row : x) for (int k = 0; k < d; k++) row[k] = r.nextGaussian();
        double[][] k = new double[n + m][n + m];
        for (int i = 0; i < n + m; i++)
            for (int j = 0; j < n + m; j++) {
                double s = 0;
                for (int c = 0; c < d; c++) s += x[i][c] * x[j][c];
                k[i][j] = s / d + 0.01;
            }
        Matrix kdd = block(k, 0, n, 0, n), ktd = block(k, n, m, 0, n), ktt = block(k, n, m, n, m);
        Kernels train = new Kernels(kdd, null, PredictVectors.diagonal(kdd), null);
        Kernels test = new Kernels(ktd, null, PredictVectors.diagonal(ktt), null);
        Kernels testTest = new Kernels(ktt, null, PredictVectors.diagonal(ktt), null);
        Matrix y = block(k, 0, n, 0, 2); // any targets
        Posterior jittered;
        try (GpInference gp = GpInference.fit(train, y, Regularization.NONE, JitterPolicy.defaults())) {
            jittered = gp.predict(Get.NNGP, test, testTest, CovarianceMode.FULL);
        }
        JitterReport j = jittered.diagnostics().jitter();
        assertTrue(j.applied(), "jitter expected on a rank-4 kernel");
        assertFalse(j.reason().isEmpty());
        assertEquals(-1, jittered.mean().firstNonFinite());
        try (GpInference gp = GpInference.fit(train, y, Regularization.absolute(j.added()), JitterPolicy.none())) {
            Posterior explicit = gp.predict(Get.NNGP, test, testTest, CovarianceMode.FULL);
            assertTrue(relErr(jittered.mean(), explicit.mean()) < 1e-12);
            assertTrue(relErr(jittered.covariance(), explicit.covariance()) < 1e-12);
        }
        // without jitter the same problem is a clear error, not NaN
        try (GpInference gp = GpInference.fit(train, y, Regularization.NONE, JitterPolicy.none())) {
            assertThrows(
                    IllPosedProblemException.class,
                    () -> gp.predict(Get.NNGP, test, testTest, CovarianceMode.DIAGONAL));
        }
    }

    @Test
    void negativeVariancesAreClampedAndCounted() {
        // a prior inconsistent with the train-test kernel (variances far too small) makes every
        // posterior variance negative: each is clamped to 0 and counted
        int m = KTD.nngp().rows();
        double[] tiny = new double[m];
        java.util.Arrays.fill(tiny, 1e-9);
        Kernels badPrior = new Kernels(KTD.nngp(), KTD.ntk(), tiny, null);
        try (GpInference gp = GpInference.fit(KDD, Y, Regularization.relative(1e-3), JitterPolicy.defaults())) {
            Posterior p = gp.predict(Get.NNGP, badPrior, null, CovarianceMode.DIAGONAL);
            assertEquals(m, p.diagnostics().negativeVariancesClamped());
            for (double v : p.variances()) assertEquals(0.0, v);
            Posterior ok = gp.predict(Get.NNGP, KTD, null, CovarianceMode.DIAGONAL);
            assertEquals(0, ok.diagnostics().negativeVariancesClamped());
        }
        // the training points as test points: variances are 0 up to round-off, never negative
        Kernels trainAsTest = new Kernels(KDD.nngp(), KDD.ntk(), PredictVectors.diagonal(KDD.nngp()), null);
        try (GpInference gp = GpInference.fit(KDD, Y, Regularization.NONE, JitterPolicy.defaults())) {
            Posterior p = gp.predict(Get.NNGP, trainAsTest, KDD, CovarianceMode.FULL);
            for (int i = 0; i < p.size(); i++) {
                assertTrue(p.covariance().get(i, i) >= 0);
                assertTrue(p.covariance().get(i, i) < 1e-10);
            }
            assertTrue(relErr(p.mean(), Y) < 1e-10, "interpolation");
        }
    }

    private static Matrix negate(Matrix a) {
        double[] d = a.toColumnMajor();
        for (int i = 0; i < d.length; i++) d[i] = -d[i];
        return Matrix.wrapColumnMajor(a.rows(), a.cols(), d);
    }

    static Matrix block(double[][] k, int r0, int nr, int c0, int nc) {
        double[][] b = new double[nr][nc];
        for (int i = 0; i < nr; i++) for (int j = 0; j < nc; j++) b[i][j] = k[r0 + i][c0 + j];
        return Matrix.of(b);
    }

    /** Index map that repeats training point {@code dup} at the end. */
    private static int[] withDuplicate(int n, int dup) {
        int[] idx = new int[n + 1];
        for (int i = 0; i < n; i++) idx[i] = i;
        idx[n] = dup;
        return idx;
    }

    static Matrix pick(Matrix a, int[] rows, int[] cols) {
        double[][] b = new double[rows.length][cols.length];
        for (int i = 0; i < rows.length; i++) for (int j = 0; j < cols.length; j++) b[i][j] = a.get(rows[i], cols[j]);
        return Matrix.of(b);
    }

    private static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) r[i] = i;
        return r;
    }

    static Kernels duplicate(Kernels k, int dup) {
        int[] idx = withDuplicate(k.nngp().rows(), dup);
        Matrix nngp = pick(k.nngp(), idx, idx);
        return new Kernels(nngp, pick(k.ntk(), idx, idx), PredictVectors.diagonal(nngp), null);
    }

    static Matrix duplicateRow(Matrix y, int dup) {
        return pick(y, withDuplicate(y.rows(), dup), range(y.cols()));
    }

    static Kernels duplicateColumn(Kernels k, int dup) {
        int[] rows = range(k.nngp().rows()), cols = withDuplicate(k.nngp().cols(), dup);
        return new Kernels(pick(k.nngp(), rows, cols), pick(k.ntk(), rows, cols), k.cov1(), null);
    }
}
