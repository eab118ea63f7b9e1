package org.ntk4j.softopt;

import org.apache.commons.rng.UniformRandomProvider;

/**
 * A proposal distribution r with a computable density (or probability mass), e.g. a factorized
 * planner r(π) = Π_k r_k(a_k | h_k). Used by {@link RejectionSampler} and {@link ImportanceResampler}.
 *
 * @param <T> the policy (plan) type
 */
public interface Proposal<T> {
    /** Draws π ~ r. */
    T sample(UniformRandomProvider rng);

    /** r(π), the density or probability mass of π under this proposal. */
    double density(T policy);
}
