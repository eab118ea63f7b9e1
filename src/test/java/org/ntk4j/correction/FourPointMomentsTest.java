package org.ntk4j.correction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.ntk4j.arch.Activation;
import org.ntk4j.arch.activation.Erf;
import org.ntk4j.arch.activation.Identity;
import org.ntk4j.arch.activation.Relu;

/**
 * The exact four-point moments (Erf's orthant integral, Isserlis for the identity) and the
 * radius-integrated estimate of the ReLU family against plain randomized QMC with many points
 * (docs/finite-width.md §9.2).
 */
class FourPointMomentsTest {
    static final int M = 5;

    /** A layer kernel over M inputs: b² + w²·x·x′/d with random x. */
    static double[] kernel(long seed) {
        Random rnd = new Random(seed);
        int d = 3;
        double[][] x = new double[M][d];
        for (double[] r : x) for (int j = 0; j < d; j++) r[j] = rnd.nextGaussian();
        double[] k = new double[M * M];
        for (int a = 0; a < M; a++)
            for (int b = 0; b < M; b++) {
                double s = 0.1;
                for (int j = 0; j < d; j++) s += 1.5 * x[a][j] * x[b][j] / d;
                k[a * M + b] = s;
            }
        return k;
    }

    static final int[][] POSITIONS = {{4, 3, 2, 1}, {3, 2, 1, 0}, {4, 4, 2, 0}, {3, 1, 1, 0}, {2, 1, 0, 0}, {4, 2, 2, 2}
    };

    @Test
    void erfOrthantIntegralAgreesWithSampling() {
        for (Activation phi : new Activation[] {new Erf(), new Erf(0.7, 1.6, 0.2)}) agree(phi, 1e-12);
    }

    /**
     * Over two distinct inputs the four-point moments are 2-D expectations, which the pair
     * quadrature gives to ~1e-9 (§4.4): E[φ(u)²φ(v)²], E[φ(u)³φ(v)] and E[φ(u)⁴].
     */
    @Test
    void erfOrthantIntegralMatchesThePairQuadrature() {
        double[] k = kernel(7);
        // the pair quadrature's own error grows with the steepness b: ~2e-7 for erf(3z), where the
        // orthant integral moves by < 1e-15 between 48 and 200 nodes
        Erf[] erfs = {new Erf(), new Erf(0.7, 1.6, 0.2)};
        double[] rel = {2e-9, 2e-9};
        for (int i = 0; i < erfs.length; i++) {
            Erf phi = erfs[i];
            double tol = rel[i];
            FourPointMoments f = FourPointMoments.of(phi, k, M);
            double[] mom = new double[7];
            for (int[] ab : new int[][] {{0, 1}, {3, 2}, {4, 0}}) {
                int a = ab[0], b = ab[1];
                PairExpectations e = PairExpectations.of(phi, k[a * M + a], k[b * M + b], k[a * M + b]);
                double[] t = e.t(), four = e.fourPoint();
                int aa = PairExpectations.AA, bb = PairExpectations.BB, ac = PairExpectations.AB;
                f.moments(new int[] {a, a, b, b}, null, mom);
                assertEquals(
                        four[3 * aa + bb] + t[aa] * t[bb],
                        mom[0],
                        tol * Math.abs(mom[0]),
                        phi.describe() + " E[φa²φb²]");
                f.moments(new int[] {a, b, a, b}, null, mom);
                assertEquals(
                        four[3 * ac + ac] + t[ac] * t[ac],
                        mom[0],
                        tol * Math.abs(mom[0]),
                        phi.describe() + " E[φa²φb²]");
                f.moments(new int[] {a, a, a, b}, null, mom);
                assertEquals(
                        four[3 * aa + ac] + t[aa] * t[ac],
                        mom[0],
                        tol * Math.abs(mom[0]),
                        phi.describe() + " E[φa³φb]");
                f.moments(new int[] {a, a, a, a}, null, mom);
                assertEquals(
                        four[3 * aa + aa] + t[aa] * t[aa], mom[0], tol * Math.abs(mom[0]), phi.describe() + " E[φa⁴]");
                assertEquals(t[aa], mom[1], tol * t[aa], phi.describe() + " E[φa²]");
            }
        }
    }

    @Test
    void identityIsIsserlis() {
        agree(new Identity(), 1e-12);
    }

    @Test
    void reluDirectionsAgreeWithPlainSampling() {
        agree(new Relu(), 0);
    }

    /**
     * The moments of {@code phi} against plain QMC with 2^16 points in 8 shifts: within 5 standard
     * errors of the two estimates (the exact ones have none) plus {@code slack}.
     */
    private static void agree(Activation phi, double slack) {
        double[] k = kernel(5);
        FourPointMoments fast = FourPointMoments.of(phi, k, M);
        FourPointMoments.Plain plain = new FourPointMoments.Plain(phi, k, M);
        double[][] many = VertexRecursion.normals(1 << 13, 8, 17);
        double[][] few = VertexRecursion.normals(VertexRecursion.POINTS, VertexRecursion.SHIFTS, 23);
        for (int[] pos : POSITIONS) {
            double[][] ref = stats(plain, pos, many), got = stats(fast, pos, few);
            for (int q = 0; q < 7; q++) {
                double tol = 5 * Math.hypot(ref[1][q], got[1][q]) + slack;
                assertEquals(
                        ref[0][q],
                        got[0][q],
                        tol,
                        phi.describe() + " moment " + q + " at " + java.util.Arrays.toString(pos));
            }
            if (fast.exact())
                assertTrue(got[1][0] <= 1e-15 * Math.abs(got[0][0]), "an exact moment does not depend on the shift");
        }
    }

    /** Mean and standard error over the shifted point sets. */
    private static double[][] stats(FourPointMoments f, int[] pos, double[][] sets) {
        double[][] out = new double[2][7];
        double[][] each = new double[sets.length][7];
        for (int r = 0; r < sets.length; r++) f.moments(pos, sets[r], each[r]);
        for (int q = 0; q < 7; q++) {
            double s = 0, ss = 0;
            for (double[] e : each) s += e[q];
            double mu = s / sets.length;
            for (double[] e : each) ss += (e[q] - mu) * (e[q] - mu);
            out[0][q] = mu;
            out[1][q] = Math.sqrt(ss / (sets.length - 1) / sets.length);
        }
        return out;
    }
}
