package org.ntk4j.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.api.Test;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.Parameterization;
import org.ntk4j.arch.text.ArchParser;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.linalg.Rows;
import org.ntk4j.predict.Get;
import org.ntk4j.solve.LowRankPreconditioner;
import org.ntk4j.solve.SolverOptions;

/**
 * The Nyström model's likelihood: with every point a center it is the exact LML (target (c) of
 * issue 15); with fewer it is the likelihood of the dense matrix Q = K_nM K_MM⁻¹ K_Mn + λI on the
 * solver's own centers (computed here directly, O(n³)); its λ-derivative is in closed form.
 */
class NystromEvidenceTest {
    private static final String RELU =
            "Dense(32,W_std=1,b_std=1)->Relu->Dense(16,W_std=1,b_std=1)->Relu->Dense(1,W_std=1,b_std=1)";
    private static final String ERF = "Dense(32,W_std=1,b_std=1)->Erf(1.7,0.6,-0.2)->Dense(2,W_std=1)";

    private static EvidenceOptions nystrom(int centers, long seed) {
        return EvidenceOptions.defaults()
                .withModel(EvidenceModel.NYSTROM)
                .withSolverOptions(SolverOptions.defaults().withCenters(centers).withSeed(seed));
    }

    @Test
    void allPointsAsCentersGiveTheExactLml() {
        Matrix x = EvidenceTestData.inputs(30, 4, 21, false), y = EvidenceTestData.targets(x, 2, 22);
        Hyperparameters h = new Hyperparameters(1.3, 0.2, 0.05);
        for (String text : new String[] {RELU, ERF})
            for (Parameterization par : Parameterization.values())
                for (Get get : new Get[] {Get.NNGP, Get.NTKGP}) {
                    Architecture arch = ArchParser.parse(text, par);
                    EvidenceOptions exactModel = EvidenceOptions.defaults().withModel(EvidenceModel.EXACT);
                    double exact = MarginalLikelihood.of(arch, x, y, get, exactModel)
                            .evaluate(h)
                            .lml();
                    Evidence e = MarginalLikelihood.of(arch, x, y, get, nystrom(30, 5))
                            .evaluate(h);
                    assertEquals(EvidenceModel.NYSTROM, e.model());
                    assertEquals(30, e.centers());
                    assertEquals(exact, e.lml(), 1e-8 * Math.abs(exact), text + " " + par + " " + get);
                }
    }

    @Test
    void fewerCentersGiveTheLikelihoodOfTheNystromMatrix() {
        Matrix x = EvidenceTestData.inputs(40, 3, 31, false), y = EvidenceTestData.targets(x, 2, 32);
        Hyperparameters h = new Hyperparameters(1.1, 0.3, 0.02);
        for (Get get : new Get[] {Get.NNGP, Get.NTKGP}) {
            Architecture arch = ArchParser.parse(RELU, Parameterization.NTK);
            Evidence e = MarginalLikelihood.of(arch, x, y, get, nystrom(12, 7)).evaluate(h);
            double direct = denseNystromLml(
                    h.applyTo(arch), x, y, get == Get.NTKGP, LowRankPreconditioner.sample(40, 12, 7), h.noise());
            assertEquals(direct, e.lml(), 1e-9 * Math.abs(direct), get.toString());
            double exact = MarginalLikelihood.of(arch, x, y, get).evaluate(h).lml();
            assertTrue(Math.abs(exact - e.lml()) > 1e-3, "12 of 40 centers is a different model");
        }
    }

    @Test
    void gradientMatchesDifferences() {
        Matrix x = EvidenceTestData.inputs(30, 3, 41, false), y = EvidenceTestData.targets(x, 1, 42);
        Hyperparameters h = new Hyperparameters(1.2, 0.3, 0.05);
        Architecture arch = ArchParser.parse(ERF, Parameterization.STANDARD);
        MarginalLikelihood ml = MarginalLikelihood.of(arch, x, y, Get.NTKGP, nystrom(10, 3));
        Evidence e = ml.evaluateWithGradient(h);
        assertEquals(Evidence.GradientMethod.FINITE_DIFFERENCES, e.gradient().method());
        double fw = EvidenceTestData.derivative(w -> ml.evaluate(h.withWStd(w)).lml(), h.wStd(), 2e-3);
        double fb = EvidenceTestData.derivative(b -> ml.evaluate(h.withBStd(b)).lml(), h.bStd(), 2e-3);
        double fl = EvidenceTestData.derivative(l -> ml.evaluate(h.withNoise(l)).lml(), h.noise(), 2e-4);
        double scale = Math.max(Math.abs(fw), Math.max(Math.abs(fb), Math.abs(fl)));
        assertEquals(fw, e.gradient().wStd(), 1e-6 * scale);
        assertEquals(fb, e.gradient().bStd(), 1e-6 * scale);
        assertEquals(fl, e.gradient().noise(), 1e-6 * scale);
    }

