package org.ntk4j.correction;

import static org.ntk4j.correction.PairExpectations.AA;
import static org.ntk4j.correction.PairExpectations.AB;
import static org.ntk4j.correction.PairExpectations.BB;

import org.ntk4j.correction.CorrectionPlan.Transition;

/**
 * The layer recursion of the 1/n statistics for one pair of inputs (docs/finite-width.md §3, §5).
 * The state holds six random "macro" variables, each an average over the n units of a hidden layer:
 * the conditional NNGP Ĝ_α and the conditional mean NTK Λ̂_α of the next layer's units, for the
 * three entries α = (aa, bb, ab); their means to order 1/n and their covariance at order 1/n; and
 * the leading-order quantities that describe the off-diagonal blocks of the hidden layer's NTK
 * (R, R′ and q̃ of §5.3).
 */
final class PairRecursion {
    private PairRecursion() {}

    /**
     * @param k    E[Ĝ_α] at infinite width (aa, bb, ab)
     * @param k1   the 1/n coefficient of E[Ĝ_α]
     * @param lam  E[Λ̂_α] at infinite width (the NTK of the next layer's units)
     * @param lam1 the 1/n coefficient of E[Λ̂_α]
     * @param v    n·Cov of (Ĝ_aa, Ĝ_bb, Ĝ_ab, Λ̂_aa, Λ̂_bb, Λ̂_ab), 6×6 row-major
     * @param r    R(ab, ab) = (1/n)·Σ_jk M_jk², M the hidden layer's φ′φ′-weighted NTK block (§5.3)
     * @param rt   R′(ab, ab) = (1/n)·Σ_jk M_jk·M_kj
     * @param qt   q̃ for α = aa, bb (entries 0, 1) and for α = ab with (s, t) = aa, ab, ba, bb (2..5)
     * @param w2   σ_w² of the Dense layer that feeds the hidden layer the state describes
     */
    record State(
            double[] k,
            double[] k1,
            double[] lam,
            double[] lam1,
            double[] v,
            double r,
            double rt,
            double[] qt,
            double w2) {
        /** n·Var of the output NTK Θ̂(a, b) after the readout of variance σ_w² = {@code w2}. */
        double ntkVar() {
            return v[6 * (3 + AB) + 3 + AB] + w2 * w2 * (r + rt);
        }

        /** n·Var of Ĝ(a, b). */
        double nngpVar() {
            return v[6 * AB + AB];
        }
    }

    /** The pair's state after the first Dense layer (deterministic) and every transition. */
    static State run(CorrectionPlan plan, double kaa, double kbb, double kab) {
        Transition f = plan.first();
        double[] k = {f.b2() + f.w2() * kaa, f.b2() + f.w2() * kbb, f.b2() + f.w2() * kab};
        // NTK parameterization: after the first layer Θ = K (docs/kernels.md §2), and nothing fluctuates
        State s = new State(k, new double[3], k.clone(), new double[3], new double[36], 0, 0, new double[6], f.w2());
        for (Transition t : plan.transitions()) s = step(t, s);
        return s;
    }

    /** One transition through a hidden layer into the next Dense layer (docs/finite-width.md §3.2, §5.2). */
    static State step(Transition t, State s) {
        double q1 = s.k[AA], q2 = s.k[BB], c = s.k[AB];
        PairExpectations e = PairExpectations.of(t.phi(), q1, q2, c);
        double w2 = t.w2(), w4 = w2 * w2, f4 = s.w2 * s.w2;
        double[] tdot = e.td();
        double[] k = {
            t.b2() + w2 * t.phi().variance(q1),
            t.b2() + w2 * t.phi().variance(q2),
            t.b2() + w2 * t.phi().nngp(c, q1, q2)
        };
        double[] lam = new double[3];
        for (int a = 0; a < 3; a++) lam[a] = k[a] + w2 * dualNtk(t, a, q1, q2, c) * s.lam[a];

        double[] jac = jacobian(e, s.lam, w2);
        double[] c4 = conditionalCovariance(e, s.lam, w4);
        double[] v = new double[36];
        for (int a = 0; a < 6; a++)
            for (int b = 0; b < 6; b++) {
                double sum = c4[6 * a + b];
                for (int x = 0; x < 6; x++)
                    for (int y = 0; y < 6; y++) sum += jac[6 * a + x] * s.v[6 * x + y] * jac[6 * b + y];
                v[6 * a + b] = sum;
            }

        double[] corr = unitCorrelation(e, s, f4);
        double[] k1 = new double[3], lam1 = new double[3];
        for (int a = 0; a < 3; a++) {
            double g = 0, l = 0;
            for (int b = 0; b < 3; b++) {
                g += e.jacobian()[3 * a + b] * s.k1[b];
                l += s.lam[a] * e.tdJacobian()[3 * a + b] * s.k1[b];
                // the mixed second derivative ∂²/∂G_β∂Λ_α, counted twice (G Λ and Λ G)
                l += e.tdJacobian()[3 * a + b] * s.v[6 * b + 3 + a];
                for (int x = 0; x < 3; x++) {
                    g += 0.5 * e.hessian()[9 * a + 3 * b + x] * s.v[6 * b + x];
                    l += 0.5 * s.lam[a] * e.tdHessian()[9 * a + 3 * b + x] * s.v[6 * b + x];
                }
            }
            l += tdot[a] * s.lam1[a] + corr[a];
            k1[a] = w2 * g;
            lam1[a] = k1[a] + w2 * l;
        }

        // the hidden layer's off-diagonal NTK blocks (§5.3), leading order
        double[] j = e.jacobian();
        double da = j[4 * AA], db = j[4 * BB], g1 = j[3 * AB], g2 = j[3 * AB + 1], td = tdot[AB];
        double dab2 = e.dd()[3 * AB + AB];
        double r = dab2 * s.lam[AB] * s.lam[AB] + f4 * tdot[AA] * tdot[BB] * s.r;
        double rt = dab2 * s.lam[AB] * s.lam[AB] + f4 * td * td * s.rt;
        double[] qt = new double[6];
        qt[0] = e.pd()[3 * AA + AA] * s.lam[AA] + f4 * da * da * s.qt[0];
        qt[1] = e.pd()[3 * BB + BB] * s.lam[BB] + f4 * db * db * s.qt[1];
        // E[∂_r(φ(z_s)φ′(z_a))] for s = a, b (rows) and r = a, b (columns), and E[∂_r(φ′(z_b)φ(z_t))]
        double[][] e1 = {{da, 0}, {2 * g1, td}};
        double[][] e2 = {{td, 2 * g2}, {0, db}};
        int[] pab = {AA, AB, AB, BB};
        for (int st = 0; st < 4; st++) {
            int si = st / 2, ti = st % 2;
            double sum = 0;
            for (int ri = 0; ri < 2; ri++)
                for (int rj = 0; rj < 2; rj++) sum += e1[si][ri] * e2[ti][rj] * s.qt[2 + 2 * ri + rj];
            qt[2 + st] = e.pd()[3 * pab[st] + AB] * s.lam[AB] + f4 * sum;
        }
        return new State(k, k1, lam, lam1, v, r, rt, qt, w2);
    }

