package org.ntk4j.demo;

import org.ntk4j.error.IllPosedProblemException;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.evidence.EvidenceOptions;
import org.ntk4j.evidence.FitOptions;
import org.ntk4j.evidence.FitResult;
import org.ntk4j.evidence.HyperparameterFit;
import org.ntk4j.evidence.Hyperparameters;
import org.ntk4j.evidence.MarginalLikelihood;
import org.ntk4j.linalg.JitterPolicy;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.predict.Regularization;
import org.ntk4j.utility.NtkUtilityModel;

/**
 * The utility model's hyperparameters fitted by the log marginal likelihood (docs/evidence.md §7) on
 * the labels the model is fitted on, beside the hand-picked ones: W_std and b_std as the
 * architecture writes them, the label-noise variance as the noise.
 *
 * @param handPicked    the hand-picked W_std, b_std and noise
 * @param handPickedLml their LML (NaN when it cannot be evaluated there)
 * @param fitted        the fitted W_std, b_std and noise λ (absolute)
 * @param fittedLml     the LML there
 * @param evaluations   likelihood evaluations the fit used
 */
record ModelFit(
        Hyperparameters handPicked, double handPickedLml, Hyperparameters fitted, double fittedLml, int evaluations) {
    /**
     * Optimizer starts: the hand-picked values only. Measured on the demo's 5 seeds and 25 worlds of the
     * coverage study: three starts (two at random points of the box) never found a higher LML by more
     * than 1e-5, and cost 3.5 times as much.
     */
    static final int STARTS = 1;

    /**
     * Fits {@code model}'s W_std, b_std and noise to (x, y) by the LML of its posterior (NNGP or NTK-GP),
     * BOBYQA from {@link #STARTS} starts seeded by {@code seed}.
     *
     * @throws InvalidInputException when the model's regularization is relative (the noise of a fit is absolute)
     */
    static ModelFit fit(NtkUtilityModel model, Matrix x, double[] y, long seed) {
        Regularization reg = model.regularization();
        if (!reg.absolute() && !reg.isZero())
            throw new InvalidInputException(
                    "model", "needs an absolute regularization (the label-noise variance) to fit the noise");
        // n is a few hundred: one evaluation takes milliseconds, and spreading it over threads costs more
        // than it saves (measured: 10 ms on one thread, 10-400 ms on two of a loaded 2-core machine)
        // and no jitter: a point where M + λI is singular to working precision is no candidate for the optimum,
        // so it counts as the worst (HyperparameterFit's rule) instead of being repaired, retried and logged
        EvidenceOptions eo = EvidenceOptions.defaults()
                .withKernelOptions(model.kernelOptions().withThreads(1).withProgress(null))
                .withJitter(JitterPolicy.none());
        MarginalLikelihood ml = MarginalLikelihood.of(model.architecture(), x, Matrix.column(y), model.get(), eo);
        Hyperparameters hand = Hyperparameters.of(model.architecture(), reg.diagReg());
        double handLml;
        try {
            handLml = ml.evaluate(hand).lml();
        } catch (IllPosedProblemException e) { // singular even with jitter: the hand-picked point has no LML
            handLml = Double.NaN;
        }
        FitOptions fo = FitOptions.defaults().withStarts(STARTS).withSeed(seed);
        if (hand.noise() > 0) fo = fo.withInitialNoise(hand.noise());
        FitResult r = HyperparameterFit.fit(ml, fo);
        return new ModelFit(hand, handLml, r.hyperparameters(), r.evidence().lml(), r.evaluations());
    }

    /** {@code base} with the fitted W_std, b_std and noise. */
    NtkUtilityModel apply(NtkUtilityModel base) {
        return with(base, fitted);
    }

    /** {@code base} with the hyperparameters {@code h}: its architecture's W_std and b_std, λ = h.noise (absolute). */
    static NtkUtilityModel with(NtkUtilityModel base, Hyperparameters h) {
        return new NtkUtilityModel(
                h.applyTo(base.architecture()), base.get(), Regularization.absolute(h.noise()), base.kernelOptions());
    }
}
