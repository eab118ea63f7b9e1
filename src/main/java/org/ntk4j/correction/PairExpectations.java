package org.ntk4j.correction;

import org.ntk4j.arch.Activation;

/**
 * The Gaussian expectations one layer of the 1/n recursion needs for a pair of inputs (a, b) whose
 * pre-activations (u, v) are N(0, [[q1, c], [c, q2]]) (docs/finite-width.md §3–§4). Index order of
 * the three kernel entries: 0 = (a, a), 1 = (b, b), 2 = (a, b).
 *
 * @param t        T_aa = E[φ(u)²], T_bb = E[φ(v)²], T_ab = E[φ(u)φ(v)], by quadrature
 * @param fourPoint the covariance of the three products φ(u)², φ(v)², φ(u)φ(v): entry [3α + β] =
 *                 E[P_α P_β] − E[P_α]E[P_β] (symmetric)
 * @param jacobian [3α + β] = ∂T_α/∂G_β, with G = (q1, q2, c) and c counted once
 * @param hessian  [9α + 3β + γ] = ∂²T_α/∂G_β∂G_γ
 */
record PairExpectations(double[] t, double[] fourPoint, double[] jacobian, double[] hessian) {
    /** Below this 1 − ρ² the pair is treated as exactly collinear (v = s·u); see {@link #collinear}. */
    static final double COLLINEAR = 1e-9;

    static final int AA = 0, BB = 1, AB = 2;

    /** The expectations for the pair; q1, q2 ≥ 0 and c² ≤ q1·q2 (up to rounding). */
    static PairExpectations of(Activation phi, double q1, double q2, double c) {
        if (q1 == 0 && q2 > 0) return of(phi, q2, q1, c).swapped();
        if (q1 == 0) return constant(phi);
        double l11 = Math.sqrt(q1), l21 = c / l11;
        double l22sq = q2 - l21 * l21;
        if (q2 == 0 || l22sq <= COLLINEAR * q2) return collinear(phi, q1, q2, c);
        return general(phi, q1, q2, c, l11, l21, Math.sqrt(l22sq));
    }

    /** Both variances 0: the products are the constant φ(0)², nothing fluctuates. */
    private static PairExpectations constant(Activation phi) {
        double p = phi.apply(0) * phi.apply(0);
        return new PairExpectations(new double[] {p, p, p}, new double[9], new double[9], new double[27]);
    }

    /**
     * The general case, 2-D quadrature in whitened coordinates u = l11·ξ1, v = l21·ξ1 + l22·ξ2.
     * First derivatives by Stein's lemma, which needs φ′ but no weight that grows as the pair
     * becomes collinear: ∂T/∂c = E[φ′(u)φ′(v)], and the scaling u → λu gives
     * 2q1·∂T/∂q1 + c·∂T/∂c = E[u φ′(u) φ(v)]. Second derivatives differentiate those expectations
     * with the order-2 Hermite weights h_ij = y_i·y_j − P_ij (y = G⁻¹z, P = G⁻¹), since
     * ∂E[f]/∂q1 = ½E[f h11], ∂E[f]/∂q2 = ½E[f h22], ∂E[f]/∂c = E[f h12].
     */
    private static PairExpectations general(
            Activation phi, double q1, double q2, double c, double l11, double l21, double l22) {
        double det = (l11 * l22) * (l11 * l22);
        double p11 = q2 / det, p22 = q1 / det, p12 = -c / det;
        double[] cuts = {0.5 * Math.PI, 1.5 * Math.PI, Math.atan2(-l21, l22), Math.atan2(-l21, l22) + Math.PI};
        // s[0..7]: moments of φ; s[8..11]: A = φ′φ′ with 1, h11, h22, h12; s[12..14]: B1 = uφ′(u)φ(v)
        // with 1, h11, h22; s[15..16]: B2 = φ(u)vφ′(v) with 1, h22
        double[] s = new double[17];
        GaussianQuadrature.standardNormal2(cuts, (x1, x2, w) -> {
            double u = l11 * x1, v = l21 * x1 + l22 * x2;
            double pu = phi.apply(u), pv = phi.apply(v), du = phi.derivative(u), dv = phi.derivative(v);
            double y1 = x1 / l11 - l21 * x2 / (l11 * l22), y2 = x2 / l22;
            double h11 = y1 * y1 - p11, h22 = y2 * y2 - p22, h12 = y1 * y2 - p12;
            double uu = pu * pu, vv = pv * pv, uv = pu * pv;
            s[0] += w * uu;
            s[1] += w * vv;
            s[2] += w * uv;
            s[3] += w * uu * uu;
            s[4] += w * uu * uv;
            s[5] += w * uv * uv;
            s[6] += w * uv * vv;
            s[7] += w * vv * vv;
            double a = w * du * dv, b1 = w * u * du * pv, b2 = w * pu * v * dv;
            s[8] += a;
            s[9] += a * h11;
            s[10] += a * h22;
            s[11] += a * h12;
            s[12] += b1;
            s[13] += b1 * h11;
            s[14] += b1 * h22;
            s[15] += b2;
            s[16] += b2 * h22;
        });
        double[] t = {s[0], s[1], s[2]};
        double[] four = fourPoint(t, s[3], s[4], s[5], s[6], s[7]);
        double[] jac = new double[9], hes = new double[27];
        diagonal(phi, q1, jac, hes, AA);
        diagonal(phi, q2, jac, hes, BB);
        double gc = s[8];
        double g1 = (s[12] - c * gc) / (2 * q1), g2 = (s[15] - c * gc) / (2 * q2);
        double hcc = s[11], h1c = 0.5 * s[9], h2c = 0.5 * s[10];
        double h11 = (0.5 * s[13] - c * h1c) / (2 * q1) - g1 / q1;
        double h12 = (0.5 * s[14] - c * h2c) / (2 * q1);
        double h22 = (0.5 * s[16] - c * h2c) / (2 * q2) - g2 / q2;
        setRow(jac, hes, AB, new double[] {g1, g2, gc}, new double[] {h11, h12, h1c, h12, h22, h2c, h1c, h2c, hcc});
        return new PairExpectations(t, four, jac, hes);
    }

