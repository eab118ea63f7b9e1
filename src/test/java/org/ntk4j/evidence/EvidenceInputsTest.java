package org.ntk4j.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.Dense;
import org.ntk4j.arch.Parameterization;
import org.ntk4j.arch.text.ArchParser;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.kernel.KernelOptions;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.predict.Get;

/** Typed errors naming the argument, the hyperparameters' sharing rule, and properties of one evaluation. */
class EvidenceInputsTest {
    private static final Architecture ARCH =
            ArchParser.parse("Dense(16,W_std=1.5,b_std=0.1)->Relu->Dense(1,W_std=1.5,b_std=0.1)");
    private static final Matrix X = EvidenceTestData.inputs(12, 3, 1, false);
    private static final Matrix Y = EvidenceTestData.targets(X, 2, 2);

    private static String argumentOf(Runnable r) {
        return assertThrows(InvalidInputException.class, r::run).argument();
    }

    @Test
    void badInputsNameTheirArgument() {
        assertEquals("arch", argumentOf(() -> MarginalLikelihood.of(null, X, Y, Get.NNGP)));
        assertEquals("xTrain", argumentOf(() -> MarginalLikelihood.of(ARCH, null, Y, Get.NNGP)));
        assertEquals("yTrain", argumentOf(() -> MarginalLikelihood.of(ARCH, X, null, Get.NNGP)));
        Matrix fiveRows = EvidenceTestData.targets(EvidenceTestData.inputs(5, 3, 1, false), 1, 1);
        assertEquals("yTrain", argumentOf(() -> MarginalLikelihood.of(ARCH, X, fiveRows, Get.NNGP)));
        double[][] bad = X.toArray();
        bad[3][1] = Double.NaN;
        assertEquals("xTrain", argumentOf(() -> MarginalLikelihood.of(ARCH, Matrix.of(bad), Y, Get.NNGP)));
        double[][] badY = Y.toArray();
        badY[2][0] = Double.POSITIVE_INFINITY;
        assertEquals("yTrain", argumentOf(() -> MarginalLikelihood.of(ARCH, X, Matrix.of(badY), Get.NNGP)));
        assertEquals("get", argumentOf(() -> MarginalLikelihood.of(ARCH, X, Y, Get.NTK)));
        assertEquals("get", argumentOf(() -> MarginalLikelihood.of(ARCH, X, Y, null)));
        assertEquals("wStd", argumentOf(() -> new Hyperparameters(-1, 0.1, 0.1)));
        assertEquals("bStd", argumentOf(() -> new Hyperparameters(1, Double.NaN, 0.1)));
        assertEquals("noise", argumentOf(() -> new Hyperparameters(1, 0.1, -1e-3)));
        assertEquals(
                "hyperparameters",
                argumentOf(() -> MarginalLikelihood.of(ARCH, X, Y, Get.NNGP).evaluate(null)));
    }

    @Test
    void hyperparametersAreSharedByTheDenseLayersThatHaveThem() {
        Architecture a =
                ArchParser.parse("Dense(8,W_std=0.7)->Erf->Dense(4,W_std=2,b_std=0)->Relu->Dense(1,W_std=3,b_std=0.4)");
        Hyperparameters h = Hyperparameters.of(a, 0.01);
        assertEquals(new Hyperparameters(0.7, 0.0, 0.01), h, "first W_std, first b_std of a layer with a bias");
        Architecture b = new Hyperparameters(1.25, 0.5, 0).applyTo(a.withParameterization(Parameterization.STANDARD));
        assertEquals(Parameterization.STANDARD, b.parameterization());
        Dense d0 = (Dense) b.layers().get(0),
                d1 = (Dense) b.layers().get(2),
                d2 = (Dense) b.layers().get(4);
        assertEquals(new Dense(8, 1.25, 0, false), d0, "no bias stays no bias");
        assertEquals(new Dense(4, 1.25, 0.5, true), d1, "b_std = 0 is a bias: it takes bStd");
        assertEquals(new Dense(1, 1.25, 0.5, true), d2);
        assertEquals(a.layers().get(1), b.layers().get(1));
        assertFalse(Hyperparameters.hasBias(ArchParser.parse("Dense(8)->Relu->Dense(1)")));
    }

    @Test
    void withoutBiasTheBStdDerivativeIsZero() {
        Architecture a = ArchParser.parse("Dense(8,W_std=1)->Relu->Dense(1,W_std=1)");
        Evidence e = MarginalLikelihood.of(a, X, Y, Get.NTKGP).evaluateWithGradient(new Hyperparameters(1.2, 0.3, 0.1));
        assertEquals(0.0, e.gradient().bStd());
        assertNotEquals(0.0, e.gradient().wStd());
    }

    @Test
    void oneEvaluation() {
        MarginalLikelihood ml = MarginalLikelihood.of(ARCH, X, Y, Get.NNGP);
        Hyperparameters h = new Hyperparameters(1.5, 0.1, 0.05);
        Evidence e = ml.evaluateWithGradient(h);
        assertEquals(EvidenceModel.EXACT, e.model());
        assertEquals(12, e.n());
        assertEquals(2, e.outputs());
        assertEquals(12, e.centers());
        assertEquals(0.05, e.noise());
        assertEquals(e.lml() / 24, e.lmlPerPoint(), 0.0);
        assertEquals(e.lml(), ml.evaluate(h).lml(), 0.0, "the gradient does not change the value");
        assertTrue(e.gradient().norm() > 0);
        // the likelihood of y as given (no centring): shifting the targets changes it
        double[][] shifted = Y.toArray();
        for (double[] r : shifted) r[0] += 3;
        assertTrue(MarginalLikelihood.of(ARCH, X, Matrix.of(shifted), Get.NNGP)
                        .evaluate(h)
                        .lml()
                < e.lml());
    }

    @Test
    void gradientDoesNotDependOnTheThreadCount() {
        Hyperparameters h = new Hyperparameters(1.5, 0.1, 0.05);
        Evidence.Gradient one = MarginalLikelihood.of(
                        ARCH,
                        X,
                        Y,
                        Get.NTKGP,
                        EvidenceOptions.defaults()
                                .withKernelOptions(KernelOptions.defaults().withThreads(1)))
                .evaluateWithGradient(h)
                .gradient();
        Evidence.Gradient three = MarginalLikelihood.of(
                        ARCH,
                        X,
                        Y,
                        Get.NTKGP,
                        EvidenceOptions.defaults()
                                .withKernelOptions(KernelOptions.defaults().withThreads(3)))
                .evaluateWithGradient(h)
                .gradient();
        assertEquals(one, three);
    }
}
