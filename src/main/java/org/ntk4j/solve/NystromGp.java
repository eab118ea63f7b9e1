package org.ntk4j.solve;

import org.ntk4j.arch.Architecture;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.KernelOptions;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.linalg.Blas;
import org.ntk4j.linalg.Cholesky;
import org.ntk4j.linalg.JitterPolicy;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.linalg.NativeMatrix;
import org.ntk4j.linalg.RoundOff;
import org.ntk4j.linalg.Rows;
import org.ntk4j.predict.CovarianceMode;
import org.ntk4j.predict.Diagnostics;
import org.ntk4j.predict.Get;
import org.ntk4j.predict.Posterior;
import org.ntk4j.predict.Regularization;
import org.ntk4j.predict.Timings;

/**
 * Nyström kernel regression on M centers drawn uniformly from the training set (Falkon's model,
 * Rudi et al. 2017). <b>What it computes:</b> the same t = ∞ formulas as
 * {@link org.ntk4j.predict.GpInference} with every kernel block that involves the training set
 * replaced by its Nyström approximation Q_ab = K_aM·K_MM⁻¹·K_Mb (Θ and K alike, same centers), the
 * test prior K_tt (Θ_tt for NTKGP) kept exact. For NNGP/NTKGP this is the DTC ("deterministic
 * training conditional") GP: mean Q_td(Q_dd + λI)⁻¹y, variance K_tt − Q_tt + λ·K_tM(λK_MM + K_Mn K_nM)⁻¹K_Mt.
 * With M = n it is the exact posterior; its error for M &lt; n is a modelling error, not a solver
 * residual, and is not bounded here — compare against the exact solver on a subsample.
 *
 * <p>How: K_MM = L·Lᵀ (Cholesky, jitter reported), then one streamed pass over row blocks of the
 * training set computes K_bM, B_b = K_bM·L⁻ᵀ and accumulates G = BᵀB, Bᵀy (and F = B_ΘᵀB_K for the NTK
 * ensemble) — O(n·M) kernel entries and O(n·M²) flops, O(M² + b·M) memory. The M-dimensional system
 * (G + λI)β = Bᵀy is then solved directly by Cholesky (it is M×M and formed anyway: forming G costs
 * one kernel pass, while Falkon's CG would need one pass per iteration).
 */
public final class NystromGp {
    private static final long BLOCK_ENTRIES = 4L << 20;

    private NystromGp() { }

