package org.ntk4j.arch.activation;

/**
 * The arc-cosine dual maps of φ = a·min(x,0) + b·max(x,0) (ABRelu, Relu, LeakyRelu, Abs), exactly
 * as neural-tangents evaluates them (spec §4): with R = sqrt⁺(q1q2 − c²), θ = atan2(R, c) (π/2 when
 * both are 0), f = (a−b)²/(2π) and s = (a²+b²)/2:
 * Ṫ = s − f·θ and T = f·R + Ṫ·c. No clipping is needed: sqrt⁺ and atan2 are total.
 */
final class ArcCosine {
    private ArcCosine() { }

    static double f(double a, double b) { return (a - b) * (a - b) / Dual.TWO_PI; }

    static double s(double a, double b) { return (a * a + b * b) / 2; }

    static double theta(double c, double q1, double q2) {
        double root = Dual.sqrtPlus(q1 * q2 - c * c);
        return Dual.atan2Fill(root, c);
    }

    static double nngp(double f, double s, double c, double q1, double q2) {
        double root = Dual.sqrtPlus(q1 * q2 - c * c);
        double dot = s - f * Dual.atan2Fill(root, c);
        return f * root + dot * c;
    }

    static double ntkFactor(double f, double s, double c, double q1, double q2) {
        return s - f * theta(c, q1, q2);
    }

    static void mapTile(double f, double s, int rows, int cols, double[] q1, int off1,
                        double[] q2, int off2, double[] k, double[] theta) {
        for (int j = 0; j < cols; j++) {
            final double q2j = q2[off2 + j];
            final int base = j * rows;
            for (int i = 0; i < rows; i++) {
                int idx = base + i;
                double c = k[idx];
                double root = Dual.sqrtPlus(q1[off1 + i] * q2j - c * c);
                double dot = s - f * Dual.atan2Fill(root, c);
                k[idx] = f * root + dot * c;
                if (theta != null) theta[idx] *= dot;
            }
        }
    }
}
