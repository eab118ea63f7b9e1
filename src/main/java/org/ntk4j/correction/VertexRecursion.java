package org.ntk4j.correction;

import static org.ntk4j.correction.PairExpectations.AA;
import static org.ntk4j.correction.PairExpectations.AB;
import static org.ntk4j.correction.PairExpectations.BB;

import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.apache.commons.math3.random.SobolSequenceGenerator;
import org.apache.commons.math3.special.Erf;
import org.ntk4j.arch.Activation;
import org.ntk4j.correction.CorrectionPlan.Transition;

/**
 * The layer recursion of the full four-point vertex V(a,b;c,d) over m inputs (docs/finite-width.md
 * §9). The pairs {a, b} (a ≥ b) are numbered p = a(a+1)/2 + b; V is held as a P×P matrix over
 * them (P = m(m+1)/2). Each transition is (3.4) over all pairs at once,
 *
 * <pre>V′(α; β) = σ_w⁴·( C4(α; β) + Σ_γδ J^α_γ·J^β_δ·V(γ; δ) ),</pre>
 *
 * where J^α, the derivative of T_α, touches only the three entries of the pair α (§3.1), so the
 * propagation needs nothing beyond the pair expectations. Only C4(α; β) = Cov[P_α, P_β] of two
 * pairs with three or four distinct inputs is a 3-D or 4-D Gaussian expectation ({@link
 * FourPointMoments}: exact for Erf and the identity, randomized quasi-Monte Carlo otherwise; §9.2). Every entry whose inputs are at most two distinct points —
 * V(a,b;a,b) among them — uses the pair quadrature and equals {@link PairRecursion}'s.
 *
 * <p>The recursion runs once per random shift of the point set (the estimate is linear in C4), so the
 * spread of the {@value #SHIFTS} results is the standard error of their mean.
 */
final class VertexRecursion {
    private VertexRecursion() {}

    /** Points of the digitally shifted Sobol rule per shift (a power of 2 keeps its balance). */
    static final int POINTS = 512;
    /** Independent random shifts: the mean over them is the estimate, their spread its error. */
    static final int SHIFTS = 8;
    /** Fixed, so that the same input gives the same vertex. */
    private static final long SEED = 0x5eed_1e7eL;
    /** NORMALS[r][4·s + j]: coordinate j of point s under shift r, as a standard-normal value. */
    private static final double[][] NORMALS = normals(POINTS, SHIFTS, SEED);

    /** V and its standard error, both P×P row-major over the pair numbering. */
    record Result(int inputs, double[] v, double[] se) {}

    static int pair(int a, int b) {
        return a >= b ? a * (a + 1) / 2 + b : b * (b + 1) / 2 + a;
    }

    /** V over the m inputs whose input kernel x·x′/d is {@code gram} (m×m row-major). */
    static Result run(CorrectionPlan plan, double[] gram, int m) {
        int np = m * (m + 1) / 2;
        Transition f = plan.first();
        double[] k = new double[m * m];
        for (int q = 0; q < k.length; q++) k[q] = f.b2() + f.w2() * gram[q];
        double[][] v = new double[SHIFTS][np * np];
        for (Transition t : plan.transitions()) {
            Layer layer = Layer.of(t.phi(), k, m);
            double[][] next = new double[SHIFTS][];
            double[] c4 = null;
            for (int r = 0; r < SHIFTS; r++) {
                if (c4 == null || !layer.moments().exact()) {
                    c4 = layer.exactFourPoint(np);
                    layer.estimateFourPoint(c4, NORMALS[r]);
                }
                next[r] = layer.propagate(c4, v[r], np, t.w2() * t.w2());
            }
            v = next;
            k = nextKernel(t, k, m);
        }
        return summarize(m, np, v);
    }

