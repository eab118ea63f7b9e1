package org.ntk4j.solve;

import java.util.Arrays;
import org.ntk4j.operator.LinearOperator;
import org.ntk4j.parallel.ParallelRegion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Preconditioned conjugate gradients for A·X = B with k right-hand sides run together: one operator
 * application per iteration on the block of still-active columns (the expensive kernel pass is
 * shared), each column with its own step sizes, so every column is exactly PCG on its own system
 * (GPyTorch's batched "mBCG" without the Lanczos part). A column stops when its recursive relative
 * residual ≤ tolerance; at the end the true residual b − A·x is recomputed (one more pass) and
 * reported, so the result never claims more than it achieved.
 */
public final class BlockCg {
    private static final Logger LOG = LoggerFactory.getLogger(BlockCg.class);

    private BlockCg() {}

    /** Solves A·X = B (B column-major n×k) from X = 0. */
    public static CgResult solve(
            LinearOperator a, Preconditioner p, double[] b, int n, int k, double tolerance, int maxIterations) {
        if (b.length != (long) n * k) throw new IllegalArgumentException("cg: B must be " + n + "x" + k);
        Block s = new Block(p, b, n, k);
        int it = 0;
        while (s.active.length > 0 && it < maxIterations) {
            ParallelRegion.checkInterrupted("the conjugate-gradient solve");
            it++;
            s.step(a);
            int[] still = s.unconverged(tolerance);
            if (still.length > 0) s.newDirections(p, still);
            if (LOG.isDebugEnabled()) LOG.debug("cg iteration {}: {} of {} columns active", it, still.length, k);
            s.active = still;
        }
        return trueResidual(a, b, s, it);
    }

    /**
     * The state of k PCG runs side by side, all n×k column-major: iterate X, residual R, search
     * directions P and ρ = rᵀz per column. Only the columns in {@code active} still move.
     */
    private static final class Block {
        final int n, k;
        final double[] x, r, pd, rz, bNorm;
        int[] active;

        /** X = 0, R = B, P = Z = M⁻¹R; a zero column of B is solved (X = 0) and never active. */
        Block(Preconditioner p, double[] b, int n, int k) {
            this.n = n;
            this.k = k;
            x = new double[n * k];
            r = b.clone();
            double[] norms = new double[k];
            for (int j = 0; j < k; j++) norms[j] = Math.sqrt(dot(b, j, b, j, n));
            bNorm = norms;
            active = Arrays.stream(range(k)).filter(j -> norms[j] > 0).toArray();
            double[] z = gather(p.apply(gather(r, active, n), active.length), active, n, k);
            pd = z.clone();
            rz = new double[k];
            for (int j : active) rz[j] = dot(r, j, z, j, n);
        }

        /** One operator pass on the active directions; per column α = ρ/pᵀAp, X += α·p, R −= α·Ap. */
        void step(LinearOperator a) {
            double[] q = a.apply(gather(pd, active, n), active.length); // compact n×|active|
            for (int c = 0; c < active.length; c++) {
                int j = active[c];
                double pq = 0;
                for (int i = 0, o = j * n, oc = c * n; i < n; i++) pq += pd[o + i] * q[oc + i];
                double alpha = rz[j] / pq;
                for (int i = 0, o = j * n, oc = c * n; i < n; i++) {
                    x[o + i] += alpha * pd[o + i];
                    r[o + i] -= alpha * q[oc + i];
                }
            }
        }

        /** The active columns whose recursive residual is still above tolerance·‖b‖. */
        int[] unconverged(double tolerance) {
            return Arrays.stream(active)
                    .filter(j -> Math.sqrt(dot(r, j, r, j, n)) > tolerance * bNorm[j])
                    .toArray();
        }

        /** For the columns {@code still}: z = M⁻¹r, β = ρ_new/ρ, p = z + β·p. */
        void newDirections(Preconditioner p, int[] still) {
            double[] zc = p.apply(gather(r, still, n), still.length);
            for (int c = 0; c < still.length; c++) {
                int j = still[c];
                double rzNew = 0;
                for (int i = 0, o = j * n, oc = c * n; i < n; i++) rzNew += r[o + i] * zc[oc + i];
                double beta = rzNew / rz[j];
                rz[j] = rzNew;
                for (int i = 0, o = j * n, oc = c * n; i < n; i++) pd[o + i] = zc[oc + i] + beta * pd[o + i];
            }
        }
    }

    /** The result with the true residual b − A·x (one more pass): recursive residuals drift from it in floating point. */
    private static CgResult trueResidual(LinearOperator a, double[] b, Block s, int iterations) {
        int n = s.n, k = s.k;
        double[] ax = a.apply(s.x, k);
        double[] rel = new double[k], abs = new double[k];
        for (int j = 0; j < k; j++) {
            double sum = 0;
            for (int i = 0, o = j * n; i < n; i++) {
                double e = b[o + i] - ax[o + i];
                sum += e * e;
            }
            abs[j] = Math.sqrt(sum);
            rel[j] = s.bNorm[j] == 0 ? 0 : abs[j] / s.bNorm[j];
        }
        return new CgResult(s.x, k, iterations, rel, abs, s.active.length == 0);
    }

    private static int[] range(int k) {
        int[] a = new int[k];
        for (int i = 0; i < k; i++) a[i] = i;
        return a;
    }

    private static double dot(double[] a, int ja, double[] b, int jb, int n) {
        double s = 0;
        for (int i = 0, oa = ja * n, ob = jb * n; i < n; i++) s += a[oa + i] * b[ob + i];
        return s;
    }

    /** The columns {@code cols} of a column-major n×k array, compacted. */
    static double[] gather(double[] a, int[] cols, int n) {
        double[] out = new double[cols.length * n];
        for (int c = 0; c < cols.length; c++) System.arraycopy(a, cols[c] * n, out, c * n, n);
        return out;
    }

    /** Scatters compact columns back to positions {@code cols} of a new n×k array (others 0). */
    private static double[] gather(double[] compact, int[] cols, int n, int k) {
        double[] out = new double[n * k];
        for (int c = 0; c < cols.length; c++) System.arraycopy(compact, c * n, out, cols[c] * n, n);
        return out;
    }
}
