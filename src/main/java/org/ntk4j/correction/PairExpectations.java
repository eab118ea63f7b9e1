package org.ntk4j.correction;

import org.ntk4j.arch.Activation;

/**
 * The Gaussian expectations one layer of the 1/n recursion needs for a pair of inputs (a, b) whose
 * pre-activations (u, v) are N(0, [[q1, c], [c, q2]]) (docs/finite-width.md §3–§5). Index order of
 * the three kernel entries α: 0 = (a, a), 1 = (b, b), 2 = (a, b); the products are
 * P_α = φφ (φ(u)², φ(v)², φ(u)φ(v)) and D_α = φ′φ′ likewise.
 *
 * @param t         T_α = E[P_α], by quadrature
 * @param fourPoint Cov[P_α, P_β], entry [3α + β]
 * @param jacobian  [3α + β] = ∂T_α/∂G_β, with G = (q1, q2, c) and c counted once
 * @param hessian   [9α + 3β + γ] = ∂²T_α/∂G_β∂G_γ
 * @param td        Ṫ_α = E[D_α]
 * @param tdJacobian ∂Ṫ_α/∂G_β, as {@code jacobian}
 * @param tdHessian ∂²Ṫ_α/∂G_β∂G_γ, as {@code hessian}
 * @param pd        E[P_α·D_β] (raw), entry [3α + β]
 * @param dd        E[D_α·D_β] (raw), entry [3α + β]
 */
