package org.ntk4j.evidence;

/**
 * The tangent of the arc-cosine maps of φ(x) = a·min(x, 0) + b·max(x, 0) (docs/kernels.md §4.1):
 * with √p = √(q1q2), ρ = c/√p, θ = arccos ρ, R = √p·sin θ, f = (a − b)²/(2π), s = (a² + b²)/2,
 * T = f·R + (s − fθ)·c and Ṫ = s − fθ. Differentiating (docs/evidence.md §3.1):
 * <pre>
 *   dT = Ṫ·dc + (f·R/2)·(dq1/q1 + dq2/q2)
 *   dṪ = (f/R)·(dc − (c/2)·(dq1/q1 + dq2/q2))
 * </pre>
 * (∂T/∂c = Ṫ is Price's theorem; the θ-terms of ∂T/∂q cancel because √p·cos θ = c.) Where R = 0
 * (two parallel inputs, a point with itself, or a zero-variance input) the angle is 0 or π and
 * stays so along the recursion's directions: then dṪ = 0 and dT = Ṫ·dc.
 */
final class ArcCosineTangent implements DualMapTangent {
    private final double f;
    private final double s;

    ArcCosineTangent(double a, double b) {
        this.f = (a - b) * (a - b) / (2 * Math.PI);
        this.s = (a * a + b * b) / 2;
    }

    @Override
    public void eval(double c, double q1, double q2, double[] dc, double[] dq1, double[] dq2, int m, double[] out) {
        double sp = sqrtProduct(q1, q2);
        // ρ clamped to [−1, 1] and 0 at zero variance (θ = π/2), as the kernel's own maps do
        double rho = sp > 0 ? Math.max(-1.0, Math.min(1.0, c / sp)) : 0.0;
        double theta = Math.acos(rho);
        // (1 − ρ)(1 + ρ) rather than 1 − ρ²: accurate where ρ is near ±1
        double r = sp * Math.sqrt(Math.max(0.0, (1 - rho) * (1 + rho)));
        double tDot = s - f * theta;
        out[0] = f * r + tDot * c;
        out[1] = tDot;
        for (int t = 0; t < m; t++) {
            if (r > 0) {
                double rel = dq1[t] / q1 + dq2[t] / q2; // q1, q2 > 0 since R ≤ √(q1q2)
                out[2 + 2 * t] = tDot * dc[t] + 0.5 * f * r * rel;
                out[3 + 2 * t] = f / r * (dc[t] - 0.5 * c * rel);
            } else {
                out[2 + 2 * t] = tDot * dc[t];
                out[3 + 2 * t] = 0.0;
            }
        }
    }

    /**
     * √(q1·q2), exact at q1 = q2 (the square root of a correctly rounded square is the number
     * itself), so a point's correlation with itself is exactly 1 and its R exactly 0; by
     * √q1·√q2 where the product would leave the normal range.
     */
    static double sqrtProduct(double q1, double q2) {
        double p = q1 * q2;
        if (p >= Double.MIN_NORMAL && p <= Double.MAX_VALUE) return Math.sqrt(p);
        return Math.sqrt(q1) * Math.sqrt(q2);
    }
}
