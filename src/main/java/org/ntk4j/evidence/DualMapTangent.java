package org.ntk4j.evidence;

import org.ntk4j.arch.Activation;
import org.ntk4j.arch.activation.ABRelu;
import org.ntk4j.arch.activation.Abs;
import org.ntk4j.arch.activation.Erf;
import org.ntk4j.arch.activation.LeakyRelu;
import org.ntk4j.arch.activation.Relu;
import org.ntk4j.arch.activation.SigmoidLike;

/**
 * Forward-mode derivatives of one activation's dual maps T and Ṫ (docs/kernels.md §4): at a point
 * (c, q1, q2) and along tangent directions (dc, dq1, dq2), the values T, Ṫ and their directional
 * derivatives dT, dṪ (docs/evidence.md §3).
 *
 * <p>Why directional derivatives rather than the partials ∂T/∂c, ∂T/∂q1, …: for the arc-cosine
 * family the partials of Ṫ are unbounded as two inputs become parallel (θ → 0), while the derivative
 * along the directions the recursion actually moves in stays finite (a point and its duplicate stay
 * identical whatever W_std and b_std). Combining inside the map keeps that case exact.
 */
interface DualMapTangent {
    /**
     * Writes out[0] = T(c, q1, q2), out[1] = Ṫ(c, q1, q2) and, for each tangent t &lt; m,
     * out[2 + 2t] = dT and out[3 + 2t] = dṪ along (dc[t], dq1[t], dq2[t]).
     */
    void eval(double c, double q1, double q2, double[] dc, double[] dq1, double[] dq2, int m, double[] out);

    /** Erf's constants of {@link SigmoidLike} (its Javadoc: neural-tangents' {@code Sigmoid_like}). */
    double SIGMOID_LIKE_B = 1 / 2.4020563531719796;

    /**
     * The closed-form tangent of {@code act}, or null when there is none (the kernel gradient then
     * uses finite differences): the arc-cosine family (Relu, LeakyRelu, ABRelu, Abs) and Erf
     * (with Sigmoid_like, an Erf).
     */
    static DualMapTangent of(Activation act) {
        return switch (act) {
            case Relu r -> new ArcCosineTangent(0, 1);
            case LeakyRelu l -> new ArcCosineTangent(l.alpha(), 1);
            case ABRelu ab -> new ArcCosineTangent(ab.a(), ab.b());
            case Abs ab -> new ArcCosineTangent(-1, 1);
            case Erf e -> new ErfTangent(e.a(), e.b(), e.c());
            case SigmoidLike s -> new ErfTangent(0.5, SIGMOID_LIKE_B, 0.5);
            default -> null;
        };
    }
}
