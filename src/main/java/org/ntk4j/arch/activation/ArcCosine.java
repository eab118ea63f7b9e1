package org.ntk4j.arch.activation;

/**
 * The arc-cosine dual maps of φ = a·min(x,0) + b·max(x,0) (ABRelu, Relu, LeakyRelu, Abs), exactly
 * as neural-tangents defines them (docs/kernels.md §4.1): with R = sqrt⁺(q1q2 − c²), θ = atan2(R, c) (π/2 when
 * both are 0), f = (a−b)²/(2π) and s = (a²+b²)/2: Ṫ = s − f·θ and T = f·R + Ṫ·c.
 * Evaluated through the correlation ρ = c/√(q1q2) (clamped at ±1; 0 when q1q2 = 0, NT's fill value
 * π/2): θ = arccos ρ by the vectorizable {@link FastAcos} (~4× faster than atan2 here) and
 * R = √(q1q2)·sqrt(1 − ρ²). Equal to the library's values to rounding (the nt-vectors match to 1e-15).
 *
 * <p>√(q1q2) is {@link #sqrtProduct}: the plain sqrt(q1·q2) wherever the product is a normal
 * float64, computed without forming the product where it would overflow or underflow (variances
 * beyond ~1e±154, i.e. inputs scaled by ~1e±77), so these maps are exactly homogeneous in the
 * inputs over the whole float64 range. The C twin ({@code native/cpu/arccos_tile.c}) and the CUDA
 * maps ({@code native/activations.cuh}) do the same.
 */
final class ArcCosine {
    private ArcCosine() {}

    static double f(double a, double b) {
        return (a - b) * (a - b) / Dual.TWO_PI;
    }

    static double s(double a, double b) {
        return (a * a + b * b) / 2;
    }

    /**
     * √(q1·q2) for variances q1, q2 ≥ 0, correctly rounded from the rounded product whatever their
     * scale: sqrt(q1·q2) itself when the product is a normal float64 (bit for bit the plain formula;
     * exactly q at q1 = q2 = q, so the correlation of a point with itself is exactly 1), else the
     * same on q1, q2 brought near 1 by exact even powers of two and scaled back. (sqrt(q1)·sqrt(q2)
     * would also be scale-safe, but differs from q by an ulp for about half of all q, which turns a
     * point's correlation with itself into 1 − 1e-16 and its angle into ~1.5e-8.)
     */
    static double sqrtProduct(double q1, double q2) {
        double p = q1 * q2;
        if (p >= Double.MIN_NORMAL && p <= Double.MAX_VALUE) return Math.sqrt(p);
        if (!(q1 > 0 && q2 > 0 && q1 < Double.POSITIVE_INFINITY && q2 < Double.POSITIVE_INFINITY)) return Math.sqrt(p);
        int e1 = evenExponent(q1), e2 = evenExponent(q2);
        return Math.scalb(Math.sqrt(Math.scalb(q1, -e1) * Math.scalb(q2, -e2)), (e1 + e2) / 2);
    }

    /** The binary exponent of x > 0 rounded down to even (−1024 for subnormals): x·2^-e is in [2^-51, 4). */
    private static int evenExponent(double x) {
        return Math.getExponent(x) & ~1;
    }

    /**
     * sp[i] = {@link #sqrtProduct}(q1[off1 + i], q2j) for i &lt; rows: by the plain vectorizable loop
     * when no product can leave the normal range ({@code q1Min}, {@code q1Max}: the extremes of those
     * q1; products are monotone in q1), else entry by entry. Same values either way.
     */
    static void sqrtProducts(double[] q1, int off1, int rows, double q2j, double q1Min, double q1Max, double[] sp) {
        if (q1Min * q2j >= Double.MIN_NORMAL && q1Max * q2j <= Double.MAX_VALUE) {
            for (int i = 0; i < rows; i++) sp[i] = Math.sqrt(q1[off1 + i] * q2j);
        } else {
            for (int i = 0; i < rows; i++) sp[i] = sqrtProduct(q1[off1 + i], q2j);
        }
    }

    /** {min, max} of q[off, off + n). */
    static double[] range(double[] q, int off, int n) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (int i = off; i < off + n; i++) {
            lo = Math.min(lo, q[i]);
            hi = Math.max(hi, q[i]);
        }
        return new double[] {lo, hi};
    }

    /** The correlation c/√p, with 0 when p = 0 (then c = 0 too: NT's fill value θ = π/2). */
    static double rho(double c, double sp) {
        return c / Math.max(sp, Double.MIN_NORMAL);
    }

    /**
     * θ = arccos(c/√p), p = q1q2, by {@link FastAcos}: the angle neural-tangents computes as
     * atan2(sqrt⁺(p − c²), c), to ~1 ulp (0 or π once |c| ≥ √p).
     */
    static double theta(double c, double q1, double q2) {
        return FastAcos.acos(rho(c, sqrtProduct(q1, q2)));
    }

    /**
     * T = f·R + (s − f·θ)·c with R = √p·sin θ. R comes from the same correlation as θ (not from
     * sqrt⁺(p − c²) as in neural-tangents; equal to rounding): then the O(θ) terms of R and θ cancel
     * exactly as they should for nearly identical inputs, instead of leaving a ~1e-8 error that later
     * layers amplify.
     */
    static double nngp(double f, double s, double c, double q1, double q2) {
        double sp = sqrtProduct(q1, q2), r = rho(c, sp);
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
    static void mapTile(
            double f,
            double s,
            int rows,
            int cols,
            double[] q1,
            int off1,
            double[] q2,
            int off2,
            double[] k,
            double[] theta) {
        if (NativeArcCosine.AVAILABLE)
            NativeArcCosine.mapTile(f, s, rows, cols, q1, off1, q2, off2, k, theta, new double[3 * rows]);
        else mapTileJava(f, s, rows, cols, q1, off1, q2, off2, k, theta);
    }

    /**
     * The tile loop in Java, in passes over each column so that every pass is a short loop the JIT
     * vectorizes (a single loop body this long is not: C2's unrolling limit).
     */
    static void mapTileJava(
            double f,
            double s,
            int rows,
            int cols,
            double[] q1,
            int off1,
            double[] q2,
            int off2,
            double[] k,
            double[] theta) {
        double[] sp = new double[rows], t = new double[rows], h = new double[rows];
        double[] q1Range = range(q1, off1, rows);
        for (int j = 0; j < cols; j++) {
            final double q2j = q2[off2 + j];
            final int base = j * rows;
            sqrtProducts(q1, off1, rows, q2j, q1Range[0], q1Range[1], sp);
            for (int i = 0; i < rows; i++) t[i] = rho(k[base + i], sp[i]);
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
        double[] q1Range = range(q1, off1, rows);
        for (int j = 0; j < cols; j++) {
            final double q2j = q2[off2 + j];
            final int base = j * rows;
            sqrtProducts(q1, off1, rows, q2j, q1Range[0], q1Range[1], t);
            for (int i = 0; i < rows; i++) t[i] = rho(k[base + i], t[i]);
            FastAcos.acosHigh(t, h, rows);
            FastAcos.acosLow(t, h, t, rows);
            for (int i = 0; i < rows; i++) k[base + i] = 1 - 2 * t[i] / Math.PI;
            if (theta != null) java.util.Arrays.fill(theta, base, base + rows, 0.0);
        }
    }
}
