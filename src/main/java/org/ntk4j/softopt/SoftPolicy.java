package org.ntk4j.softopt;

import java.util.Arrays;
import java.util.OptionalDouble;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.AliasMethodDiscreteSampler;
import org.apache.commons.rng.sampling.distribution.SharedStateDiscreteSampler;

/**
 * A policy distribution p chosen by the soft optimizer, with what a user needs to judge it.
 *
 * <p>Every distribution this package returns is "γ restricted to a set, rescaled" (apart from a
 * partially accepted boundary tie class of a plain quantilizer), so it is also described by an
 * {@link #acceptRule() accept rule} on the score it thresholds: accept a prior draw when its score
 * exceeds {@code threshold}, and with probability {@code boundaryAcceptance} when it equals it.
 *
 * @param mode               how p was chosen
 * @param probabilities      p (sums to 1; zero wherever the prior is zero)
 * @param threshold          the score cut-off: t_q for a quantilizer, t* (E9) for the maximin, t_B (E18) for B2
 * @param q                  the prior mass kept, γ(accepted set); p ≤ γ/q pointwise
 * @param boundaryAcceptance the probability of accepting a policy whose score equals the threshold (1 for maximin)
 * @param guaranteedValue    the guaranteed expected true utility under the bound (t* for maximin), empty for a plain quantilizer
 * @param epsilon            the bound ε used, empty for a plain quantilizer
 * @param supportSize        number of policies with p > 0
 * @param klToPrior          KL(p ‖ γ) in nats; log(1/q) for a rescaled subset
 */
public record SoftPolicy(
        Mode mode,
        double[] probabilities,
        double threshold,
        double q,
        double boundaryAcceptance,
        OptionalDouble guaranteedValue,
        OptionalDouble epsilon,
        int supportSize,
        double klToPrior) {
    public SoftPolicy {
        if (mode == null || probabilities == null || guaranteedValue == null || epsilon == null)
            throw new IllegalArgumentException("soft policy: null component");
        SoftOptChecks.representable(threshold, mode.jsonName() + " threshold");
        if (guaranteedValue.isPresent())
            SoftOptChecks.representable(guaranteedValue.getAsDouble(), mode.jsonName() + " guaranteed value");
        if (!(q > 0 && q <= 1 + 1e-12)) throw new IllegalArgumentException("soft policy: q = " + q);
        if (!(boundaryAcceptance >= 0 && boundaryAcceptance <= 1))
            throw new IllegalArgumentException("soft policy: boundaryAcceptance = " + boundaryAcceptance);
        double s = 0;
        int support = 0;
        for (double v : probabilities) {
            if (!(v >= 0)) throw new IllegalArgumentException("soft policy: negative or NaN probability " + v);
            s += v;
            if (v > 0) support++;
        }
        if (Math.abs(s - 1) > 1e-9) throw new IllegalArgumentException("soft policy: probabilities sum to " + s);
        if (support != supportSize)
            throw new IllegalArgumentException("soft policy: supportSize " + supportSize + " != " + support);
        probabilities = probabilities.clone();
    }

    /** A copy of p. */
    @Override
    public double[] probabilities() {
        return probabilities.clone();
    }

    /** p_i. */
    public double probability(int i) {
        return probabilities[i];
    }

    /** Number of policies. */
    public int size() {
        return probabilities.length;
    }

    /** E_p[f]. */
    public double expectation(double[] f) {
        SoftOptChecks.sameLength("f", f, probabilities.length, "the policy distribution");
        double s = 0;
        for (int i = 0; i < f.length; i++) if (probabilities[i] > 0) s += probabilities[i] * f[i];
        return s;
    }

    /** The accept-by-threshold rule that reproduces p from prior draws (§3.2, E19). */
    public AcceptRule acceptRule() {
        return new AcceptRule(threshold, boundaryAcceptance);
    }

    /** A sampler of policy indices from p (Walker's alias method: O(1) per draw). */
    public SharedStateDiscreteSampler sampler(UniformRandomProvider rng) {
        return AliasMethodDiscreteSampler.of(rng, probabilities);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SoftPolicy p
                && p.mode == mode
                && Arrays.equals(p.probabilities, probabilities)
                && Double.compare(p.threshold, threshold) == 0
                && Double.compare(p.q, q) == 0
                && Double.compare(p.boundaryAcceptance, boundaryAcceptance) == 0
                && p.guaranteedValue.equals(guaranteedValue)
                && p.epsilon.equals(epsilon)
                && p.supportSize == supportSize
                && Double.compare(p.klToPrior, klToPrior) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(probabilities) + mode.hashCode();
    }

    @Override
    public String toString() {
        return "SoftPolicy[" + mode.jsonName() + ", threshold=" + threshold + ", q=" + q + ", guaranteed="
                + guaranteedValue + ", epsilon=" + epsilon + ", support=" + supportSize + ", kl=" + klToPrior + "]";
    }
}
