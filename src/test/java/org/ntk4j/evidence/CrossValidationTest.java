package org.ntk4j.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.api.Test;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.Parameterization;
import org.ntk4j.arch.text.ArchParser;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.predict.Get;

/**
 * The K-fold predictive log likelihood against an independent formula: with A = M + λI over all n
 * points, the predictive distribution of a held-out block V given the rest is N(y_V − Σ(A⁻¹y)_V, Σ),
 * Σ = ((A⁻¹)_VV)⁻¹ (the block inverse; for K = n this is the familiar leave-one-out formula). The
 * implementation factors the kept points' kernel instead, so the two share only the kernel.
 */
class CrossValidationTest {
    private static final Architecture RELU =
            ArchParser.parse("Dense(16,W_std=1.2,b_std=0.3)->Relu->Dense(1,W_std=1.2,b_std=0.3)");
    private static final Architecture ERF_STANDARD =
            ArchParser.parse("Dense(8,W_std=1.1,b_std=0.2)->Erf->Dense(2,W_std=0.9)", Parameterization.STANDARD);

    /** The block-inverse formula for the folds of {@code cv}, summed over points and outputs. */
    static double reference(Architecture arch, Matrix x, Matrix y, boolean ntk, Hyperparameters h, CrossValidation cv) {
        Kernels k = KernelFunction.of(h.applyTo(arch)).compute(x, null);
        RealMatrix a = new Array2DRowRealMatrix((ntk ? k.ntk() : k.nngp()).toArray());
        int n = x.rows();
        for (int i = 0; i < n; i++) a.addToEntry(i, i, h.noise());
        RealMatrix inv = new LUDecomposition(a).getSolver().getInverse();
        RealMatrix ay = inv.multiply(new Array2DRowRealMatrix(y.toArray()));
        double total = 0;
        for (int f = 0; f < cv.folds(); f++) {
            int[] v = cv.heldOut(f);
            RealMatrix sigma =
                    new LUDecomposition(inv.getSubMatrix(v, v)).getSolver().getInverse();
            for (int c = 0; c < y.cols(); c++) {
                RealMatrix r = sigma.multiply(ay.getSubMatrix(v, new int[] {c}));
                for (int i = 0; i < v.length; i++) {
                    double s2 = sigma.getEntry(i, i), res = r.getEntry(i, 0); // y − mean = Σ(A⁻¹y)_V
                    total += -0.5 * (Math.log(2 * Math.PI * s2) + res * res / s2);
                }
            }
        }
        return total;
    }

    @Test
    void matchesTheBlockInverseFormulaForNngpAndNtkgp() {
        Matrix x = EvidenceTestData.inputs(37, 3, 1, false), y = EvidenceTestData.targets(x, 2, 2);
        Hyperparameters h = new Hyperparameters(1.3, 0.4, 0.03);
        for (Architecture arch : new Architecture[] {RELU, ERF_STANDARD}) {
            for (Get get : new Get[] {Get.NNGP, Get.NTKGP}) {
                for (int folds : new int[] {2, 5, 37}) {
                    CrossValidation cv = CrossValidation.of(MarginalLikelihood.of(arch, x, y, get), folds, 11);
                    double got = cv.logLikelihood(h), want = reference(arch, x, y, get == Get.NTKGP, h, cv);
                    assertEquals(want, got, 1e-9 * Math.abs(want), arch.describe() + " " + get + " K=" + folds);
                }
            }
        }
    }