    /** Ṫ of entry α from the activation's own dual map (so that the infinite-width NTK is ntk4j's). */
    private static double dualNtk(Transition t, int a, double q1, double q2, double c) {
        return switch (a) {
            case AA -> t.phi().ntkFactor(q1, q1, q1);
            case BB -> t.phi().ntkFactor(q2, q2, q2);
            default -> t.phi().ntkFactor(c, q1, q2);
        };
    }

    /** ∂(Ĝ′, Λ̂′)/∂(Ĝ, Λ̂), 6×6: Ĝ′ = σ_b² + σ_w²·T(Ĝ), Λ̂′ = Ĝ′ + σ_w²·Ṫ(Ĝ)·Λ̂. */
    private static double[] jacobian(PairExpectations e, double[] lam, double w2) {
        double[] out = new double[36];
        for (int a = 0; a < 3; a++) {
            for (int b = 0; b < 3; b++) {
                double jt = e.jacobian()[3 * a + b];
                out[6 * a + b] = w2 * jt;
                out[6 * (3 + a) + b] = w2 * (jt + lam[a] * e.tdJacobian()[3 * a + b]);
            }
            out[6 * (3 + a) + 3 + a] = w2 * e.td()[a];
        }
        return out;
    }

    /**
     * n·Cov of (Ĝ′, Λ̂′) given the layer before: σ_w⁴·Cov of the per-unit products P_α = φφ and
     * Q_α = P_α + Λ_α·D_α (D_α = φ′φ′); the units' own NTK fluctuations add only O(1/n²) here.
     */
    private static double[] conditionalCovariance(PairExpectations e, double[] lam, double w4) {
        double[] out = new double[36];
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++) {
                double pp = e.fourPoint()[3 * a + b];
                double pd = e.pd()[3 * a + b] - e.t()[a] * e.td()[b];
                double dp = e.pd()[3 * b + a] - e.t()[b] * e.td()[a];
                double dd = e.dd()[3 * a + b] - e.td()[a] * e.td()[b];
                out[6 * a + b] = w4 * pp;
                out[6 * a + 3 + b] = w4 * (pp + lam[b] * pd);
                out[6 * (3 + a) + b] = w4 * (pp + lam[a] * dp);
                out[6 * (3 + a) + 3 + b] = w4 * (pp + lam[b] * pd + lam[a] * dp + lam[a] * lam[b] * dd);
            }
        return out;
    }

    /**
     * n·E[D_α·δθ_α]: the correlation of a unit's NTK fluctuation with its own pre-activations
     * (§5.2), 2·∂Ṫ/∂q1·q̃(a, a) + 2·∂Ṫ/∂q2·q̃(b, b) + ∂Ṫ/∂c·(q̃(a, b) + q̃(b, a)), times σ_w⁴ of the
     * layer that made the fluctuation.
     */
    private static double[] unitCorrelation(PairExpectations e, State s, double f4) {
        double[] j = e.tdJacobian();
        double[] q = s.qt;
        return new double[] {
            f4 * 2 * j[4 * AA] * q[0],
            f4 * 2 * j[4 * BB] * q[1],
            f4 * (2 * j[3 * AB] * q[2] + 2 * j[3 * AB + 1] * q[5] + j[3 * AB + 2] * (q[3] + q[4]))
        };
    }
}