    /**
     * v = s·u exactly (s = c/q1; q2 = 0 is s = 0): the pair's fluctuations lie on the line
     * G + τ·(1, s², s), so T_ab is differentiated along it as f(q1) = E[φ(u)φ(s·u)] and the whole
     * derivative is put on the (a, a) entry (docs/finite-width.md §4.3).
     */
    private static PairExpectations collinear(Activation phi, double q1, double q2, double c) {
        double sd = Math.sqrt(q1), slope = c / q1;
        double[] s = new double[10];
        GaussianQuadrature.standardNormal((x, w) -> {
            double pu = phi.apply(sd * x), pv = phi.apply(slope * sd * x);
            double uu = pu * pu, vv = pv * pv, uv = pu * pv, x2 = x * x;
            s[0] += w * uu;
            s[1] += w * vv;
            s[2] += w * uv;
            s[3] += w * uu * uu;
            s[4] += w * uu * uv;
            s[5] += w * uv * uv;
            s[6] += w * uv * vv;
            s[7] += w * vv * vv;
            s[8] += w * uv * (x2 - 1);
            s[9] += w * uv * (x2 * x2 - 6 * x2 + 3);
        });
        double[] t = {s[0], s[1], s[2]};
        double[] jac = new double[9], hes = new double[27];
        diagonal(phi, q1, jac, hes, AA);
        if (q2 > 0) diagonal(phi, q2, jac, hes, BB);
        double[] h = new double[9];
        h[0] = 0.25 * s[9] / (q1 * q1);
        setRow(jac, hes, AB, new double[] {0.5 * s[8] / q1, 0, 0}, h);
        return new PairExpectations(t, fourPoint(t, s[3], s[4], s[5], s[6], s[7]), jac, hes);
    }

    /** dT/dq and d²T/dq² of T(q) = E[φ(√q·t)²] by the 1-D Hermite weights He2/q and He4/q², into row {@code row}. */
    private static void diagonal(Activation phi, double q, double[] jac, double[] hes, int row) {
        double sd = Math.sqrt(q);
        double[] s = new double[2];
        GaussianQuadrature.standardNormal((x, w) -> {
            double p = phi.apply(sd * x), x2 = x * x;
            s[0] += w * p * p * (x2 - 1);
            s[1] += w * p * p * (x2 * x2 - 6 * x2 + 3);
        });
        jac[3 * row + row] = 0.5 * s[0] / q;
        hes[9 * row + 3 * row + row] = 0.25 * s[1] / (q * q);
    }

    private static void setRow(double[] jac, double[] hes, int row, double[] g, double[] h) {
        System.arraycopy(g, 0, jac, 3 * row, 3);
        System.arraycopy(h, 0, hes, 9 * row, 9);
    }

    /** Cov of (φ(u)², φ(v)², φ(u)φ(v)) from E[φ(u)^i φ(v)^(4−i)], i = 4..0. */
    private static double[] fourPoint(double[] t, double m40, double m31, double m22, double m13, double m04) {
        double[] e = {m40, m22, m31, m22, m04, m13, m31, m13, m22};
        double[] f = new double[9];
        for (int a = 0; a < 3; a++) for (int b = 0; b < 3; b++) f[3 * a + b] = e[3 * a + b] - t[a] * t[b];
        return f;
    }

    /** The same expectations with the roles of a and b exchanged. */
    private PairExpectations swapped() {
        int[] perm = {BB, AA, AB};
        double[] t2 = new double[3], f2 = new double[9], j2 = new double[9], h2 = new double[27];
        for (int a = 0; a < 3; a++) {
            t2[a] = t[perm[a]];
            for (int b = 0; b < 3; b++) {
                f2[3 * a + b] = fourPoint[3 * perm[a] + perm[b]];
                j2[3 * a + b] = jacobian[3 * perm[a] + perm[b]];
                for (int g = 0; g < 3; g++) h2[9 * a + 3 * b + g] = hessian[9 * perm[a] + 3 * perm[b] + perm[g]];
            }
        }
        return new PairExpectations(t2, f2, j2, h2);
    }
}
