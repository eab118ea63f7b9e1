package org.ntk4j.correction;

import org.apache.commons.math3.analysis.integration.gauss.GaussIntegrator;
import org.apache.commons.math3.analysis.integration.gauss.GaussIntegratorFactory;
import org.ntk4j.arch.Activation;
import org.ntk4j.arch.activation.ABRelu;
import org.ntk4j.arch.activation.Abs;
import org.ntk4j.arch.activation.Erf;
import org.ntk4j.arch.activation.LeakyRelu;
import org.ntk4j.arch.activation.RectifiedMonomial;
import org.ntk4j.arch.activation.Relu;

/**
 * The Gaussian moments of four inputs (docs/finite-width.md §9.2): for positions (p0, p1, p2, p3),
 * input indices that may repeat, over z ~ N(0, K) of one hidden layer, E[φ(z_p0)·φ(z_p1)·φ(z_p2)·φ(z_p3)]
 * and the six pair moments E[φ(z_pi)·φ(z_pj)] in the order (01), (23), (02), (13), (03), (12).
 *
 * <ul>
 *   <li>{@link #of Erf} and the identity: exact (a 1-D Gauss–Legendre integral, and Isserlis).</li>
 *   <li>Positively homogeneous φ (the ReLU family, φ(λz) = λ^p·φ(z) for λ > 0): randomized QMC over
 *       directions only, the radius integrated exactly.</li>
 *   <li>Any other φ: randomized QMC in up to four dimensions.</li>
 * </ul>
 */
abstract class FourPointMoments {
    final double[] k;
    final int m;

    FourPointMoments(double[] k, int m) {
        this.k = k;
        this.m = m;
    }

    /** Whether the moments are exact, so that every shift of the point set gives the same. */
    abstract boolean exact();

    /** Fills out[0] = the four-point moment, out[1..6] = the pair moments; normals: one shifted point set. */
    abstract void moments(int[] pos, double[] normals, double[] out);

    /** The moments of φ over the layer's kernel k (m×m row-major). */
    static FourPointMoments of(Activation phi, double[] k, int m) {
        if (phi.isIdentity()) return new Isserlis(k, m);
        if (phi instanceof Erf e) return new ErfOrthant(e, k, m);
        int p = homogeneity(phi);
        return p > 0 ? new Directions(phi, p, k, m) : new Plain(phi, k, m);
    }

    /** The degree p of a positively homogeneous φ, or 0. */
    static int homogeneity(Activation phi) {
        if (phi instanceof Relu || phi instanceof LeakyRelu || phi instanceof ABRelu || phi instanceof Abs) return 1;
        if (phi instanceof RectifiedMonomial r && r.degree() >= 1) return r.degree();
        return 0;
    }

    /** φ(z) = z: E[z0z1z2z3] = K01·K23 + K02·K13 + K03·K12 (Isserlis). */
    private static final class Isserlis extends FourPointMoments {
        Isserlis(double[] k, int m) {
            super(k, m);
        }

        @Override
        boolean exact() {
            return true;
        }

        @Override
        void moments(int[] p, double[] normals, double[] out) {
            double k01 = k[p[0] * m + p[1]], k23 = k[p[2] * m + p[3]], k02 = k[p[0] * m + p[2]];
            double k13 = k[p[1] * m + p[3]], k03 = k[p[0] * m + p[3]], k12 = k[p[1] * m + p[2]];
            out[0] = k01 * k23 + k02 * k13 + k03 * k12;
            out[1] = k01;
            out[2] = k23;
            out[3] = k02;
            out[4] = k13;
            out[5] = k03;
            out[6] = k12;
        }
    }

