package org.ntk4j.softopt;

/**
 * Accept-by-threshold (§3.2, E19): a prior draw with score s is accepted with probability 1 if
 * s &gt; threshold, {@code boundaryAcceptance} if s = threshold, and 0 otherwise. Drawing from the
 * prior and keeping accepted draws samples the quantilizer / maximin distribution exactly; the
 * acceptance rate is q.
 *
 * @param threshold          the score cut-off
 * @param boundaryAcceptance acceptance probability on the boundary atom, in [0, 1]
 */
public record AcceptRule(double threshold, double boundaryAcceptance) {
    public AcceptRule {
        if (Double.isNaN(threshold)) throw new org.ntk4j.error.InvalidInputException("threshold", "is NaN");
        if (!(boundaryAcceptance >= 0 && boundaryAcceptance <= 1))
            throw new org.ntk4j.error.InvalidInputException(
                    "boundaryAcceptance", "is " + boundaryAcceptance + "; it must lie in [0, 1]");
    }

    /** The probability of accepting a draw whose score is s. */
    public double acceptProbability(double score) {
        if (score > threshold) return 1;
        if (score == threshold) return boundaryAcceptance;
        return 0;
    }
}