record PairExpectations(
        double[] t,
        double[] fourPoint,
        double[] jacobian,
        double[] hessian,
        double[] td,
        double[] tdJacobian,
        double[] tdHessian,
        double[] pd,
        double[] dd) {
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

    /** Both variances 0: the products are constants, nothing fluctuates. */
    private static PairExpectations constant(Activation phi) {
        double p = phi.apply(0) * phi.apply(0), d = phi.derivative(0) * phi.derivative(0);
        double[] pd = new double[9], dd = new double[9];
        java.util.Arrays.fill(pd, p * d);
        java.util.Arrays.fill(dd, d * d);
        return new PairExpectations(
                new double[] {p, p, p},
                new double[9],
                new double[9],
                new double[27],
                new double[] {d, d, d},
                new double[9],
                new double[27],
                pd,
                dd);
    }

    /**
     * Accumulates the products P, D at one node into the raw moment sums m (P·P: 0..8, P·D: 9..17,
     * D·D: 18..26, P: 27..29, D: 30..32).
     */
    private static void products(double[] m, double w, double pu, double pv, double du, double dv) {
        double[] p = {pu * pu, pv * pv, pu * pv}, d = {du * du, dv * dv, du * dv};
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++) {
                m[3 * a + b] += w * p[a] * p[b];
                m[9 + 3 * a + b] += w * p[a] * d[b];
                m[18 + 3 * a + b] += w * d[a] * d[b];
            }
        for (int a = 0; a < 3; a++) {
            m[27 + a] += w * p[a];
            m[30 + a] += w * d[a];
        }
    }

    /**
     * The general case, 2-D quadrature in whitened coordinates u = l11·ξ1, v = l21·ξ1 + l22·ξ2.
     * First derivatives of T by Stein's lemma, which needs φ′ but no weight that grows as the pair
     * becomes collinear: ∂T/∂c = E[φ′(u)φ′(v)] = Ṫ, and the scaling u → λu gives
     * 2q1·∂T/∂q1 + c·∂T/∂c = E[u φ′(u) φ(v)]. Derivatives of those expectations, and of Ṫ, use the
     * Hermite weights of the Gaussian density (y = G⁻¹z, P = G⁻¹): ∂E[f]/∂q1 = ½E[f h11],
     * ∂E[f]/∂q2 = ½E[f h22], ∂E[f]/∂c = E[f h12] with h_ij = y_i·y_j − P_ij, and the order-4
     * h_ijkl for the second derivatives of Ṫ.
     */
    private static PairExpectations general(
            Activation phi, double q1, double q2, double c, double l11, double l21, double l22) {
        double det = (l11 * l22) * (l11 * l22);
        double p11 = q2 / det, p22 = q1 / det, p12 = -c / det;
        double[] cuts = {0.5 * Math.PI, 1.5 * Math.PI, Math.atan2(-l21, l22), Math.atan2(-l21, l22) + Math.PI};
        double[] m = new double[33];
        // s[0..2]: A = φ′φ′ with h11, h22, h12; s[3..5]: B1 = uφ′(u)φ(v) with 1, h11, h22;
        // s[6..7]: B2 = φ(u)vφ′(v) with 1, h22; s[8..12]: A with h1111, h2222, h1122, h1112, h1222
        double[] s = new double[13];
        GaussianQuadrature.standardNormal2(cuts, (x1, x2, w) -> {
            double u = l11 * x1, v = l21 * x1 + l22 * x2;
            double pu = phi.apply(u), pv = phi.apply(v), du = phi.derivative(u), dv = phi.derivative(v);
            products(m, w, pu, pv, du, dv);
            double y1 = x1 / l11 - l21 * x2 / (l11 * l22), y2 = x2 / l22;
            double h11 = y1 * y1 - p11, h22 = y2 * y2 - p22, h12 = y1 * y2 - p12;
            double a = w * du * dv, b1 = w * u * du * pv, b2 = w * pu * v * dv;
            s[0] += a * h11;
            s[1] += a * h22;
            s[2] += a * h12;
            s[3] += b1;
            s[4] += b1 * h11;
            s[5] += b1 * h22;
            s[6] += b2;
            s[7] += b2 * h22;
            double y11 = y1 * y1, y22 = y2 * y2, y12 = y1 * y2;
            s[8] += a * (y11 * y11 - 6 * p11 * y11 + 3 * p11 * p11);
            s[9] += a * (y22 * y22 - 6 * p22 * y22 + 3 * p22 * p22);
            s[10] += a * (y11 * y22 - (p11 * y22 + p22 * y11 + 4 * p12 * y12) + p11 * p22 + 2 * p12 * p12);
            s[11] += a * (y11 * y12 - 3 * p11 * y12 - 3 * p12 * y11 + 3 * p11 * p12);
            s[12] += a * (y22 * y12 - 3 * p22 * y12 - 3 * p12 * y22 + 3 * p22 * p12);
        });
        Builder b = new Builder(m);
        b.diagonal(phi, q1, AA);
        b.diagonal(phi, q2, BB);
        double gc = b.td[AB];
        double g1 = (s[3] - c * gc) / (2 * q1), g2 = (s[6] - c * gc) / (2 * q2);
        double dc = s[2], d1 = 0.5 * s[0], d2 = 0.5 * s[1];
        double h11 = (0.5 * s[4] - c * d1) / (2 * q1) - g1 / q1;
        double h12 = (0.5 * s[5] - c * d2) / (2 * q1);
        double h22 = (0.5 * s[7] - c * d2) / (2 * q2) - g2 / q2;
        b.row(b.jac, b.hes, new double[] {g1, g2, gc}, symmetric(h11, h12, d1, h22, d2, dc));
        double e11 = 0.25 * s[8], e22 = 0.25 * s[9], e12 = 0.25 * s[10], e1c = 0.5 * s[11], e2c = 0.5 * s[12];
        double ecc = s[10];
        b.row(b.tdJac, b.tdHes, new double[] {d1, d2, dc}, symmetric(e11, e12, e1c, e22, e2c, ecc));
        return b.build();
    }

    /**
     * v = s·u exactly (s = c/q1; q2 = 0 is s = 0): the pair's fluctuations lie on the line
     * G + τ·(1, s², s) (docs/finite-width.md §4.3). The first derivatives of T are the true partial
     * ones (Stein's lemma, as in {@link #general}); the second derivatives of T and all derivatives
     * of Ṫ are taken along the line, f(q1) = E[φ(u)φ(s·u)], and put on the (a, a) entry.
     */
    private static PairExpectations collinear(Activation phi, double q1, double q2, double c) {
        double sd = Math.sqrt(q1), slope = c / q1;
        double[] m = new double[33];
        double[] s = new double[6];
        GaussianQuadrature.standardNormal((x, w) -> {
            double u = sd * x, v = slope * u;
            double pu = phi.apply(u), pv = phi.apply(v), du = phi.derivative(u), dv = phi.derivative(v);
            products(m, w, pu, pv, du, dv);
            double x2 = x * x, he2 = x2 - 1, he4 = x2 * x2 - 6 * x2 + 3;
            s[0] += w * pu * pv * he4;
            s[1] += w * du * dv * he2;
            s[2] += w * du * dv * he4;
            s[3] += w * u * du * pv;
            s[4] += w * pu * v * dv;
        });
        Builder b = new Builder(m);
        b.diagonal(phi, q1, AA);
        if (q2 > 0) b.diagonal(phi, q2, BB);
        double gc = b.td[AB];
        double g1 = (s[3] - c * gc) / (2 * q1), g2 = q2 > 0 ? (s[4] - c * gc) / (2 * q2) : 0;
        double[] h = new double[9], e = new double[9];
        h[0] = 0.25 * s[0] / (q1 * q1);
        e[0] = 0.25 * s[2] / (q1 * q1);
        b.row(b.jac, b.hes, new double[] {g1, g2, gc}, h);
        b.row(b.tdJac, b.tdHes, new double[] {0.5 * s[1] / q1, 0, 0}, e);
        return b.build();
    }

    private static double[] symmetric(double x11, double x12, double x13, double x22, double x23, double x33) {
        return new double[] {x11, x12, x13, x12, x22, x23, x13, x23, x33};
    }

    /** Collects the moments and the derivative rows into the record. */
    private static final class Builder {
        final double[] m, t, td;
        final double[] jac = new double[9], hes = new double[27], tdJac = new double[9], tdHes = new double[27];

        Builder(double[] m) {
            this.m = m;
            t = java.util.Arrays.copyOfRange(m, 27, 30);
            td = java.util.Arrays.copyOfRange(m, 30, 33);
        }

        /** d/dq and d²/dq² of E[φ(√q·x)²] and E[φ′(√q·x)²] by the 1-D Hermite weights He2/q and He4/q². */
        void diagonal(Activation phi, double q, int row) {
            double sd = Math.sqrt(q);
            double[] s = new double[4];
            GaussianQuadrature.standardNormal((x, w) -> {
                double p = phi.apply(sd * x), d = phi.derivative(sd * x), x2 = x * x;
                double he2 = x2 - 1, he4 = x2 * x2 - 6 * x2 + 3;
                s[0] += w * p * p * he2;
                s[1] += w * p * p * he4;
                s[2] += w * d * d * he2;
                s[3] += w * d * d * he4;
            });
            jac[4 * row] = 0.5 * s[0] / q;
            hes[13 * row] = 0.25 * s[1] / (q * q);
            tdJac[4 * row] = 0.5 * s[2] / q;
            tdHes[13 * row] = 0.25 * s[3] / (q * q);
        }

        /** Sets the (a, b) row: gradient g (3) and Hessian hr (3×3). */
        void row(double[] j, double[] h, double[] g, double[] hr) {
            System.arraycopy(g, 0, j, 3 * AB, 3);
            System.arraycopy(hr, 0, h, 9 * AB, 9);
        }

        PairExpectations build() {
            double[] four = new double[9];
            for (int a = 0; a < 3; a++) for (int b = 0; b < 3; b++) four[3 * a + b] = m[3 * a + b] - t[a] * t[b];
            return new PairExpectations(
                    t,
                    four,
                    jac,
                    hes,
                    td,
                    tdJac,
                    tdHes,
                    java.util.Arrays.copyOfRange(m, 9, 18),
                    java.util.Arrays.copyOfRange(m, 18, 27));
        }
    }

    /** The same expectations with the roles of a and b exchanged. */
    private PairExpectations swapped() {
        int[] perm = {BB, AA, AB};
        return new PairExpectations(
                permute1(t, perm),
                permute2(fourPoint, perm),
                permute2(jacobian, perm),
                permute3(hessian, perm),
                permute1(td, perm),
                permute2(tdJacobian, perm),
                permute3(tdHessian, perm),
                permute2(pd, perm),
                permute2(dd, perm));
    }

    private static double[] permute1(double[] x, int[] p) {
        double[] y = new double[3];
        for (int a = 0; a < 3; a++) y[a] = x[p[a]];
        return y;
    }

    private static double[] permute2(double[] x, int[] p) {
        double[] y = new double[9];
        for (int a = 0; a < 3; a++) for (int b = 0; b < 3; b++) y[3 * a + b] = x[3 * p[a] + p[b]];
        return y;
    }

    private static double[] permute3(double[] x, int[] p) {
        double[] y = new double[27];
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++)
                for (int g = 0; g < 3; g++) y[9 * a + 3 * b + g] = x[9 * p[a] + 3 * p[b] + p[g]];
        return y;
    }
}
