package org.ntk4j.correction;

import org.ntk4j.correction.CorrectionPlan.Transition;

/**
 * The layer recursion of the NNGP's 1/n statistics for one pair of inputs (docs/finite-width.md
 * §3), over the three entries G = (G_aa, G_bb, G_ab) of the covariance that the next Dense layer's
 * pre-activations have given the hidden layer before it.
 */
final class PairRecursion {
    private PairRecursion() {}

    /**
     * The statistics after the readout: E[Ĝ] = k + k1/n and Cov[Ĝ_α, Ĝ_β] = v[3α + β]/n, index
     * order (aa, bb, ab).
     */
    record State(double[] k, double[] k1, double[] v) {}

    /** The pair's state after the first Dense layer (deterministic) and every transition. */
    static State run(CorrectionPlan plan, double kaa, double kbb, double kab) {
        Transition f = plan.first();
        State s = new State(
                new double[] {f.b2() + f.w2() * kaa, f.b2() + f.w2() * kbb, f.b2() + f.w2() * kab},
                new double[3],
                new double[9]);
        for (Transition t : plan.transitions()) s = step(t, s);
        return s;
    }

    /**
     * One transition (docs/finite-width.md eq. 3.2–3.4): K′ = σ_b² + σ_w²·T(K),
     * K1′ = σ_w²·(J·K1 + ½·H:V), V′ = σ_w⁴·(C4 + J·V·Jᵀ).
     */
    static State step(Transition t, State s) {
        double q1 = s.k[0], q2 = s.k[1], c = s.k[2];
        PairExpectations e = PairExpectations.of(t.phi(), q1, q2, c);
        double[] k = {
            t.b2() + t.w2() * t.phi().variance(q1),
            t.b2() + t.w2() * t.phi().variance(q2),
            t.b2() + t.w2() * t.phi().nngp(c, q1, q2)
        };
        double[] j = e.jacobian(), h = e.hessian(), c4 = e.fourPoint();
        double[] k1 = new double[3], v = new double[9];
        for (int a = 0; a < 3; a++) {
            double sum = 0;
            for (int b = 0; b < 3; b++) {
                sum += j[3 * a + b] * s.k1[b];
                for (int g = 0; g < 3; g++) sum += 0.5 * h[9 * a + 3 * b + g] * s.v[3 * b + g];
            }
            k1[a] = t.w2() * sum;
        }
        double w4 = t.w2() * t.w2();
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++) {
                double sum = c4[3 * a + b];
                for (int x = 0; x < 3; x++)
                    for (int y = 0; y < 3; y++) sum += j[3 * a + x] * s.v[3 * x + y] * j[3 * b + y];
                v[3 * a + b] = w4 * sum;
            }
        return new State(k, k1, v);
    }
}