    public static Solved predict(Architecture arch, Matrix x, Matrix y, Matrix xt, Get get, CovarianceMode mode,
                                 Regularization reg, KernelOptions ko, SolverOptions so, String reason) {
        long t0 = System.nanoTime();
        if (reg == null || reg.isZero())
            throw new InvalidInputException("diagReg", "the nystrom solver needs a regularizer > 0; set diagReg (e.g. 1e-4) or use the exact solver");
        if (mode == CovarianceMode.FULL && xt.rows() > 20000)
            throw new InvalidInputException("cov", "a full covariance of " + xt.rows() + " test points is too large; use variances (diag)");
        int n = x.rows(), m = xt.rows(), k = y.cols(), mc = so.centersFor(n);
        boolean ntk = get != Get.NNGP, ens = get == Get.NTK && mode != CovarianceMode.NONE;
        KernelOptions o = (ko == null ? KernelOptions.defaults() : ko).withComputeNtk(ntk);
        KernelFunction kf = KernelFunction.of(arch);
        // y scaled to max |y| in [1, 2) (exact; the mean is scaled back): targets near 1e308 do not
        // overflow in Bᵀy or β (as in IterativeGp)
        int ye = y.maxAbsExponent();
        double[] xcm = x.toColumnMajor(), ycm = y.scalb(-ye).toColumnMajor();
        int[] idx = LowRankPreconditioner.sample(n, mc, so.seed());
        Matrix z = Rows.select(xcm, n, x.cols(), idx);
        long tk = System.nanoTime();
        Kernels zz = kf.compute(z, null, o);
        // λ relative to the mean diagonal of the inverted kernel over the whole training set
        double lambda;
        if (reg.absolute()) lambda = reg.diagReg();
        else try (StreamedKernel sk = StreamedKernel.of(arch, x, o, ntk, 0)) {
            double tr = 0;
            for (double v : sk.diagonal(ntk)) tr += v;
            lambda = reg.lambda(tr, n);
        }
        try (Cholesky lm = Cholesky.factor(NativeMatrix.copyOf(ntk ? zz.ntk() : zz.nngp(), "center kernel"), JitterPolicy.defaults(), "Nystrom center kernel K_MM");
             Cholesky lk = ens ? Cholesky.factor(NativeMatrix.copyOf(zz.nngp(), "center NNGP"), JitterPolicy.defaults(), "Nystrom center NNGP K_MM") : null;
             NativeMatrix g = NativeMatrix.zeros(mc, mc, "B^T B");
             NativeMatrix f = ens ? NativeMatrix.zeros(mc, mc, "B_theta^T B_K") : null;
             NativeMatrix by = NativeMatrix.zeros(mc, k, "B^T y")) {
            int rows = (int) Math.max(1, Math.min(n, BLOCK_ENTRIES / mc));
            BlockBuffers buf = null;
            try {
                for (int r0 = 0; r0 < n; r0 += rows) {
                    int r1 = Math.min(n, r0 + rows), b = r1 - r0;
                    Kernels kb = kf.compute(Rows.select(xcm, n, x.cols(), r0, r1), z, o);
                    // why reuse: fresh native blocks cost a page fault per 4 KiB (~0.1 s per block here)
                    if (buf == null || buf.rows != b) {
                        if (buf != null) buf.close();
                        buf = new BlockBuffers(b, mc, k, ens);
                    }
                    NativeMatrix bm = buf.kernel, yb = buf.y, bk = buf.nngp;
                    bm.copyFrom(ntk ? kb.ntk() : kb.nngp());
                    yb.copyFrom(Rows.select(ycm, n, k, r0, r1));
                    lm.timesInverseLowerTransposeInPlace(bm);
                    Blas.syrk(true, 1.0, bm, 1.0, g, false);
                    Blas.gemm(true, false, 1.0, bm, yb, 1.0, by);
                    if (ens) {
                        bk.copyFrom(kb.nngp());
                        lk.timesInverseLowerTransposeInPlace(bk);
                        Blas.gemm(true, false, 1.0, bm, bk, 1.0, f);
                    }
                }
            } finally {
                if (buf != null) buf.close();
            }
            g.mirrorLowerToUpper();
            long kernelNanos = System.nanoTime() - tk;
            long tf = System.nanoTime();
            NativeMatrix core = g.copy("G + lambda I");
            core.addToDiagonal(lambda);
            try (Cholesky s = Cholesky.factor(core, JitterPolicy.defaults(), "Nystrom system G + lambda I")) {
                s.solveInPlace(by); // β
                long factorNanos = System.nanoTime() - tf;
                long tm = System.nanoTime();
                Kernels tz = kf.compute(xt, z, o); // m×M
                Matrix mean;
                try (NativeMatrix bt = NativeMatrix.copyOf(ntk ? tz.ntk() : tz.nngp(), "B_t")) {
                    lm.timesInverseLowerTransposeInPlace(bt); // rows b_tᵀ = (L⁻¹K_Mt)ᵀ
                    try (NativeMatrix mu = Blas.multiply(false, bt, false, by, "Nystrom mean")) { mean = mu.toMatrix().scalb(ye); }
                    long meanNanos = System.nanoTime() - tm;
                    long tv = System.nanoTime();
                    double[] var = null;
                    Matrix cov = null;
                    int clamped = 0;
                    if (mode != CovarianceMode.NONE) {
                        Kernels tt = mode == CovarianceMode.FULL ? kf.compute(xt, null, o.withComputeNtk(get == Get.NTKGP)) : null;
                        boolean full = mode == CovarianceMode.FULL;
                        if (get != Get.NTK) {
                            try (NativeMatrix c = bt.copy("b_t (G + lambda I)^-1/2")) {
                                s.timesInverseLowerTransposeInPlace(c); // c·cᵀ = b_tᵀ(G + λI)⁻¹b_t
                                if (full) {
                                    try (NativeMatrix cv = NativeMatrix.copyOf(get == Get.NTKGP ? tt.ntk() : tt.nngp(), "prior")) {
                                        Blas.syrk(false, -1.0, bt, 1.0, cv, false);
                                        Blas.syrk(false, lambda, c, 1.0, cv, true);
                                        clamped = RoundOff.clampNegativeDiagonal(cv);
                                        cov = cv.toMatrix();
                                    }
                                } else {
                                    var = get == Get.NTKGP ? IterativeGp.ntkDiagonal(arch, o, xt) : tz.cov1();
                                    double[] q = Rows.dots(bt, bt), l = Rows.dots(c, c);
                                    for (int i = 0; i < m; i++) var[i] += -q[i] + lambda * l[i];
                                }
                            }
                        } else {
                            // c_t = (G + λI)⁻¹b_t (rows); w_t = B_Θ c_t; var = K_tt + ‖Fᵀc_t‖² − 2 c_tᵀ F e_t, e_t = L_K⁻¹K_Mt
                            try (NativeMatrix ct = bt.copy("c_t"); NativeMatrix et = NativeMatrix.copyOf(tz.nngp(), "E_t")) {
                                s.timesInverseLowerTransposeInPlace(ct);
                                s.timesInverseLowerInPlace(ct);
                                lk.timesInverseLowerTransposeInPlace(et);
                                try (NativeMatrix cf = Blas.multiply(false, ct, false, f, "C_t F")) {
                                    if (full) {
                                        try (NativeMatrix cv = NativeMatrix.copyOf(tt.nngp(), "prior")) {
                                            Blas.syrk(false, 1.0, cf, 1.0, cv, false);
                                            Blas.syr2k(false, -1.0, cf, et, 1.0, cv, true);
                                            clamped = RoundOff.clampNegativeDiagonal(cv);
                                            cov = cv.toMatrix();
                                        }
                                    } else {
                                        var = tz.cov1();
                                        double[] q = Rows.dots(cf, cf), x2 = Rows.dots(cf, et);
                                        for (int i = 0; i < m; i++) var[i] += q[i] - 2 * x2[i];
                                    }
                                }
                            }
                        }
                        if (var != null) clamped = RoundOff.clampNegative(var);
                    }
                    long covNanos = System.nanoTime() - tv;
                    Diagnostics d = new Diagnostics(lambda, lm.jitter(), clamped, 0, s.conditionEstimate(),
                        new Timings(kernelNanos, factorNanos, meanNanos, covNanos));
                    SolveReport rep = SolveReport.builder(SolverKind.NYSTROM, reason).centers(mc).build(System.nanoTime() - t0);
                    return new Solved(new Posterior(get, Double.POSITIVE_INFINITY, mean, cov, var, d, null), rep);
                }
            }
        }
    }

    /** The native blocks of one row block (K_bM, y_b and, for the NTK ensemble, the NNGP K_bM), reused across blocks. */
    private static final class BlockBuffers implements AutoCloseable {
        final int rows;
        final NativeMatrix kernel, y, nngp;

        BlockBuffers(int rows, int centers, int outputs, boolean ensemble) {
            this.rows = rows;
            kernel = NativeMatrix.allocate(rows, centers, "K_bM");
            NativeMatrix yy = null, nn = null;
            try {
                yy = NativeMatrix.allocate(rows, outputs, "y block");
                nn = ensemble ? NativeMatrix.allocate(rows, centers, "K_bM NNGP") : null;
            } catch (RuntimeException e) {
                kernel.close();
                if (yy != null) yy.close();
                throw e;
            }
            y = yy;
            nngp = nn;
        }

        @Override public void close() {
            kernel.close();
            y.close();
            if (nngp != null) nngp.close();
        }
    }
}
