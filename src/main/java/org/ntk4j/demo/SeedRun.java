package org.ntk4j.demo;

import java.util.List;
import java.util.Map;
import org.ntk4j.calibration.Calibration;
import org.ntk4j.softopt.EpsilonBound;

/**
 * Everything the demo computed for one seed: the world, the fitted hyperparameters and proxy, ε,
 * the calibration, the policy distributions and their results, and the Goodhart curve.
 *
 * @param seed            the seed
 * @param world           the hidden world
 * @param proxy           U, the NTK posterior mean on every policy (with the fitted hyperparameters)
 * @param sd              σ, the NTK posterior standard deviation
 * @param fit             the hyperparameters fitted by the marginal likelihood, beside the hand-picked ones
 * @param epsilon         the Hoeffding estimate (E16) from the calibration labels
 * @param posteriorEpsilon the posterior-sampling alternative (§7 step 3) on all policies under γ
 * @param trueMeanAbsError E_γ|U − V|, the quantity ε bounds (known here because the world is a toy)
 * @param calibration     the fitted posterior's calibration at the held-out (calibration) draws, against
 *                        their labels and the true utility
 * @param handPickedEpsilon the Hoeffding estimate for the hand-picked model's proxy
 * @param handPickedTrueMeanAbsError E_γ|U − V| for the hand-picked model's proxy
 * @param handPickedCalibration the hand-picked model's calibration at the same draws
 * @param distributions   policy distributions by method name
 * @param results         per-method results, in display order
 * @param curve           the Goodhart curve of the q-quantilizer
 */
public record SeedRun(
        long seed,
        ToyWorld world,
        double[] proxy,
        double[] sd,
        ModelFit fit,
        EpsilonBound.Estimate epsilon,
        EpsilonBound.Estimate posteriorEpsilon,
        double trueMeanAbsError,
        Calibration calibration,
        EpsilonBound.Estimate handPickedEpsilon,
        double handPickedTrueMeanAbsError,
        Calibration handPickedCalibration,
        Map<String, double[]> distributions,
        List<MethodResult> results,
        GoodhartCurve curve) {
    public SeedRun {
        proxy = proxy.clone();
        sd = sd.clone();
        distributions = Map.copyOf(distributions);
        results = List.copyOf(results);
    }

    @Override
    public double[] proxy() {
        return proxy.clone();
    }

    @Override
    public double[] sd() {
        return sd.clone();
    }

    /** The result of a method by name. */
    MethodResult result(String name) {
        return results.stream()
                .filter(r -> r.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no method " + name));
    }
}
