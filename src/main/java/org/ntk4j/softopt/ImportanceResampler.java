package org.ntk4j.softopt;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.AliasMethodDiscreteSampler;
import org.apache.commons.rng.sampling.distribution.SharedStateDiscreteSampler;
import org.ntk4j.error.IllPosedProblemException;
import org.ntk4j.error.InvalidInputException;

/**
 * Sampling-importance-resampling (§5.2, E21), the approximate alternative to
 * {@link RejectionSampler}: draw N proposals, weight w_j = p̃(π_j)/r(π_j) with an unnormalized
 * target p̃ (for a thresholded prior, 1[U ≥ t*]·γ/r: q* cancels), resample with replacement.
 * Consistent only as N → ∞; the effective sample size (Σw)²/Σw² tells how far from that a run is.
 */
public final class ImportanceResampler {
    private ImportanceResampler() {}

    /**
     * What one run of sampling-importance-resampling returns.
     *
     * @param <T>                 the policy type
     * @param samples             resampled draws (approximate samples of the target)
     * @param proposals           N
     * @param effectiveSampleSize (Σw)²/Σw²
     */
    public record Result<T>(List<T> samples, int proposals, double effectiveSampleSize) {
        public Result {
            samples = List.copyOf(samples);
        }
    }

    /**
     * Runs SIR.
     *
     * @param unnormalizedTarget p̃(π) ≥ 0
     * @param proposals          N ≥ 1 draws from r
     * @param count              how many to resample
     */
    public static <T> Result<T> resample(
            Proposal<T> proposal,
            ToDoubleFunction<T> unnormalizedTarget,
            int proposals,
            int count,
            UniformRandomProvider rng) {
        if (proposal == null) throw new InvalidInputException("proposal", "is missing (null)");
        if (proposals < 1) throw new InvalidInputException("proposals", "must be >= 1");
        if (count < 0) throw new InvalidInputException("count", "must be >= 0");
        List<T> draws = new ArrayList<>(proposals);
        double[] w = new double[proposals];
        double sum = 0, sq = 0;
        for (int j = 0; j < proposals; j++) {
            T x = proposal.sample(rng);
            double r = proposal.density(x), p = unnormalizedTarget.applyAsDouble(x);
            if (!(r > 0) || !Double.isFinite(r))
                throw new InvalidInputException(
                        "proposal", "density " + r + " at a drawn policy; it must be finite and > 0");
            if (!(p >= 0) || !Double.isFinite(p))
                throw new InvalidInputException("unnormalizedTarget", "is " + p + "; it must be finite and >= 0");
            draws.add(x);
            w[j] = p / r;
            sum += w[j];
            sq += w[j] * w[j];
        }
        if (!(sum > 0))
            throw new IllPosedProblemException("SIR: no proposal hit the target's support in " + proposals
                    + " draws; draw more or use a proposal closer to the target");
        SharedStateDiscreteSampler pick = AliasMethodDiscreteSampler.of(rng, w);
        List<T> out = new ArrayList<>(count);
        for (int k = 0; k < count; k++) out.add(draws.get(pick.sample()));
        return new Result<>(out, proposals, sum * sum / sq);
    }
}
