package org.ntk4j.solve;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.linalg.Rows;
import org.ntk4j.predict.CovarianceMode;
import org.ntk4j.predict.Get;
import org.ntk4j.predict.Posterior;
import org.ntk4j.predict.PredictOptions;
import org.ntk4j.predict.Regularization;

/**
 * Falkon solves the Nyström model: for the same centers its mean equals NYSTROM's to the tolerance
 * (nngp, ntk, ntkgp), its variances are NYSTROM's, the iteration stops by the rule it reports, and bad
 * centers or tolerances are typed errors.
 */
class FalkonSolverTest {
    private static final PredictOptions PO =
            PredictOptions.defaults().withRegularization(Regularization.relative(1e-2));

    private static Solved solve(Matrix[] dt, Get get, PredictOptions po, SolverOptions so) {
        return ScalablePredict.gpInference(CgSolverTest.ARCH, dt[0], dt[1], dt[2], get, po, so);
    }

    /** max |a − b| / max |b| over all entries. */
    private static double relDiff(double[] a, double[] b) {
        return NystromSolverTest.maxDiff(a, b) / CgSolverTest.maxAbs(b);
    }

    private static void equalsNystrom(Get get, SolverOptions centers) {
        Matrix[] dt = CgSolverTest.data(500, 40, 6, 11);
        double tol = 1e-6;
        Solved ny = solve(dt, get, PO, centers.withSolver(SolverKind.NYSTROM));
        Solved fa = solve(dt, get, PO, centers.withSolver(SolverKind.FALKON).withTolerance(tol));
        SolveReport rep = fa.report();
        assertEquals(SolverKind.FALKON, rep.solver());
        assertTrue(rep.converged() && rep.stoppingRule().equals("tolerance"), rep.summary());
        assertTrue(rep.maxRelativeResidual() <= tol * SolverOptions.RESIDUAL_MARGIN * 1.01, rep.summary());
        assertTrue(rep.iterations() > 1 && rep.iterations() < 100, rep.summary());
        double dm = relDiff(fa.posterior().meanOf(0), ny.posterior().meanOf(0));
        assertTrue(dm <= tol, get + ": Falkon's mean differs from Nystrom's by " + dm + " relative");
        double dv = relDiff(fa.posterior().variances(), ny.posterior().variances());
        assertTrue(dv < 1e-10, get + ": the variances are the Nystrom model's, differ by " + dv);
        // guards against comparing a thing with itself: the model is visibly not the exact posterior
        Solved ex = solve(dt, get, PO, SolverOptions.defaults().withSolver(SolverKind.EXACT));
        assertTrue(relDiff(fa.posterior().meanOf(0), ex.posterior().meanOf(0)) > 1e-4);
    }

    @Test
    void nngpEqualsNystromForTheSameCenters() {
        equalsNystrom(Get.NNGP, SolverOptions.defaults().withCenters(80).withSeed(3));
    }

    @Test
    void ntkEqualsNystromForTheSameCenters() {
        equalsNystrom(Get.NTK, SolverOptions.defaults().withCenters(80).withSeed(4));
    }

    @Test
    void ntkgpEqualsNystromForTheSameCenters() {
        equalsNystrom(Get.NTKGP, SolverOptions.defaults().withCenters(80));
    }

    @Test
    void centersGivenAsPointsEqualNystromsToo() {
        Matrix[] dt = CgSolverTest.data(500, 40, 6, 11);
        // points off the training set: 60 fresh inputs
        Matrix z = CgSolverTest.data(60, 1, 6, 99)[0];
        equalsNystrom(Get.NTK, SolverOptions.defaults().withCenterPoints(z));
        // the training rows a seed draws, given as points, are the same model as the draw
        int[] idx = CenterSelection.sampleIndices(500, 50, 7);
        Matrix rows = Rows.select(dt[0].toColumnMajor(), 500, 6, idx);
        Posterior drawn = solve(
                        dt,
                        Get.NNGP,
                        PO,
                        SolverOptions.defaults()
                                .withSolver(SolverKind.NYSTROM)
                                .withCenters(50)
                                .withSeed(7))
                .posterior();
        Posterior given = solve(
                        dt,
                        Get.NNGP,
                        PO,
                        SolverOptions.defaults().withSolver(SolverKind.NYSTROM).withCenterPoints(rows))
                .posterior();
        assertTrue(relDiff(given.meanOf(0), drawn.meanOf(0)) < 1e-12);
        assertTrue(relDiff(given.variances(), drawn.variances()) < 1e-12);
    }

    @Test
    void severalOutputsAndTheMeanAloneAndAFullCovariance() {
        Matrix[] dt = CgSolverTest.data(300, 20, 5, 12);
        double[] y2 = new double[300 * 2];
        double[] y = dt[1].toColumnMajor();
        for (int i = 0; i < 300; i++) {
            y2[i] = y[i];
            y2[300 + i] = Math.cos(3 * y[i]) * 1e6; // another scale: each column converges on its own
        }
        Matrix[] d2 = {dt[0], Matrix.wrapColumnMajor(300, 2, y2), dt[2]};
        SolverOptions so = SolverOptions.defaults().withCenters(70);
        PredictOptions none = PO.withCovariance(CovarianceMode.NONE);
        Solved ny = solve(d2, Get.NTK, none, so.withSolver(SolverKind.NYSTROM));
        Solved fa = solve(d2, Get.NTK, none, so.withSolver(SolverKind.FALKON));
        assertNull(fa.posterior().variances());
        for (int j = 0; j < 2; j++)
            assertTrue(relDiff(fa.posterior().meanOf(j), ny.posterior().meanOf(j)) <= 1e-6);
        PredictOptions full = PO.withCovariance(CovarianceMode.FULL);
        Posterior nf =
                solve(d2, Get.NNGP, full, so.withSolver(SolverKind.NYSTROM)).posterior();
        Posterior ff =
                solve(d2, Get.NNGP, full, so.withSolver(SolverKind.FALKON)).posterior();
        assertTrue(relDiff(ff.covariance().toColumnMajor(), nf.covariance().toColumnMajor()) < 1e-10);
    }

