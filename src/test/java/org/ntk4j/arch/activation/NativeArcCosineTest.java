package org.ntk4j.arch.activation;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The C arc-cosine tile map against the Java loop: bit for bit, NaN propagation included. */
class NativeArcCosineTest {
    private static boolean libraryInBuild() {
        return System.getProperty("os.name", "").startsWith("Linux")
                && "amd64".equals(System.getProperty("os.arch"))
                && NativeArcCosine.class.getResource("/native/linux-x86_64/libntk4j_cpu.so") != null;
    }

    @Test
    void loadsWhereverTheBuildHasIt() {
        // The build compiles the library wherever gcc exists (native/cpu/build.sh); once built, a
        // failure to load it would silently cost speed, so it fails here instead.
        assertEquals(libraryInBuild(), NativeArcCosine.AVAILABLE);
    }

    @Test
    void bitIdenticalToTheJavaLoop() {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                NativeArcCosine.AVAILABLE, "the native library is not in this build");
        Random r = new Random(11);
        double[][] ab = {{0, 1}, {0.1, 1}, {-1, 1}, {0.3, -2}, {1, 1}};
        int[] shapes = {1, 2, 3, 7, 8, 9, 16, 17, 31, 64, 127, 128};
        int cases = 0;
        for (double[] p : ab) {
            double f = ArcCosine.f(p[0], p[1]), s = ArcCosine.s(p[0], p[1]);
            for (int rows : shapes)
                for (int cols : new int[] {1, 5, 33}) {
                    int off1 = r.nextInt(4), off2 = r.nextInt(4);
                    double[] q1 = variances(r, rows + off1), q2 = variances(r, cols + off2);
                    double[] k = new double[rows * cols];
                    for (int j = 0; j < cols; j++)
                        for (int i = 0; i < rows; i++) k[i + j * rows] = covariance(r, q1[off1 + i], q2[off2 + j]);
                    for (boolean withTheta : new boolean[] {false, true}) {
                        double[] theta = withTheta ? randomTheta(r, rows * cols) : null;
                        double[] kj = k.clone(), kn = k.clone();
                        double[] tj = theta == null ? null : theta.clone(), tn = theta == null ? null : theta.clone();
                        ArcCosine.mapTileJava(f, s, rows, cols, q1, off1, q2, off2, kj, tj);
                        NativeArcCosine.mapTile(f, s, rows, cols, q1, off1, q2, off2, kn, tn, new double[3 * rows]);
                        for (int e = 0; e < kj.length; e++) {
                            assertEquals(
                                    Double.doubleToRawLongBits(kj[e]),
                                    Double.doubleToRawLongBits(kn[e]),
                                    () -> "K differs: f=" + f + " rows=" + rows + " cols=" + cols);
                            if (tj != null)
                                assertEquals(
                                        Double.doubleToRawLongBits(tj[e]),
                                        Double.doubleToRawLongBits(tn[e]),
                                        () -> "Θ differs: f=" + f + " rows=" + rows + " cols=" + cols);
                        }
                        cases++;
                    }
                }
        }
        assertEquals(5 * 12 * 3 * 2, cases);
    }

    @Test
    void nanStaysNan() {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                NativeArcCosine.AVAILABLE, "the native library is not in this build");
        double f = ArcCosine.f(0, 1), s = ArcCosine.s(0, 1);
        double[] q = {1, 2, Double.NaN, 1};
        double[] k = {0.5, Double.NaN, 0.3, 0.2};
        double[] theta = {1, 1, 1, Double.NaN};
        NativeArcCosine.mapTile(f, s, 4, 1, q, 0, new double[] {1}, 0, k, theta, new double[12]);
        assertTrue(Double.isFinite(k[0]) && Double.isFinite(theta[0]));
        assertTrue(Double.isNaN(k[1]) && Double.isNaN(theta[1]), "a NaN covariance must give NaN, not a clamped value");
        assertTrue(Double.isNaN(k[2]) && Double.isNaN(theta[2]), "a NaN variance must give NaN");
        assertTrue(Double.isNaN(theta[3]));
    }

    /**
     * Variances with zeros, subnormal, tiny, ordinary, large and huge values (products of the
     * extremes leave the normal range: the rescaled √(q1q2) of both codes).
     */
    private static double[] variances(Random r, int n) {
        double[] q = new double[n];
        for (int i = 0; i < n; i++)
            q[i] = switch (r.nextInt(9)) {
                case 0 -> 0.0;
                case 1 -> 1e-300 * r.nextDouble();
                case 2 -> 1e6 * r.nextDouble();
                case 3 -> 1e300 * r.nextDouble();
                case 4 -> Double.MIN_VALUE * (1 + r.nextInt(1 << 20));
                case 5 -> 1e-200 * r.nextDouble();
                default -> 0.1 + 3 * r.nextDouble();
            };
        return q;
    }

    /** c = ρ·√(q1q2) with ρ beyond ±1 (clamped), exactly ±1 and 0, and near ±1 (the arccos endpoints). */
    private static double covariance(Random r, double q1, double q2) {
        double rho = switch (r.nextInt(7)) {
            case 0 -> 1.0;
            case 1 -> -1.0;
            case 2 -> 0.0;
            case 3 -> 1.2 * (2 * r.nextDouble() - 1);
            case 4 -> Math.copySign(1 - 1e-12 * r.nextDouble(), r.nextBoolean() ? 1 : -1);
            default -> 2 * r.nextDouble() - 1;
        };
        return rho * ArcCosine.sqrtProduct(q1, q2);
    }

    private static double[] randomTheta(Random r, int n) {
        double[] t = new double[n];
        for (int i = 0; i < n; i++) t[i] = 5 * r.nextDouble();
        return t;
    }
}