    @Test
    void foldsPartitionThePointsAndDependOnlyOnTheSeed() {
        Matrix x = EvidenceTestData.inputs(23, 2, 3, false), y = EvidenceTestData.targets(x, 1, 4);
        MarginalLikelihood ml = MarginalLikelihood.of(RELU, x, y, Get.NNGP);
        CrossValidation cv = CrossValidation.of(ml, 5, 7);
        int[] seen = new int[23];
        for (int f = 0; f < 5; f++) {
            int[] v = cv.heldOut(f);
            assertTrue(v.length == 4 || v.length == 5, "fold sizes differ by at most one: " + v.length);
            for (int i : v) seen[i]++;
        }
        assertTrue(Arrays.stream(seen).allMatch(c -> c == 1), "every point held out exactly once");
        CrossValidation same = CrossValidation.of(ml, 5, 7), other = CrossValidation.of(ml, 5, 8);
        for (int f = 0; f < 5; f++) assertTrue(Arrays.equals(cv.heldOut(f), same.heldOut(f)));
        boolean differs = false;
        for (int f = 0; f < 5; f++) differs |= !Arrays.equals(cv.heldOut(f), other.heldOut(f));
        assertTrue(differs, "another seed, another split");
    }

    @Test
    void badFoldsAndZeroNoiseNameTheirArgument() {
        Matrix x = EvidenceTestData.inputs(6, 2, 3, false), y = EvidenceTestData.targets(x, 1, 4);
        MarginalLikelihood ml = MarginalLikelihood.of(RELU, x, y, Get.NNGP);
        assertEquals(
                "folds",
                assertThrows(InvalidInputException.class, () -> CrossValidation.of(ml, 1, 0))
                        .argument());
        assertEquals(
                "folds",
                assertThrows(InvalidInputException.class, () -> CrossValidation.of(ml, 7, 0))
                        .argument());
        assertEquals(
                "folds",
                assertThrows(
                                InvalidInputException.class,
                                () -> FitOptions.defaults().withCrossValidation(1))
                        .argument());
        CrossValidation cv = CrossValidation.of(ml, 3, 0);
        assertEquals(
                "noise",
                assertThrows(InvalidInputException.class, () -> cv.logLikelihood(new Hyperparameters(1, 0.1, 0)))
                        .argument());
    }

    /** The fit by cross-validation: its value is the CV at the fitted point, no standard errors, converged. */
    @Test
    void fitMaximizesTheCrossValidatedLikelihood() {
        Hyperparameters truth = new Hyperparameters(1.4, 0.4, 0.05);
        Matrix x = EvidenceTestData.inputs(60, 3, 5, false), y = HyperparameterFitTest.draw(RELU, truth, x, 2, 6);
        MarginalLikelihood ml = MarginalLikelihood.of(RELU, x, y, Get.NNGP);
        FitResult fit = HyperparameterFit.fit(
                ml, FitOptions.defaults().withStarts(2).withSeed(3).withCrossValidation(4));
        assertEquals(FitObjective.CROSS_VALIDATION, fit.objective());
        CrossValidation cv = CrossValidation.of(ml, 4, 3);
        assertEquals(cv.logLikelihood(fit.hyperparameters()), fit.cvLogLikelihood(), 0.0);
        assertEquals(fit.cvLogLikelihood(), fit.objectiveValue(), 0.0);
        assertEquals(ml.evaluate(fit.hyperparameters()).lml(), fit.evidence().lml(), 0.0);
        assertNull(fit.evidence().gradient());
        assertEquals(FitResult.StandardErrors.NONE, fit.standardErrors());
        assertTrue(fit.gradientNorm() < 1e-2, "projected gradient " + fit.gradientNorm());
        double best = Double.NEGATIVE_INFINITY;
        for (FitResult.Start s : fit.starts()) {
            assertEquals(cv.logLikelihood(s.end()), s.cvLogLikelihood(), 0.0);
            assertEquals(ml.evaluate(s.end()).lml(), s.lml(), 0.0);
            best = Math.max(best, s.cvLogLikelihood());
        }
        assertEquals(best, fit.cvLogLikelihood(), 0.0, "the best start wins");
        for (double scale : new double[] {0.7, 1.4}) // a step away in W_std or λ is no better
        for (Hyperparameters moved : new Hyperparameters[] {
            fit.hyperparameters().withWStd(fit.hyperparameters().wStd() * scale),
            fit.hyperparameters().withNoise(fit.hyperparameters().noise() * scale)
        }) assertTrue(cv.logLikelihood(moved) <= fit.cvLogLikelihood(), moved.toString());
    }
}