    @Test
    void theIterationCapStopsItAndTheReportSaysSo() {
        Matrix[] dt = CgSolverTest.data(300, 10, 5, 13);
        Solved s = solve(
                dt,
                Get.NTK,
                PO.withCovariance(CovarianceMode.NONE),
                SolverOptions.defaults()
                        .withSolver(SolverKind.FALKON)
                        .withCenters(100)
                        .withTolerance(1e-12)
                        .withMaxIterations(2));
        assertEquals(2, s.report().iterations());
        assertFalse(s.report().converged());
        assertEquals("iteration cap", s.report().stoppingRule());
        assertTrue(s.report().summary().contains("NOT converged"), s.report().summary());
        // b, 2 iterations, the true residual: 4 passes over n x M, never more
        assertEquals(4, s.report().kernelPasses());
    }

    @Test
    void badCentersAndTolerancesAreTypedErrors() {
        Matrix[] dt = CgSolverTest.data(50, 5, 4, 14);
        SolverOptions falkon = SolverOptions.defaults().withSolver(SolverKind.FALKON);
        InvalidInputException tooMany =
                assertThrows(InvalidInputException.class, () -> solve(dt, Get.NTK, PO, falkon.withCenters(51)));
        assertEquals("centers", tooMany.argument());
        assertTrue(tooMany.getMessage().contains("at most 50"), tooMany.getMessage());
        assertEquals(
                "centers",
                assertThrows(InvalidInputException.class, () -> falkon.withCenters(-1))
                        .argument());
        assertEquals(
                "tolerance",
                assertThrows(InvalidInputException.class, () -> falkon.withTolerance(0))
                        .argument());
        assertEquals(
                "tolerance",
                assertThrows(InvalidInputException.class, () -> falkon.withTolerance(1.5))
                        .argument());
        assertEquals(
                "maxIterations",
                assertThrows(InvalidInputException.class, () -> falkon.withMaxIterations(-3))
                        .argument());
        assertEquals(
                "diagReg",
                assertThrows(
                                InvalidInputException.class,
                                () -> solve(dt, Get.NTK, PredictOptions.defaults(), falkon.withCenters(10)))
                        .argument());
        Matrix wrongD = CgSolverTest.data(10, 1, 3, 15)[0];
        assertEquals(
                "centerPoints",
                assertThrows(InvalidInputException.class, () -> solve(dt, Get.NTK, PO, falkon.withCenterPoints(wrongD)))
                        .argument());
        Matrix nan = Matrix.wrapColumnMajor(1, 4, new double[] {0, Double.NaN, 0, 0});
        assertEquals(
                "centerPoints",
                assertThrows(InvalidInputException.class, () -> falkon.withCenterPoints(nan))
                        .argument());
    }

    @Test
    void thePreconditionerFromAKernelMatrixSolvesAGivenDataTerm() {
        // the contract a distributed engine uses: K_MM and λ in, the data term as a function
        Matrix[] dt = CgSolverTest.data(200, 1, 4, 16);
        int n = 200, m = 30;
        int[] idx = CenterSelection.sampleIndices(n, m, 0);
        try (var k = org.ntk4j.operator.StreamedKernelOperator.of(CgSolverTest.ARCH, dt[0], null, false, 0)) {
            Matrix knm = k.block(0, n, idx).nngp(),
                    kmm =
                            k.among(Rows.select(dt[0].toColumnMajor(), n, 4, idx), false)
                                    .nngp();
            double lambda = 0.05;
            double[] y = dt[1].toColumnMajor(), b = new double[m];
            for (int j = 0; j < m; j++) for (int i = 0; i < n; i++) b[j] += knm.get(i, j) * y[i];
            try (FalkonPreconditioner p = FalkonPreconditioner.of(kmm, lambda, n)) {
                Falkon.Result r = Falkon.solve(
                        (v, cols) -> {
                            double[] out = new double[m * cols];
                            for (int c = 0; c < cols; c++)
                                for (int i = 0; i < n; i++) {
                                    double t = 0;
                                    for (int j = 0; j < m; j++) t += knm.get(i, j) * v[c * m + j];
                                    for (int j = 0; j < m; j++) out[c * m + j] += knm.get(i, j) * t;
                                }
                            return out;
                        },
                        p,
                        b,
                        1,
                        1e-10,
                        200);
                assertEquals(Falkon.TOLERANCE, r.stoppingRule());
                // H·α = b with H = K_MnK_nM + λ·K_MM (no jitter was needed here)
                assertFalse(p.jitter().applied());
                double[] a = r.alpha();
                double err = 0, bn = 0;
                for (int j = 0; j < m; j++) {
                    double h = 0;
                    for (int q = 0; q < m; q++) {
                        double g = lambda * kmm.get(j, q);
                        for (int i = 0; i < n; i++) g += knm.get(i, j) * knm.get(i, q);
                        h += g * a[q];
                    }
                    err = Math.max(err, Math.abs(h - b[j]));
                    bn = Math.max(bn, Math.abs(b[j]));
                }
                assertTrue(err < 1e-6 * bn, "residual " + err + " of " + bn);
            }
        }
    }
}
