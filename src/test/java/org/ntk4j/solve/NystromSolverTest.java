package org.ntk4j.solve;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.predict.CovarianceMode;
import org.ntk4j.predict.Get;
import org.ntk4j.predict.Posterior;
import org.ntk4j.predict.Predict;
import org.ntk4j.predict.PredictOptions;
import org.ntk4j.predict.Regularization;

/** Nyström: exact at M = n, converging as M grows, and its full covariance consistent with its variances. */
class NystromSolverTest {
    static double maxDiff(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s = Math.max(s, Math.abs(a[i] - b[i]));
        return s;
    }

    static double rms(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (a[i] - b[i]) * (a[i] - b[i]);
        return Math.sqrt(s / a.length);
    }

    void converges(Get get) {
        Matrix[] dt = CgSolverTest.data(400, 30, 6, 7);
        PredictOptions po = PredictOptions.defaults().withRegularization(Regularization.relative(1e-2));
        Posterior exact = Predict.gpInference(CgSolverTest.ARCH, dt[0], dt[1], dt[2], get, po);
        double sm = CgSolverTest.maxAbs(exact.meanOf(0)), sv = CgSolverTest.maxAbs(exact.variances());
        double[] em = new double[3], ev = new double[3];
        int[] ms = {100, 350, 400};
        for (int q = 0; q < 3; q++) {
            Solved s = ScalablePredict.gpInference(
                    CgSolverTest.ARCH,
                    dt[0],
                    dt[1],
                    dt[2],
                    get,
                    po,
                    SolverOptions.defaults().withSolver(SolverKind.NYSTROM).withCenters(ms[q]));
            assertEquals(ms[q], s.report().centers());
            em[q] = (q == 2
                            ? maxDiff(exact.meanOf(0), s.posterior().meanOf(0))
                            : rms(exact.meanOf(0), s.posterior().meanOf(0)))
                    / sm;
            ev[q] = (q == 2
                            ? maxDiff(exact.variances(), s.posterior().variances())
                            : rms(exact.variances(), s.posterior().variances()))
                    / sv;
        }
        // M = n: the same posterior up to round-off of two different (both well-conditioned) solves
        assertTrue(em[2] < 1e-7 && ev[2] < 1e-7, get + " at M = n: mean " + em[2] + ", variance " + ev[2]);
        assertTrue(
                em[1] < em[0] && ev[1] < ev[0],
                get + " RMS errors must shrink with M: " + java.util.Arrays.toString(em) + " "
                        + java.util.Arrays.toString(ev));
        assertTrue(
                em[0] > 1e-4,
                "M = 100 of 400 should be visibly approximate, got "
                        + em[0]); // guards against comparing a thing with itself
    }

    @Test
    void nngpConvergesToExact() {
        converges(Get.NNGP);
    }

    @Test
    void ntkConvergesToExact() {
        converges(Get.NTK);
    }

    @Test
    void ntkgpConvergesToExact() {
        converges(Get.NTKGP);
    }

    @Test
    void fullCovarianceDiagonalMatchesVariances() {
        Matrix[] dt = CgSolverTest.data(300, 20, 5, 9);
        for (Get get : Get.values()) {
            PredictOptions po = PredictOptions.defaults().withRegularization(Regularization.relative(1e-2));
            SolverOptions so =
                    SolverOptions.defaults().withSolver(SolverKind.NYSTROM).withCenters(60);
            double[] v = ScalablePredict.gpInference(CgSolverTest.ARCH, dt[0], dt[1], dt[2], get, po, so)
                    .posterior()
                    .variances();
            Posterior f = ScalablePredict.gpInference(
                            CgSolverTest.ARCH, dt[0], dt[1], dt[2], get, po.withCovariance(CovarianceMode.FULL), so)
                    .posterior();
            assertTrue(maxDiff(v, f.variancesOrDiagonal()) < 1e-10 * CgSolverTest.maxAbs(v), get.toString());
        }
    }

    @Test
    void autoPicksExactForSmallProblems() {
        Matrix[] dt = CgSolverTest.data(100, 5, 3, 2);
        Solved s = ScalablePredict.gpInference(
                CgSolverTest.ARCH, dt[0], dt[1], dt[2], Get.NTK, PredictOptions.defaults(), null);
        assertEquals(SolverKind.EXACT, s.report().solver());
        assertTrue(s.report().reason().startsWith("auto"));
    }

    @Test
    void autoPicksIterativeBeyondTheBudget() {
        PredictOptions po = PredictOptions.defaults().withRegularization(Regularization.relative(1e-3));
        // 30k points: exact needs > 20 GiB; with a 40 GiB budget the cached CG tiles (14.4 GB) fit
        assertEquals(
                SolverKind.CG,
                SolverChoice.choose(
                                30_000,
                                1000,
                                1,
                                Get.NTK,
                                po,
                                SolverOptions.defaults().withMemoryLimit(40L << 30))
                        .kind());
        assertEquals(
                SolverKind.NYSTROM,
                SolverChoice.choose(
                                1_000_000,
                                1000,
                                1,
                                Get.NTK,
                                po,
                                SolverOptions.defaults().withMemoryLimit(20L << 30))
                        .kind());
        assertEquals(
                SolverKind.EXACT,
                SolverChoice.choose(
                                5_000,
                                1000,
                                1,
                                Get.NTK,
                                po,
                                SolverOptions.defaults().withMemoryLimit(20L << 30))
                        .kind());
        assertThrows(
                org.ntk4j.error.InsufficientMemoryException.class,
                () -> SolverChoice.choose(
                        1_000_000,
                        10,
                        1,
                        Get.NTK,
                        PredictOptions.defaults(),
                        SolverOptions.defaults().withMemoryLimit(20L << 30)));
    }
}