    /** K′ = σ_b² + σ_w²·T(K) over all pairs (3.2), with the activation's own dual map. */
    private static double[] nextKernel(Transition t, double[] k, int m) {
        double[] kn = new double[m * m];
        for (int a = 0; a < m; a++)
            for (int b = 0; b <= a; b++) {
                double tab = a == b
                        ? t.phi().variance(k[a * m + a])
                        : t.phi().nngp(k[a * m + b], k[a * m + a], k[b * m + b]);
                kn[a * m + b] = t.b2() + t.w2() * tab;
                kn[b * m + a] = kn[a * m + b];
            }
        return kn;
    }

    /** The mean over the shifts and its standard error. */
    private static Result summarize(int m, int np, double[][] v) {
        double[] mean = new double[np * np], se = new double[np * np];
        for (int q = 0; q < mean.length; q++) {
            double s = 0, lo = v[0][q], hi = lo;
            for (double[] vr : v) {
                s += vr[q];
                lo = Math.min(lo, vr[q]);
                hi = Math.max(hi, vr[q]);
            }
            if (lo == hi) { // an exact entry: the same under every shift
                mean[q] = lo;
                continue;
            }
            double mu = s / SHIFTS, ss = 0;
            for (double[] vr : v) ss += (vr[q] - mu) * (vr[q] - mu);
            mean[q] = mu;
            se[q] = Math.sqrt(ss / (SHIFTS - 1) / SHIFTS);
        }
        return new Result(m, mean, se);
    }

    /**
     * One hidden layer of pre-activations with infinite-width kernel k: the pair expectations of
     * every pair (J and the exact C4 entries) and the Cholesky factors the estimates need.
     */
    record Layer(Activation phi, double[] k, int m, PairExpectations[] pairs, FourPointMoments moments) {
        static Layer of(Activation phi, double[] k, int m) {
            PairExpectations[] pairs = new PairExpectations[m * (m + 1) / 2];
            IntStream.range(0, pairs.length).parallel().forEach(p -> {
                int a = rowOf(p), b = p - a * (a + 1) / 2;
                pairs[p] = PairExpectations.of(phi, k[a * m + a], k[b * m + b], k[a * m + b]);
            });
            return new Layer(phi, k, m, pairs, FourPointMoments.of(phi, k, m));
        }

        /**
         * C4 where the two pairs share all but at most two inputs: from the pair quadrature of
         * {a, b}, exactly the entries {@link PairRecursion} uses (the (a, a; a, a) entry from the
         * pair {a, a}); the rest left 0 for {@link #estimateFourPoint}.
         */
        double[] exactFourPoint(int np) {
            double[] c4 = new double[np * np];
            for (int a = 0; a < m; a++)
                for (int b = 0; b <= a; b++) {
                    double[] four = pairs[pair(a, b)].fourPoint();
                    if (a == b) {
                        c4[pair(a, a) * (np + 1)] = four[3 * AA + AA];
                        continue;
                    }
                    int[] idx = {pair(a, a), pair(b, b), pair(a, b)};
                    int[] ent = {AA, BB, AB};
                    for (int x = 0; x < 3; x++)
                        for (int y = 0; y < 3; y++) {
                            if (ent[x] == ent[y] && ent[x] != AB) continue; // from the pairs {a, a}, {b, b}
                            c4[idx[x] * np + idx[y]] = four[3 * ent[x] + ent[y]];
                        }
                }
            return c4;
        }

        /**
         * C4 of the pairs of three or four distinct inputs over one shifted point set: for each
         * multiset {a ≥ b ≥ c ≥ d} its three pairings (ab; cd), (ac; bd), (ad; bc), each the
         * four-point moment less the product of its pair moments, all from the same rule (so that
         * their errors largely cancel for weakly dependent pairs).
         */
        void estimateFourPoint(double[] c4, double[] normals) {
            int np = m * (m + 1) / 2;
            // over the pairs (a ≥ b), not over a alone: the work grows as b², and 2080 pieces at
            // m = 64 keep the cores evenly loaded
            IntStream.range(0, np).parallel().forEach(p -> {
                int a = rowOf(p), b = p - a * (a + 1) / 2;
                double[] mom = new double[7];
                for (int c = 0; c <= b; c++)
                    for (int d = 0; d <= c; d++) {
                        int distinct = 1 + (a != b ? 1 : 0) + (b != c ? 1 : 0) + (c != d ? 1 : 0);
                        if (distinct < 3) continue;
                        moments.moments(new int[] {a, b, c, d}, normals, mom);
                        setBoth(c4, np, pair(a, b), pair(c, d), mom[0] - mom[1] * mom[2]);
                        setBoth(c4, np, pair(a, c), pair(b, d), mom[0] - mom[3] * mom[4]);
                        setBoth(c4, np, pair(a, d), pair(b, c), mom[0] - mom[5] * mom[6]);
                    }
            });
        }