    @Test
    void needsPositiveNoise() {
        Matrix x = EvidenceTestData.inputs(10, 3, 1, false), y = EvidenceTestData.targets(x, 1, 2);
        MarginalLikelihood ml = MarginalLikelihood.of(ArchParser.parse(RELU), x, y, Get.NNGP, nystrom(5, 0));
        InvalidInputException ex =
                assertThrows(InvalidInputException.class, () -> ml.evaluate(new Hyperparameters(1, 0.1, 0)));
        assertEquals("noise", ex.argument());
    }

    @Test
    void autoIsExactWhileTheKernelFitsElseNystrom() {
        Matrix x = EvidenceTestData.inputs(20, 3, 1, false), y = EvidenceTestData.targets(x, 1, 2);
        Architecture arch = ArchParser.parse(RELU);
        assertEquals(
                EvidenceModel.EXACT, MarginalLikelihood.of(arch, x, y, Get.NNGP).model());
        EvidenceOptions tight = EvidenceOptions.defaults()
                .withSolverOptions(
                        SolverOptions.defaults().withMemoryLimit(1000).withCenters(8));
        MarginalLikelihood ml = MarginalLikelihood.of(arch, x, y, Get.NNGP, tight);
        assertEquals(EvidenceModel.NYSTROM, ml.model());
        Evidence e = ml.evaluate(new Hyperparameters(1, 0.1, 0.1));
        assertEquals(EvidenceModel.NYSTROM, e.model());
        assertEquals(8, e.centers());
    }

    @Test
    void centersGivenAsPointsAreRefusedNamingThem() {
        Matrix x = EvidenceTestData.inputs(20, 3, 1, false), y = EvidenceTestData.targets(x, 1, 2);
        EvidenceOptions points = EvidenceOptions.defaults()
                .withModel(EvidenceModel.NYSTROM)
                .withSolverOptions(SolverOptions.defaults().withCenterPoints(x));
        MarginalLikelihood ml = MarginalLikelihood.of(ArchParser.parse(RELU), x, y, Get.NNGP, points);
        org.ntk4j.error.InvalidInputException e = org.junit.jupiter.api.Assertions.assertThrows(
                org.ntk4j.error.InvalidInputException.class, () -> ml.evaluate(new Hyperparameters(1, 0.1, 0.1)));
        assertEquals("centerPoints", e.argument());
    }

    /** The Gaussian log likelihood of y under N(0, Q + λI), Q = K_nM K_MM⁻¹ K_Mn, formed densely (commons-math). */
    static double denseNystromLml(Architecture arch, Matrix x, Matrix y, boolean ntk, int[] centers, double noise) {
        int n = x.rows(), k = y.cols();
        Matrix z = Rows.select(x.toColumnMajor(), n, x.cols(), centers);
        KernelFunction kf = KernelFunction.of(arch);
        Kernels knm = kf.compute(x, z), kmm = kf.compute(z, null);
        RealMatrix a = new Array2DRowRealMatrix((ntk ? knm.ntk() : knm.nngp()).toArray());
        RealMatrix mm = new Array2DRowRealMatrix((ntk ? kmm.ntk() : kmm.nngp()).toArray());
        RealMatrix q = a.multiply(
                new CholeskyDecomposition(mm, 1e-12, 1e-14).getSolver().solve(a.transpose()));
        for (int i = 0; i < n; i++)
            for (int j = 0; j < i; j++) {
                double s = 0.5 * (q.getEntry(i, j) + q.getEntry(j, i));
                q.setEntry(i, j, s);
                q.setEntry(j, i, s);
            }
        for (int i = 0; i < n; i++) q.addToEntry(i, i, noise);
        CholeskyDecomposition c = new CholeskyDecomposition(q, 1e-12, 1e-14);
        RealMatrix alpha = c.getSolver().solve(new Array2DRowRealMatrix(y.toArray()));
        double quad = 0;
        for (int i = 0; i < n; i++) for (int j = 0; j < k; j++) quad += y.get(i, j) * alpha.getEntry(i, j);
        return -0.5 * quad - 0.5 * k * Math.log(c.getDeterminant()) - 0.5 * n * k * Math.log(2 * Math.PI);
    }
}
