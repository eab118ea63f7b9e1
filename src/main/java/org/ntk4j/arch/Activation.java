package org.ntk4j.arch;

/**
 * An elementwise nonlinearity φ with its dual maps (docs/kernels.md §4). For
 * (u, v) ~ N(0, [[q1, c], [c, q2]]):
 * <ul>
 *   <li>{@link #nngp} is T(c, q1, q2) = E[φ(u)φ(v)] (the next NNGP);</li>
 *   <li>{@link #ntkFactor} is Ṫ(c, q1, q2) = E[φ'(u)φ'(v)] (the NTK is multiplied by it);</li>
 *   <li>{@link #variance} is T(q, q, q), the map of the per-example variances.</li>
 * </ul>
 * {@link #apply} and {@link #derivative} are φ and φ' themselves, used by finite networks.
 * Implementations are immutable values; adding an activation means adding one such class.
 */
public non-sealed interface Activation extends Layer {
    /** T(c, q1, q2) = E[φ(u)φ(v)]. */
    double nngp(double c, double q1, double q2);

    /** Ṫ(c, q1, q2) = E[φ'(u)φ'(v)]. */
    double ntkFactor(double c, double q1, double q2);

    /** T(q, q, q): the variance map. The default evaluates the two-argument map at (q, q, q). */
    default double variance(double q) {
        return nngp(q, q, q);
    }

    /** φ(x), for finite networks. */
    double apply(double x);

    /** φ'(x), for finite networks (0 where φ is not differentiable and the convention says so). */
    double derivative(double x);

    /**
     * Whether φ is the identity, which changes nothing and may stand anywhere in an architecture
     * (compilers drop it). The one way to recognise it: {@code arch} cannot see the Identity class.
     */
    default boolean isIdentity() {
        return false;
    }
}
