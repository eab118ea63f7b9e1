package org.ntk4j.utility;

import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.predict.UtilityPosterior;
import org.ntk4j.softopt.EpsilonBound;
import org.ntk4j.softopt.Prior;

/**
 * The bridge from the regression core to the soft optimizer (docs/soft-optimization.md §7, steps 1–3): fit on
 * (policy features, observed utility) and return the posterior over the utility of candidate
 * policies: U = posterior mean, σ = posterior sd, and the joint covariance when asked (for
 * {@link JointSamples}); or, in one call, the posterior ε on candidates drawn from the prior.
 */
@FunctionalInterface
public interface UtilityModel {
    /**
     * Fits on the labelled policies and returns the utility posterior at the candidates.
     *
     * @param features   n×d features of labelled policies
     * @param observed   n observed utilities
     * @param candidates m×d features of the policies to score
     * @param covariance whether to compute the full m×m covariance (for joint draws) or only σ
     */
    UtilityPosterior fit(Matrix features, double[] observed, Matrix candidates, boolean covariance);

    /**
     * ε from the posterior (§7 step 3): fits with the full covariance on {@code candidates} and
     * returns {@link JointSamples#posteriorEpsilon(UtilityPosterior, Prior, double, int, long)}, the
     * (1 − δ) quantile over {@code draws} joint draws V of E_γ|U − V|, U the posterior mean. The
     * candidates are the policies γ weighs: all of them for a finite prior, or policies drawn from
     * it with {@link Prior#uniform} (the empirical measure stands in for γ).
     *
     * @param features   n×d features of labelled policies
     * @param observed   n observed utilities
     * @param candidates m×d features of the policies γ weighs
     * @param prior      γ over the m candidates
     * @param delta      δ ∈ (0, 1)
     * @param draws      S ≥ 1 joint draws
     * @param seed       seed of the draws
     */
    default EpsilonBound.Estimate posteriorEpsilon(
            Matrix features, double[] observed, Matrix candidates, Prior prior, double delta, int draws, long seed) {
        // the cheap checks first: a bad δ or prior should not cost a fit
        if (!(delta > 0 && delta < 1))
            throw new InvalidInputException("delta", "is " + delta + "; it must lie strictly between 0 and 1");
        if (draws < 1) throw new InvalidInputException("draws", "is " + draws + "; give at least 1 posterior draw");
        if (prior == null) throw new InvalidInputException("prior", "is missing (null)");
        if (candidates != null && prior.size() != candidates.rows())
            throw new InvalidInputException(
                    "prior", "has " + prior.size() + " policies but there are " + candidates.rows() + " candidates");
        return JointSamples.posteriorEpsilon(fit(features, observed, candidates, true), prior, delta, draws, seed);
    }
}
