package org.ntk4j.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.api.Test;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.text.ArchParser;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.predict.Get;

/**
 * The recovery target of issue 15 on a small case: targets drawn from a 2-layer ReLU NNGP prior
 * with known W_std, b_std and λ; the fit lands within 3 Laplace standard errors of the truth and at
 * least as high as every point of a grid over the same box. (The full size, n = 1000,
 * d = 8 against a 20 × 20 × 10 grid, belongs in the slow profile.)
 */
class HyperparameterFitTest {
    private static final Architecture RELU2 =
            ArchParser.parse("Dense(64,W_std=1,b_std=1)->Relu->Dense(1,W_std=1,b_std=1)");

    /** k columns drawn from N(0, K + λI) with K the NNGP of {@code arch} at {@code truth}. */
    static Matrix draw(Architecture arch, Hyperparameters truth, Matrix x, int k, long seed) {
        int n = x.rows();
        RealMatrix c = new Array2DRowRealMatrix(
                KernelFunction.of(truth.applyTo(arch)).compute(x, null).nngp().toArray());
        for (int i = 0; i < n; i++) c.addToEntry(i, i, truth.noise());
        RealMatrix l = new CholeskyDecomposition(c).getL();
        Random r = new Random(seed);
        double[][] z = new double[n][k];
        for (double[] row : z) for (int j = 0; j < k; j++) row[j] = r.nextGaussian();
        return Matrix.of(l.multiply(new Array2DRowRealMatrix(z)).getData());
    }

    @Test
    void recoversTheHyperparametersOfTheDataAndBeatsAGrid() {
        Hyperparameters truth = new Hyperparameters(1.4, 0.4, 0.05);
        Matrix x = EvidenceTestData.inputs(100, 3, 5, false), y = draw(RELU2, truth, x, 3, 6);
        MarginalLikelihood ml = MarginalLikelihood.of(RELU2, x, y, Get.NNGP);
        FitResult fit = HyperparameterFit.fit(ml, FitOptions.defaults().withStarts(2));
        assertEquals(2, fit.starts().size());
        assertEquals(
                new Hyperparameters(1, 1, 0.1 * HyperparameterFit.targetScale(y)),
                fit.starts().get(0).start(),
                "the first start is the architecture's own values");
        Hyperparameters h = fit.hyperparameters();
        FitResult.StandardErrors se = fit.standardErrors();
        assertNotNull(se.wStd());
        assertNotNull(se.bStd());
        assertNotNull(se.noise());
        assertTrue(Math.abs(Math.log(h.wStd() / truth.wStd())) <= 3 * se.wStd(), "W_std " + h + " +- " + se);
        assertTrue(Math.abs(Math.log(h.bStd() / truth.bStd())) <= 3 * se.bStd(), "b_std " + h + " +- " + se);
        assertTrue(Math.abs(Math.log(h.noise() / truth.noise())) <= 3 * se.noise(), "noise " + h + " +- " + se);
        assertTrue(fit.gradientNorm() < 1e-2, "projected gradient " + fit.gradientNorm());
        assertEquals(fit.evidence().lml(), ml.evaluate(h).lml(), 0.0);
        assertTrue(fit.evaluations()
                >= fit.starts().get(0).evaluations() + fit.starts().get(1).evaluations());
        double scale = HyperparameterFit.targetScale(y), gridBest = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < 6; i++)
            for (int j = 0; j < 6; j++)
                for (int l = 0; l < 4; l++) {
                    Hyperparameters g = new Hyperparameters(
                            logGrid(HyperparameterFit.W_MIN, HyperparameterFit.W_MAX, i, 6),
                            logGrid(HyperparameterFit.B_MIN, HyperparameterFit.B_MAX, j, 6),
                            logGrid(HyperparameterFit.NOISE_MIN * scale, HyperparameterFit.NOISE_MAX * scale, l, 4));
                    gridBest = Math.max(gridBest, HyperparameterFit.evaluate(ml, g));
                }
        assertTrue(fit.evidence().lml() >= gridBest, "fit " + fit.evidence().lml() + " < grid " + gridBest);
    }

    @Test
    void withoutBiasOnlyWStdAndNoiseAreFitted() {
        Architecture a = ArchParser.parse("Dense(32,W_std=2)->Erf->Dense(1,W_std=2)");
        Hyperparameters truth = new Hyperparameters(1.5, 0, 0.02);
        Matrix x = EvidenceTestData.inputs(80, 2, 9, false), y = draw(a, truth, x, 2, 10);
        FitResult fit = HyperparameterFit.fit(
                MarginalLikelihood.of(a, x, y, Get.NTKGP), FitOptions.defaults().withStarts(1));
        assertEquals(0.0, fit.hyperparameters().bStd());
        assertNull(fit.standardErrors().bStd());
        assertTrue(fit.gradientNorm() < 1e-2, "projected gradient " + fit.gradientNorm());
        assertEquals(Evidence.GradientMethod.ANALYTIC, fit.evidence().gradient().method());
    }

    /**
     * Data without a bias term: the likelihood keeps rising, ever more slowly, as b_std → 0, a
     * direction BOBYQA would crawl along to the evaluation limit; the plateau rule ends the start
     * with the likelihood as good as at the lower bound of b_std.
     */
    @Test
    void aFlatDirectionEndsOnAPlateauNotAtTheEvaluationLimit() {
        Hyperparameters truth = new Hyperparameters(1.2, 0, 0.05);
        Matrix x = EvidenceTestData.inputs(80, 3, 21, false), y = draw(RELU2, truth, x, 1, 22);
        MarginalLikelihood ml = MarginalLikelihood.of(RELU2, x, y, Get.NNGP);
        FitResult fit = HyperparameterFit.fit(ml, FitOptions.defaults().withStarts(1));
        assertTrue(
                fit.starts().get(0).evaluations() < FitOptions.defaults().maxEvaluationsPerStart(),
                "evaluations " + fit.starts().get(0).evaluations());
        Hyperparameters h = fit.hyperparameters();
        double atBound = ml.evaluate(h.withBStd(HyperparameterFit.B_MIN)).lml();
        assertTrue(
                fit.evidence().lml() >= atBound - 1e-2, fit.evidence().lml() + " vs " + atBound + " at b_std = B_MIN");
    }

    private static double logGrid(double lo, double hi, int i, int count) {
        return Math.exp(Math.log(lo) + (Math.log(hi) - Math.log(lo)) * i / (count - 1));
    }
}
