package org.ntk4j.softopt;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.apache.commons.rng.UniformRandomProvider;
import org.ntk4j.error.InvalidInputException;

/**
 * Exact sampling of a soft-optimized distribution p* from any proposal r with computable density
 * (§5.2, E20): draw π ~ r, accept with probability p*(π)/(M·r(π)), where M ≥ sup p* ÷ r. Accepted
 * draws are exact samples of p*; the acceptance rate is 1/M. With r = γ and p* = γ·1[U ≥ t*]/q*,
 * M = 1/q* (E19). The sampler checks every draw: a ratio above 1 means M was not a bound and is an
 * error, never a silent bias.
 *
 * @param <T> the policy type
 */
public final class RejectionSampler<T> {
    private final Proposal<T> proposal;
    private final ToDoubleFunction<T> target;
    private final double bound;

    /**
     * A sampler of p* through the proposal r with the bound M.
     *
     * @param proposal      r
     * @param targetDensity p*(π), normalized
     * @param bound         M ≥ sup_π p*(π)/r(π)
     */
    public RejectionSampler(Proposal<T> proposal, ToDoubleFunction<T> targetDensity, double bound) {
        if (proposal == null) throw new InvalidInputException("proposal", "is missing (null)");
        if (targetDensity == null) throw new InvalidInputException("targetDensity", "is missing (null)");
        this.proposal = proposal;
        this.target = targetDensity;
        this.bound = SoftOptChecks.positive("bound", bound);
    }

    /**
     * The sampler for a thresholded prior: target p*(π) = γ(π)·a(score(π))/q where a is the accept
     * rule (1 above the threshold, the boundary probability on it, 0 below).
     *
     * @param priorDensity γ(π)
     * @param score        the score the rule thresholds (U for B1, L for B2)
     * @param rule         the accept rule of the distribution
     * @param q            the kept prior mass (normalizer)
     * @param bound        M ≥ sup p* ÷ r
     */
    public static <T> RejectionSampler<T> forThresholdedPrior(
            Proposal<T> proposal,
            ToDoubleFunction<T> priorDensity,
            ToDoubleFunction<T> score,
            AcceptRule rule,
            double q,
            double bound) {
        if (rule == null) throw new InvalidInputException("rule", "is missing (null)");
        SoftOptChecks.q(q);
        return new RejectionSampler<>(
                proposal,
                x -> priorDensity.applyAsDouble(x) * rule.acceptProbability(score.applyAsDouble(x)) / q,
                bound);
    }

    /** M = max_i p_i/r_i over a finite set (the smallest valid bound); p must vanish where r does. */
    public static double bound(double[] target, double[] proposal) {
        SoftOptChecks.finite("target", target);
        SoftOptChecks.finite("proposal", proposal);
        SoftOptChecks.sameLength("proposal", proposal, target.length, "target");
        double m = 0;
        for (int i = 0; i < target.length; i++) {
            if (target[i] <= 0) continue;
            if (proposal[i] <= 0)
                throw new InvalidInputException(
                        "proposal",
                        "is 0 at policy " + i + " where the target has mass " + target[i]
                                + "; the proposal must cover the target's support");
            m = Math.max(m, target[i] / proposal[i]);
        }
        return m;
    }

    /**
     * The outcome of a run.
     *
     * @param samples        accepted draws, exact samples of p*
     * @param proposals      how many proposals were drawn
     * @param acceptanceRate accepted / proposed (1/M in expectation)
     */
    public record Result<T>(List<T> samples, long proposals, double acceptanceRate) {
        public Result {
            samples = List.copyOf(samples);
        }
    }

    /**
     * Draws until {@code count} samples are accepted or {@code maxProposals} proposals are spent.
     *
     * @throws InvalidInputException if some draw has p* ÷ (M·r) &gt; 1 (M is not a bound) or r(π) ≤ 0
     */
    public Result<T> sample(int count, long maxProposals, UniformRandomProvider rng) {
        if (count < 0) throw new InvalidInputException("count", "is " + count + "; it must be >= 0");
        if (maxProposals < 1) throw new InvalidInputException("maxProposals", "must be >= 1");
        List<T> out = new ArrayList<>(count);
        long drawn = 0;
        while (out.size() < count && drawn < maxProposals) {
            T x = proposal.sample(rng);
            drawn++;
            double r = proposal.density(x);
            double p = target.applyAsDouble(x);
            if (!(r > 0) || !Double.isFinite(r))
                throw new InvalidInputException(
                        "proposal", "density " + r + " at a drawn policy; it must be finite and > 0");
            if (!(p >= 0) || !Double.isFinite(p))
                throw new InvalidInputException(
                        "targetDensity", "is " + p + " at a drawn policy; it must be finite and >= 0");
            double ratio = p / (bound * r);
            if (ratio > 1 + 1e-12)
                throw new InvalidInputException(
                        "bound",
                        "M = " + bound + " is below p* ÷ r = " + (p / r)
                                + " at a drawn policy; the sample would be biased: raise M");
            if (ratio > 0 && rng.nextDouble() < ratio) out.add(x);
        }
        return new Result<>(out, drawn, drawn == 0 ? 0 : (double) out.size() / drawn);
    }
}
