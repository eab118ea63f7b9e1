package org.ntk4j.utility;

import org.ntk4j.linalg.Matrix;
import org.ntk4j.predict.UtilityPosterior;

/**
 * The bridge from the regression core to the soft optimizer (docs/soft-optimization.md §7, steps 1–2): fit on
 * (policy features, observed utility) and return the posterior over the utility of candidate
 * policies: U = posterior mean, σ = posterior sd, and the joint covariance when asked (for
 * {@link JointSamples}).
 */
@FunctionalInterface
public interface UtilityModel {
    /**
     * @param features   n×d features of labelled policies
     * @param observed   n observed utilities
     * @param candidates m×d features of the policies to score
     * @param covariance whether to compute the full m×m covariance (for joint draws) or only σ
     */
    UtilityPosterior fit(Matrix features, double[] observed, Matrix candidates, boolean covariance);
}
