package org.ntk4j.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.Parameterization;
import org.ntk4j.arch.text.ArchParser;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.predict.Get;

/**
 * Target (b) of issue 15: the gradient of the exact LML with respect to (W_std, b_std, λ) against
 * Richardson-extrapolated central differences of the LML itself, to 1e-6 relative, for NNGP and
 * NTK-GP, both parameterizations, ReLU-family and Erf architectures of depth 2–3 (closed form) and
 * architectures whose gradient is itself by differences (Gelu, Sin). Errors are relative to the
 * largest component. Measured: ≤ 8e-11 (closed form and differences alike).
 *
 * <p>Fresh random inputs without repeated points: at a repeated point the kernel engine's
 * correlation is 1 only to an ulp (its Gram entry and its variance are rounded differently), which
 * the arc-cosine maps amplify to ~1e-8 of Θ, noisily in W_std, so differences of the LML there
 * measure that noise. {@link KernelDerivativesTest} checks the derivatives at repeated points.
 */
class MarginalLikelihoodGradientTest {
    private static final String[] ARCHS = {
        "Dense(64,W_std=1,b_std=1)->Relu->Dense(1,W_std=1,b_std=1)",
        "Dense(32,W_std=1,b_std=1)->Relu->Dense(16,W_std=1,b_std=1)->Relu->Dense(1,W_std=1,b_std=1)",
        "Dense(32,W_std=1,b_std=1)->Erf(1.7,0.6,-0.2)->Dense(8,W_std=1,b_std=1)->Erf->Dense(2,W_std=1,b_std=1)",
        "Dense(16,W_std=1)->LeakyRelu(0.2)->Dense(16,W_std=1,b_std=0)->ABRelu(-0.4,1.3)->Dense(1,W_std=1)",
        "Dense(16,W_std=1,b_std=1)->Abs->Dense(8,W_std=1,b_std=1)->Sigmoid_like->Dense(1,W_std=1,b_std=1)",
        "Dense(16,W_std=1,b_std=1)->Gelu->Dense(1,W_std=1,b_std=1)",
        "Dense(16,W_std=1,b_std=1)->Sin(1.1,0.8,0.3)->Dense(8,W_std=1,b_std=1)->Relu->Dense(1,W_std=1,b_std=1)",
    };

    @TestFactory
    Stream<DynamicTest> gradientMatchesRichardsonDifferencesOfTheLml() {
        List<DynamicTest> tests = new ArrayList<>();
        int seed = 0;
        for (String a : ARCHS)
            for (Parameterization par : Parameterization.values())
                for (Get get : new Get[] {Get.NNGP, Get.NTKGP}) {
                    long s = seed++;
                    tests.add(DynamicTest.dynamicTest(a + " [" + par + ", " + get + "]", () -> check(a, par, get, s)));
                }
        return tests.stream();
    }

    private static void check(String archText, Parameterization par, Get get, long seed) {
        Architecture arch = ArchParser.parse(archText, par);
        Matrix x = EvidenceTestData.inputs(24, 3, seed, false);
        Matrix y = EvidenceTestData.targets(x, 2, seed + 100);
        MarginalLikelihood ml = MarginalLikelihood.of(
                arch, x, y, get, EvidenceOptions.defaults().withModel(EvidenceModel.EXACT));
        Hyperparameters h = new Hyperparameters(1.3, 0.4, 0.05);
        Evidence e = ml.evaluateWithGradient(h);
        double fw = EvidenceTestData.derivative(w -> ml.evaluate(h.withWStd(w)).lml(), h.wStd(), 2e-3);
        double fb = EvidenceTestData.derivative(b -> ml.evaluate(h.withBStd(b)).lml(), h.bStd(), 2e-3);
        double fl = EvidenceTestData.derivative(l -> ml.evaluate(h.withNoise(l)).lml(), h.noise(), 2e-4);
        double scale = Math.max(Math.abs(fw), Math.max(Math.abs(fb), Math.abs(fl)));
        double ew = Math.abs(e.gradient().wStd() - fw) / scale,
                eb = Math.abs(e.gradient().bStd() - fb) / scale,
                el = Math.abs(e.gradient().noise() - fl) / scale;
        assertTrue(
                ew <= 1e-6 && eb <= 1e-6 && el <= 1e-6,
                "relative errors " + ew + ", " + eb + ", " + el + " (gradient " + e.gradient() + ")");
        assertEquals(
                archText.contains("Gelu") || archText.contains("Sin")
                        ? Evidence.GradientMethod.FINITE_DIFFERENCES
                        : Evidence.GradientMethod.ANALYTIC,
                e.gradient().method());
    }
}