    /**
     * φ = A·erf(B·z) + C. With η ~ N(0, 1) independent, erf(B·z) = E_η[sign(√2·B·z − η)], so a
     * product of erfs is a product of signs of y_j = √2·B·z_pj − η_j, one η per position (a
     * repeated input gets two): y ~ N(0, S), S = 2B²·K + I. With R the correlation of S,
     * E[sign y_i·sign y_j] = (2/π)·arcsin R_ij, and for four (Price's theorem along R_0j → t·R_0j,
     * where the moment is 0 at t = 0)
     *
     * <pre>E[Π sign y_j] = (4/π²)·∫₀¹ Σ_{j=1..3} R_0j·arcsin ρ_kl|0j(t) / √(1 − t²R_0j²) dt,</pre>
     *
     * ρ_kl|0j the correlation of the other two given y_0 = y_j = 0. The integrand is smooth (S ≥ I
     * keeps every correlation below 1): Gauss–Legendre with {@value #NODES} nodes.
     */
    private static final class ErfOrthant extends FourPointMoments {
        static final int NODES = 48;
        private static final double[] T, W;

        static {
            GaussIntegrator g = new GaussIntegratorFactory().legendre(NODES, 0, 1);
            T = new double[NODES];
            W = new double[NODES];
            for (int i = 0; i < NODES; i++) {
                T[i] = g.getPoint(i);
                W[i] = g.getWeight(i);
            }
        }

        private final double a, b2x2, c;

        ErfOrthant(Erf e, double[] k, int m) {
            super(k, m);
            a = e.a();
            b2x2 = 2 * e.b() * e.b();
            c = e.c();
        }

        @Override
        boolean exact() {
            return true;
        }

