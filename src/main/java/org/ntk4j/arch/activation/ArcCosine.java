package org.ntk4j.arch.activation;

/**
 * The arc-cosine dual maps of φ = a·min(x,0) + b·max(x,0) (ABRelu, Relu, LeakyRelu, Abs), exactly
 * as neural-tangents defines them (spec §4): with R = sqrt⁺(q1q2 − c²), θ = atan2(R, c) (π/2 when
 * both are 0), f = (a−b)²/(2π) and s = (a²+b²)/2: Ṫ = s − f·θ and T = f·R + Ṫ·c.
 * Evaluated through the correlation ρ = c/√(q1q2) (clamped at ±1; 0 when q1q2 = 0, NT's fill value
 * π/2): θ = arccos ρ by the vectorizable {@link FastAcos} (~4× faster than atan2 here) and
 * R = √(q1q2)·sqrt(1 − ρ²). Equal to the library's values to rounding (the nt-vectors match to 1e-15).
 */
final class ArcCosine {
    private ArcCosine() { }

    static double f(double a, double b) { return (a - b) * (a - b) / Dual.TWO_PI; }

    static double s(double a, double b) { return (a * a + b * b) / 2; }

    /** The correlation c/√p, with 0 when p = 0 (then c = 0 too: NT's fill value θ = π/2). */
    static double rho(double c, double sp) { return c / Math.max(sp, Double.MIN_NORMAL); }

    /**
     * θ = arccos(c/√p), p = q1q2, by {@link FastAcos}: the angle neural-tangents computes as
     * atan2(sqrt⁺(p − c²), c), to ~1 ulp (0 or π once |c| ≥ √p).
     */
    static double theta(double c, double q1, double q2) { return FastAcos.acos(rho(c, Math.sqrt(q1 * q2))); }

    /**
     * T = f·R + (s − f·θ)·c with R = √p·sin θ. R comes from the same correlation as θ (not from
     * sqrt⁺(p − c²) as in neural-tangents; equal to rounding): then the O(θ) terms of R and θ cancel
     * exactly as they should for nearly identical inputs, instead of leaving a ~1e-8 error that later
     * layers amplify.
     */
    static double nngp(double f, double s, double c, double q1, double q2) {
        double sp = Math.sqrt(q1 * q2), r = rho(c, sp);
        double root = sp * FastAcos.sinAcos(r);
        double dot = s - f * FastAcos.acos(r);
        return f * root + dot * c;
    }

    static double ntkFactor(double f, double s, double c, double q1, double q2) {
        return s - f * theta(c, q1, q2);
    }

    /**
     * The tile map: T and Ṫ over a tile of K (in place) and Θ ← Θ·Ṫ (theta may be null), by the
     * native code where it is loaded ({@link NativeArcCosine}, bit-identical), else {@link #mapTileJava}.
     */
    static void mapTile(double f, double s, int rows, int cols, double[] q1, int off1,
                        double[] q2, int off2, double[] k, double[] theta) {
        if (NativeArcCosine.AVAILABLE) NativeArcCosine.mapTile(f, s, rows, cols, q1, off1, q2, off2, k, theta, new double[3 * rows]);
        else mapTileJava(f, s, rows, cols, q1, off1, q2, off2, k, theta);
    }

    /**
     * The tile loop in Java, in passes over each column so that every pass is a short loop the JIT
     * vectorizes (a single loop body this long is not: C2's unrolling limit).
     */
    static void mapTileJava(double f, double s, int rows, int cols, double[] q1, int off1,
                            double[] q2, int off2, double[] k, double[] theta) {
        double[] sp = new double[rows], t = new double[rows], h = new double[rows];
        for (int j = 0; j < cols; j++) {
            final double q2j = q2[off2 + j];
            final int base = j * rows;
            for (int i = 0; i < rows; i++) {
                double spi = Math.sqrt(q1[off1 + i] * q2j);
                sp[i] = spi;
                t[i] = rho(k[base + i], spi);
            }
            FastAcos.acosHigh(t, h, rows);
            FastAcos.acosLow(t, h, h, rows); // h = θ, t = ρ
            for (int i = 0; i < rows; i++) sp[i] = sp[i] * FastAcos.sinAcos(t[i]); // R
            if (theta != null) {
                for (int i = 0; i < rows; i++) {
                    double dot = s - f * h[i];
                    k[base + i] = f * sp[i] + dot * k[base + i];
                    theta[base + i] *= dot;
                }
            } else {
                for (int i = 0; i < rows; i++) k[base + i] = f * sp[i] + (s - f * h[i]) * k[base + i];
            }
        }
    }

    /** Sign: T = 1 − 2θ/π, Ṫ = 0, with the same θ. */
    static void signTile(int rows, int cols, double[] q1, int off1, double[] q2, int off2, double[] k, double[] theta) {
        double[] t = new double[rows], h = new double[rows];
        for (int j = 0; j < cols; j++) {
            final double q2j = q2[off2 + j];
            final int base = j * rows;
            for (int i = 0; i < rows; i++) t[i] = rho(k[base + i], Math.sqrt(q1[off1 + i] * q2j));
            FastAcos.acosHigh(t, h, rows);
            FastAcos.acosLow(t, h, t, rows);
            for (int i = 0; i < rows; i++) k[base + i] = 1 - 2 * t[i] / Math.PI;
            if (theta != null) java.util.Arrays.fill(theta, base, base + rows, 0.0);
        }
    }
}
