package org.ntk4j.evidence;

/**
 * The tangent of Erf's maps, φ(x) = A·erf(Bx) + C (docs/kernels.md §4.3): with β = B², c' = βc,
 * u_i = 1 + 2βq_i, P = u1·u2, D = P − 4c'² and r = √D (r ≥ 1: |c| ≤ √(q1q2) gives
 * D ≥ 1 + 2β(q1 + q2)), T = A²(2/π)·atan2(2c', r) + C² and Ṫ = A²β(4/π)/r. Differentiating
 * (docs/evidence.md §3.2), with dD = 2β(u2·dq1 + u1·dq2) − 8βc'·dc and dr = dD/(2r):
 * <pre>
 *   dT = A²(2/π)·(2β·r·dc − 2c'·dr)/P        (r² + 4c'² = P)
 *   dṪ = −Ṫ·dr/r
 * </pre>
 * (∂T/∂c reduces to Ṫ, Price's theorem.)
 */
final class ErfTangent implements DualMapTangent {
    private final double a2;
    private final double beta;
    private final double shift2;

    ErfTangent(double a, double b, double c) {
        this.a2 = a * a;
        this.beta = b * b;
        this.shift2 = c * c;
    }

    @Override
    public void eval(double c, double q1, double q2, double[] dc, double[] dq1, double[] dq2, int m, double[] out) {
        double cb = beta * c, u1 = 1 + 2 * (beta * q1), u2 = 1 + 2 * (beta * q2), p = u1 * u2;
        double r = Math.sqrt(Math.max(0.0, p - 4 * cb * cb));
        double tDot = a2 * beta * ((4 / Math.PI) / r);
        out[0] = a2 * ((2 / Math.PI) * Math.atan2(2 * cb, r)) + shift2;
        out[1] = tDot;
        for (int t = 0; t < m; t++) {
            double dD = 2 * beta * (u2 * dq1[t] + u1 * dq2[t]) - 8 * beta * cb * dc[t];
            double dr = dD / (2 * r);
            out[2 + 2 * t] = a2 * (2 / Math.PI) * (2 * beta * r * dc[t] - 2 * cb * dr) / p;
            out[3 + 2 * t] = -tDot * dr / r;
        }
    }
}