        @Override
        void moments(int[] p, double[] normals, double[] out) {
            double[] r = new double[16];
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++) {
                    double sij = b2x2 * k[p[i] * m + p[j]] + (i == j ? 1 : 0);
                    r[4 * i + j] = sij;
                }
            double[] sd = new double[4];
            for (int i = 0; i < 4; i++) sd[i] = Math.sqrt(r[5 * i]);
            for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) r[4 * i + j] /= sd[i] * sd[j];
            int[][] pairs = {{0, 1}, {2, 3}, {0, 2}, {1, 3}, {0, 3}, {1, 2}};
            double sumPairs = 0;
            for (int q = 0; q < 6; q++) {
                double o2 = 2 / Math.PI * Math.asin(r[4 * pairs[q][0] + pairs[q][1]]);
                out[1 + q] = a * a * o2 + c * c;
                sumPairs += o2;
            }
            out[0] = a * a * a * a * orthant4(r) + a * a * c * c * sumPairs + c * c * c * c;
        }

        /** E[Π sign y_j] for y ~ N(0, R), R a 4×4 correlation matrix (row-major). */
        private static double orthant4(double[] r) {
            double sum = 0;
            for (int n = 0; n < NODES; n++) {
                double t = T[n], f = 0;
                for (int j = 1; j < 4; j++) {
                    int kk = j == 1 ? 2 : 1, l = j == 3 ? 2 : 3;
                    double r0j = t * r[j], r0k = t * r[kk], r0l = t * r[l];
                    double rjk = r[4 * j + kk], rjl = r[4 * j + l], rkl = r[4 * kk + l];
                    // covariance of (y_k, y_l) given y_0 = y_j = 0: R_kl − R_k,(0j)·R_(0j)⁻¹·R_(0j),l
                    double det = 1 - r0j * r0j;
                    double ck = (r0k * r0k - 2 * r0j * r0k * rjk + rjk * rjk) / det;
                    double cl = (r0l * r0l - 2 * r0j * r0l * rjl + rjl * rjl) / det;
                    double ckl = (r0k * r0l - r0j * (r0k * rjl + rjk * r0l) + rjk * rjl) / det;
                    double rho = (rkl - ckl) / Math.sqrt((1 - ck) * (1 - cl));
                    f += r[j] * Math.asin(Math.max(-1, Math.min(1, rho))) / Math.sqrt(det);
                }
                sum += W[n] * f;
            }
            return 4 / (Math.PI * Math.PI) * sum;
        }
    }

    /** Randomized QMC over the points z = L·ξ of the distinct inputs (L the Cholesky factor). */
    static class Plain extends FourPointMoments {
        final Activation phi;

        Plain(Activation phi, double[] k, int m) {
            super(k, m);
            this.phi = phi;
        }

        @Override
        boolean exact() {
            return false;
        }

        /**
         * Whether each point is projected onto the unit sphere, and the weights of the four-point
         * and pair products then (w[0], w[1]); 1 and no projection unless the radius is integrated
         * out.
         */
        boolean directions(int dims, double[] w) {
            w[0] = 1;
            w[1] = 1;
            return false;
        }

        @Override
        void moments(int[] pos, double[] normals, double[] out) {
            int[] idx = new int[4], slot = new int[4];
            int dims = 0;
            for (int i = 0; i < 4; i++) {
                int s = -1;
                for (int j = 0; j < dims; j++) if (idx[j] == pos[i]) s = j;
                if (s < 0) {
                    idx[dims] = pos[i];
                    s = dims++;
                }
                slot[i] = s;
            }
            double[] l = cholesky(idx, dims), w = new double[2];
            boolean project = directions(dims, w);
            double[] f = new double[4];
            double s4 = 0, s01 = 0, s23 = 0, s02 = 0, s13 = 0, s03 = 0, s12 = 0;
            int points = normals.length / 4;
            for (int s = 0, o = 0; s < points; s++, o += 4) {
                double inv = 1;
                if (project) {
                    double r2 = 0;
                    for (int i = 0; i < dims; i++) r2 += normals[o + i] * normals[o + i];
                    inv = 1 / Math.sqrt(r2);
                }
                for (int i = 0; i < dims; i++) {
                    double zi = 0;
                    for (int j = 0; j <= i; j++) zi += l[4 * i + j] * normals[o + j];
                    f[i] = phi.apply(zi * inv);
                }
                double f0 = f[slot[0]], f1 = f[slot[1]], f2 = f[slot[2]], f3 = f[slot[3]];
                s4 += f0 * f1 * f2 * f3;
                s01 += f0 * f1;
                s23 += f2 * f3;
                s02 += f0 * f2;
                s13 += f1 * f3;
                s03 += f0 * f3;
                s12 += f1 * f2;
            }
            out[0] = w[0] * s4 / points;
            double[] pairs = {s01, s23, s02, s13, s03, s12};
            for (int q = 0; q < 6; q++) out[1 + q] = w[1] * pairs[q] / points;
        }

        /**
         * The lower Cholesky factor of k over {@code idx[0..dims)}, 4×4 row-major. A positive
         * semi-definite kernel (duplicate or collinear inputs) gives a zero pivot: its column is set
         * to 0, so the factor still reproduces the covariance.
         */
        double[] cholesky(int[] idx, int dims) {
            double[] l = new double[16];
            for (int i = 0; i < dims; i++)
                for (int j = 0; j <= i; j++) {
                    double s = k[idx[i] * m + idx[j]];
                    for (int q = 0; q < j; q++) s -= l[4 * i + q] * l[4 * j + q];
                    if (i == j) l[5 * i] = s > 1e-12 * k[idx[i] * m + idx[i]] ? Math.sqrt(s) : 0;
                    else l[4 * i + j] = l[5 * j] == 0 ? 0 : s / l[5 * j];
                }
            return l;
        }
    }

    /**
     * Positively homogeneous φ of degree p: the four-point product has degree 4p and the pair
     * products 2p, so with ξ = ρ·ω (ω uniform on the sphere, independent of ρ)
     * E[Πφ(L·ξ)] = E[ρ^{4p}]·E[Πφ(L·ω)]. Each point is projected onto the sphere and weighted by
     * the exact radial moment: the integrand left is bounded, which QMC integrates far better than
     * the polynomially growing original.
     */
    private static final class Directions extends Plain {
        private final int degree;

        Directions(Activation phi, int degree, double[] k, int m) {
            super(phi, k, m);
            this.degree = degree;
        }

        @Override
        boolean directions(int dims, double[] w) {
            // E[ρ^{2s}] for ρ² ~ χ²_dims: dims·(dims + 2)···(dims + 2s − 2)
            w[0] = chiMoment(dims, 2 * degree);
            w[1] = chiMoment(dims, degree);
            return true;
        }

        private static double chiMoment(int dims, int s) {
            double v = 1;
            for (int i = 0; i < s; i++) v *= dims + 2 * i;
            return v;
        }
    }
}