        /**
         * V′ = σ_w⁴·(C4 + J·V·Jᵀ) over all pairs (§3.4). J^α of the pair α = {a, b}: ∂T_ab/∂G_aa,
         * ∂T_ab/∂G_bb, ∂T_ab/∂G_ab (the off-diagonal entry counted once); for a = b the single
         * dT_aa/dG_aa.
         */
        double[] propagate(double[] c4, double[] v, int np, double w4) {
            int[][] to = new int[np][];
            double[][] jac = new double[np][];
            for (int a = 0; a < m; a++)
                for (int b = 0; b <= a; b++) {
                    int p = pair(a, b);
                    double[] j = pairs[p].jacobian();
                    if (a == b) {
                        to[p] = new int[] {p};
                        jac[p] = new double[] {j[4 * AA]};
                    } else {
                        to[p] = new int[] {pair(a, a), pair(b, b), p};
                        jac[p] = new double[] {j[3 * AB + AA], j[3 * AB + BB], j[3 * AB + AB]};
                    }
                }
            double[] out = new double[np * np];
            // V′ is symmetric: each entry computed once and mirrored, so that V(a,b;c,d) = V(c,d;a,b) exactly
            IntStream.range(0, np).parallel().forEach(x -> {
                for (int y = 0; y <= x; y++) {
                    double s = c4[x * np + y];
                    for (int g = 0; g < to[x].length; g++)
                        for (int h = 0; h < to[y].length; h++) s += jac[x][g] * jac[y][h] * v[to[x][g] * np + to[y][h]];
                    out[x * np + y] = w4 * s;
                    out[y * np + x] = w4 * s;
                }
            });
            return out;
        }
    }

    private static void setBoth(double[] c4, int np, int x, int y, double value) {
        c4[x * np + y] = value;
        c4[y * np + x] = value;
    }

    private static int rowOf(int p) {
        int a = (int) ((Math.sqrt(8.0 * p + 1) - 1) / 2);
        while (a * (a + 1) / 2 > p) a--;
        while ((a + 1) * (a + 2) / 2 <= p) a++;
        return a;
    }

    /**
     * The 4-D Sobol points (commons-math3, direction numbers of Joe and Kuo) under {@value #SHIFTS}
     * random shifts modulo 1 (Cranley–Patterson), mapped to standard-normal values: each shifted
     * set is an unbiased rule and the sets are independent.
     */
    static double[][] normals(int points, int shifts, long seed) {
        SobolSequenceGenerator sobol = new SobolSequenceGenerator(4);
        double[][] u = new double[points][];
        for (int s = 0; s < points; s++) u[s] = sobol.nextVector();
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] out = new double[shifts][4 * points];
        for (int r = 0; r < shifts; r++) {
            long[] shift = {rng.nextLong(), rng.nextLong(), rng.nextLong(), rng.nextLong()};
            for (int s = 0; s < points; s++)
                for (int j = 0; j < 4; j++) {
                    // the digital shift: XOR of the binary digits, which keeps the net's balance
                    long bits = (long) (u[s][j] * 0x1p52) ^ (shift[j] >>> 12);
                    double p = (bits + 0.5) * 0x1p-52;
                    out[r][4 * s + j] = Math.sqrt(2) * Erf.erfInv(2 * p - 1);
                }
        }
        return out;
    }
}
