package org.ntk4j.solve;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.ntk4j.device.Device;
import org.ntk4j.kernel.KernelOptions;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.operator.DenseKernelOperator;
import org.ntk4j.operator.KernelOperator;
import org.ntk4j.operator.StreamedKernelOperator;
import org.ntk4j.predict.CovarianceMode;
import org.ntk4j.predict.Get;
import org.ntk4j.predict.Posterior;
import org.ntk4j.predict.Predict;
import org.ntk4j.predict.PredictOptions;
import org.ntk4j.predict.Regularization;

/**
 * Solvers are interchangeable over operators: each takes any {@link KernelOperator} and a
 * {@link Regularization} and returns the same posterior type; the exact solver on a streamed
 * operator equals its own dense path, CG on a dense operator converges to it.
 *
 * <p>A streamed operator computes its diagonal entries as cross-kernel entries (x_i against a copy of
 * itself, whose Gram dot product need not give a correlation of exactly 1), while the dense path's
 * symmetric computation uses the exact diagonal: the NTK's entries then differ by up to ~1e-8
 * relative (the arc-cosine maps' √(1 − ρ²) near ρ = 1), which the solve amplifies by the condition
 * number. Hence a 1e-7 tolerance across operators, and bit-for-bit only within one path.
 */
class PosteriorSolverTest {
    private static final Regularization REG = Regularization.relative(1e-3);

    private static PosteriorRequest request(Get get, CovarianceMode mode) {
        Matrix[] dt = CgSolverTest.data(150, 12, 4, 5);
        PredictOptions o = PredictOptions.defaults()
                .withRegularization(REG)
                .withCovariance(mode)
                .withKernelOptions(KernelOptions.defaults().withDevice(Device.CPU));
        return new PosteriorRequest(
                CgSolverTest.ARCH,
                dt[0],
                dt[1],
                dt[2],
                get,
                o,
                SolverOptions.defaults().withTolerance(1e-10).withRank(150));
    }

    private static double maxRelDiff(Matrix a, Matrix b) {
        double d = 0, s = 0;
        for (int i = 0; i < a.rows(); i++)
            for (int j = 0; j < a.cols(); j++) {
                d = Math.max(d, Math.abs(a.get(i, j) - b.get(i, j)));
                s = Math.max(s, Math.abs(a.get(i, j)));
            }
        return d / s;
    }

    @Test
    void theExactSolverOnAStreamedOperatorEqualsItsDensePath() {
        for (Get get : Get.values())
            for (CovarianceMode mode : CovarianceMode.values()) {
                PosteriorRequest r = request(get, mode);
                Posterior reference =
                        PosteriorSolver.of(SolverKind.EXACT).solve(r, "dense").posterior();
                Solved s;
                try (KernelOperator op = StreamedKernelOperator.of(
                        r.arch(), r.xTrain(), r.options().kernelOptions(), true, 0)) {
                    s = PosteriorSolver.of(SolverKind.EXACT).solve(op, REG, r, "streamed");
                }
                assertEquals(SolverKind.EXACT, s.report().solver());
                // measured: NNGP 7e-13, NTK/NTKGP 1.6e-8 (mean) and 2e-9 (variances): see the class comment
                assertTrue(maxRelDiff(reference.mean(), s.posterior().mean()) < 1e-7, get + " " + mode);
                if (mode == CovarianceMode.FULL)
                    assertTrue(maxRelDiff(reference.covariance(), s.posterior().covariance()) < 1e-7, get + " " + mode);
                if (mode == CovarianceMode.DIAGONAL)
                    assertTrue(
                            maxRelDiff(
                                            Matrix.column(reference.variances()),
                                            Matrix.column(s.posterior().variances()))
                                    < 1e-7,
                            get + " " + mode);
            }
    }

    @Test
    void theDensePathEqualsPredictBitForBit() {
        PosteriorRequest r = request(Get.NTK, CovarianceMode.DIAGONAL);
        Posterior viaSolver =
                ScalablePredict.gpInference(r.withSolver(SolverKind.EXACT)).posterior();
        Posterior direct = Predict.gpInference(r.arch(), r.xTrain(), r.yTrain(), r.xTest(), r.get(), r.options());
        assertArrayEquals(direct.mean().toColumnMajor(), viaSolver.mean().toColumnMajor(), 0.0);
        assertArrayEquals(direct.variances(), viaSolver.variances(), 0.0);
    }

    @Test
    void cgOnADenseOperatorConvergesToTheExactPosterior() {
        for (Get get : Get.values()) {
            PosteriorRequest r = request(get, CovarianceMode.DIAGONAL);
            Posterior exact =
                    PosteriorSolver.of(SolverKind.EXACT).solve(r, "exact").posterior();
            Solved cg;
            try (KernelOperator op = DenseKernelOperator.compute(
                    r.arch(), r.xTrain(), r.options().kernelOptions(), true, true)) {
                cg = PosteriorSolver.of(SolverKind.CG).solve(op, REG, r, "dense operator");
            }
            assertTrue(cg.report().converged(), cg.report().summary());
            assertEquals(0, cg.report().kernelPasses(), "a dense operator computes no kernel pass");
            assertTrue(maxRelDiff(exact.mean(), cg.posterior().mean()) < 1e-8, get.toString());
            assertTrue(
                    maxRelDiff(
                                    Matrix.column(exact.variances()),
                                    Matrix.column(cg.posterior().variances()))
                            < 1e-7,
                    get.toString());
        }
    }

    @Test
    void nystromWithEveryPointACenterOnADenseOperatorIsExact() {
        PosteriorRequest r = request(Get.NTKGP, CovarianceMode.DIAGONAL);
        PosteriorRequest all = new PosteriorRequest(
                r.arch(),
                r.xTrain(),
                r.yTrain(),
                r.xTest(),
                r.get(),
                r.options(),
                r.solver().withCenters(r.trainSize()));
        Posterior exact = PosteriorSolver.of(SolverKind.EXACT).solve(r, "exact").posterior();
        Solved ny;
        try (KernelOperator op =
                DenseKernelOperator.compute(r.arch(), r.xTrain(), r.options().kernelOptions(), true, true)) {
            ny = PosteriorSolver.of(SolverKind.NYSTROM).solve(op, REG, all, "dense operator");
        }
        assertTrue(maxRelDiff(exact.mean(), ny.posterior().mean()) < 1e-8);
    }

    @Test
    void autoIsNotASolver() {
        assertThrows(IllegalArgumentException.class, () -> PosteriorSolver.of(SolverKind.AUTO));
        for (SolverKind k : new SolverKind[] {SolverKind.EXACT, SolverKind.CG, SolverKind.NYSTROM})
            assertEquals(k, PosteriorSolver.of(k).kind());
    }

    @Test
    void onTheCpuTheReportSaysCpu() {
        assertEquals(
                Device.CPU,
                ScalablePredict.gpInference(request(Get.NNGP, CovarianceMode.NONE))
                        .report()
                        .device());
    }
}
