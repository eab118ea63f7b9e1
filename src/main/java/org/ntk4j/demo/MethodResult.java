package org.ntk4j.demo;

import java.util.OptionalDouble;

/**
 * How one policy-selection method did on one seed (or on average).
 *
 * @param name            e.g. {@code argmax}, {@code maximin}, {@code quantilizer_q0.1}
 * @param trueUtility     E_p[V], the hidden true utility the agent actually gets
 * @param proxyUtility    E_p[U], what the agent believes it gets
 * @param guaranteedValue the lower bound on E_p[V] that the bound implies (t* for maximin, t_B for
 *                        the lower band, E_pU − ε‖p/γ‖∞ (E8) otherwise); empty where undefined
 * @param q               1/‖p/γ‖∞: the kept prior mass for quantilizers and maximin, γ(π) for argmax
 * @param klToPrior       KL(p ‖ γ) in nats
 */
record MethodResult(
        String name,
        double trueUtility,
        double proxyUtility,
        OptionalDouble guaranteedValue,
        double q,
        double klToPrior) {
    public MethodResult {
        if (name == null || guaranteedValue == null)
            throw new IllegalArgumentException("method result: null component");
    }
}
