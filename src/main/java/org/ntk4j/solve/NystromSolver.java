package org.ntk4j.solve;

import org.ntk4j.error.InvalidInputException;
import org.ntk4j.kernel.KernelKind;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.linalg.Blas;
import org.ntk4j.linalg.Cholesky;
import org.ntk4j.linalg.JitterPolicy;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.linalg.NativeMatrix;
import org.ntk4j.linalg.RoundOff;
import org.ntk4j.linalg.Rows;
import org.ntk4j.operator.KernelOperator;
import org.ntk4j.operator.RegularizedKernel;
import org.ntk4j.operator.StreamedKernelOperator;
import org.ntk4j.predict.CovarianceMode;
import org.ntk4j.predict.Diagnostics;
import org.ntk4j.predict.Get;
import org.ntk4j.predict.Posterior;
import org.ntk4j.predict.Regularization;
import org.ntk4j.predict.Timings;

/**
 * Nyström kernel regression on M centers — drawn uniformly from the training set, or given as points
 * ({@link CenterSelection}) — (Falkon's model, Rudi et al. 2017; {@link FalkonSolver} solves the same
 * model iteratively). <b>What it computes:</b> the same t = ∞ formulas as
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
 * one kernel pass, while Falkon's CG would need one pass per iteration). Works on any
 * {@link KernelOperator} (its kernel blocks against the centers); its own is streamed.
 */
final class NystromSolver implements PosteriorSolver {
    static final NystromSolver INSTANCE = new NystromSolver();

    static final long BLOCK_ENTRIES = 4L << 20;
    /** Beyond this many test points a full covariance (m² doubles) is refused. */
    private static final int MAX_FULL_COVARIANCE = 20000;

    private NystromSolver() {}

    @Override
    public SolverKind kind() {
        return SolverKind.NYSTROM;
    }

    /** Streamed kernels, nothing cached: one pass over the n×M blocks is all this solver makes. */
    @Override
    public KernelOperator operator(PosteriorRequest r) {
        check(r.options().regularization(), r);
        return streamedOperator(r);
    }

    /** The kernels of the Nyström model's solvers (this one and FALKON): streamed in row blocks, nothing cached. */
    static KernelOperator streamedOperator(PosteriorRequest r) {
        return StreamedKernelOperator.of(r.arch(), r.xTrain(), r.options().kernelOptions(), r.get() != Get.NNGP, 0);
    }

    private static void check(Regularization reg, PosteriorRequest r) {
        checkModel("nystrom", reg, r);
    }

    /**
     * What the Nyström model needs of a request, whichever solver ({@code solver}, for the message)
     * solves it: a regularizer > 0, and at most {@value #MAX_FULL_COVARIANCE} test points for a full
     * covariance.
     */
    static void checkModel(String solver, Regularization reg, PosteriorRequest r) {
        if (reg == null || reg.isZero())
            throw new InvalidInputException(
                    "diagReg",
                    "the " + solver
                            + " solver needs a regularizer > 0; set diagReg (e.g. 1e-4) or use the exact solver");
        if (r.options().covariance() == CovarianceMode.FULL && r.testSize() > MAX_FULL_COVARIANCE)
            throw new InvalidInputException(
                    "cov", "a full covariance of " + r.testSize() + " test points is too large; use variances (diag)");
    }

    /** centers → their kernels factored → λ → one pass accumulating G, Bᵀy (and F) → (G + λI)β = Bᵀy → mean → variances. */
    @Override
    public Solved solve(KernelOperator kernels, Regularization reg, PosteriorRequest r, String reason) {
        long t0 = System.nanoTime();
        check(reg, r);
        Get get = r.get();
        boolean ntk = get != Get.NNGP, ens = get == Get.NTK && r.options().covariance() != CovarianceMode.NONE;
        KernelKind kind = get.meanKernel();
        // y scaled to max |y| in [1, 2) (exact; the mean is scaled back): targets near 1e308 do not
        // overflow in Bᵀy or β (as in CgSolver)
        int ye = r.yTrain().maxAbsExponent();
        Centers c = Centers.resolve(r.solver().centerSelection(), r.xTrain());
        long tk = System.nanoTime();
        Kernels zz = c.among(kernels, ntk);
        double lambda = lambda(kernels, reg, kind);
        try (Cholesky lm = centerFactor(zz, kind);
                Cholesky lk = ens ? centerFactor(zz, KernelKind.NNGP) : null;
                Gram gram = Gram.accumulate(kernels, c, r.yTrain().scalb(-ye), kind, lm, lk)) {
            long kernelNanos = System.nanoTime() - tk;
            long tf = System.nanoTime();
            try (Cholesky s = factorSystem(gram.g, lambda)) {
                s.solveInPlace(gram.by); // β
                long factorNanos = System.nanoTime() - tf;
                long tm = System.nanoTime();
                Kernels tz = c.at(kernels, r.xTest()); // m×M
                try (NativeMatrix bt = whitened(tz, kind == KernelKind.NTK, lm)) {
                    Matrix mean = mean(bt, gram.by).scalb(ye);
                    long meanNanos = System.nanoTime() - tm;
                    long tv = System.nanoTime();
                    Variances v = variances(kernels, r, tz, bt, s, lk, gram.f, lambda);
                    long covNanos = System.nanoTime() - tv;
                    Diagnostics d = new Diagnostics(
                            lambda,
                            lm.jitter(),
                            v.clamped,
                            0,
                            s.conditionEstimate(),
                            new Timings(kernelNanos, factorNanos, meanNanos, covNanos));
                    SolveReport rep = SolveReport.builder(SolverKind.NYSTROM, reason)
                            .centers(c.count())
                            .build(System.nanoTime() - t0);
                    return new Solved(new Posterior(get, Double.POSITIVE_INFINITY, mean, v.cov, v.var, d, null), rep);
                }
            }
        }
    }

    /**
     * The model's λ: {@code reg}'s absolute value, or relative to the mean diagonal of the inverted
     * kernel over the whole training set (the exact solver's convention).
     */
    static double lambda(KernelOperator kernels, Regularization reg, KernelKind kind) {
        return reg.absolute()
                ? reg.diagReg()
                : reg.lambda(RegularizedKernel.trace(kernels.diagonal(kind)), kernels.size());
    }

    /** K_MM = L·Lᵀ of {@code kind} (jitter added when needed, and reported): the model's center factor. */
    static Cholesky centerFactor(Kernels zz, KernelKind kind) {
        boolean ofNtk = kind == KernelKind.NTK;
        return Cholesky.factor(
                NativeMatrix.copyOf(ofNtk ? zz.ntk() : zz.nngp(), ofNtk ? "center kernel" : "center NNGP"),
                JitterPolicy.defaults(),
                ofNtk ? "Nystrom center kernel K_MM" : "Nystrom center NNGP K_MM");
    }

    /** The variances the request asks for (none, diagonal or full) of the Nyström model. */
    private static Variances variances(
            KernelOperator kernels,
            PosteriorRequest r,
            Kernels tz,
            NativeMatrix bt,
            Cholesky s,
            Cholesky lk,
            NativeMatrix f,
            double lambda) {
        if (r.options().covariance() == CovarianceMode.NONE) return Variances.NONE;
        return r.get() == Get.NTK
                ? ensembleVariances(kernels, r, tz, bt, s, lk, f)
                : gpVariances(kernels, r, tz, bt, s, lambda);
    }

    /**
     * The Nyström model's variances computed as the direct solve computes them — one more streamed
     * pass accumulating G (and F), O(n·M²) flops, then G + λI factored — for a solver that found the
     * mean another way (Falkon). {@code lm} is the model's center factor ({@link #centerFactor}).
     */
    static Variances modelVariances(
            KernelOperator kernels, PosteriorRequest r, Centers c, Kernels zz, Cholesky lm, double lambda) {
        if (r.options().covariance() == CovarianceMode.NONE) return Variances.NONE;
        KernelKind kind = r.get().meanKernel();
        boolean ens = r.get() == Get.NTK;
        try (Cholesky lk = ens ? centerFactor(zz, KernelKind.NNGP) : null;
                Gram gram = Gram.accumulate(kernels, c, null, kind, lm, lk);
                Cholesky s = factorSystem(gram.g, lambda)) {
            Kernels tz = c.at(kernels, r.xTest());
            try (NativeMatrix bt = whitened(tz, kind == KernelKind.NTK, lm)) {
                return variances(kernels, r, tz, bt, s, lk, gram.f, lambda);
            }
        }
    }

    /** The covariance (full) or the variances (diagonal), or neither, and how many were clamped at 0. */
    record Variances(Matrix cov, double[] var, int clamped) {
        static final Variances NONE = new Variances(null, null, 0);

        static Variances full(NativeMatrix cv) {
            int clamped = RoundOff.clampNegativeDiagonal(cv);
            return new Variances(cv.toMatrix(), null, clamped);
        }

        static Variances diagonal(double[] var) {
            return new Variances(null, var, RoundOff.clampNegative(var));
        }
    }

    /** G + λI, factored: the M-dimensional system whose solution β = (G + λI)⁻¹Bᵀy gives the mean. */
    static Cholesky factorSystem(NativeMatrix g, double lambda) {
        NativeMatrix core = g.copy("G + lambda I");
        core.addToDiagonal(lambda);
        return Cholesky.factor(core, JitterPolicy.defaults(), "Nystrom system G + lambda I");
    }

    /** The test points' rows b_tᵀ = (L⁻¹K_Mt)ᵀ of the mean kernel (NTK unless NNGP), native m×M. */
    static NativeMatrix whitened(Kernels tz, boolean ntk, Cholesky lm) {
        NativeMatrix bt = NativeMatrix.copyOf(ntk ? tz.ntk() : tz.nngp(), "B_t");
        try {
            lm.timesInverseLowerTransposeInPlace(bt);
            return bt;
        } catch (RuntimeException e) {
            bt.close();
            throw e;
        }
    }

    /** The posterior mean b_tᵀβ (m×k). */
    static Matrix mean(NativeMatrix bt, NativeMatrix beta) {
        try (NativeMatrix mu = Blas.multiply(false, bt, false, beta, "Nystrom mean")) {
            return mu.toMatrix();
        }
    }

    /**
     * NNGP/NTKGP (DTC) variances, from the prior variances: prior − b_tᵀb_t + λ·c_tᵀc_t, with the
     * rows c_tᵀ of {@code c} = (G + λI)^{-1/2} b_t (computed in place of a copy of {@code bt}).
     */
    static double[] gpVarianceDiagonal(double[] prior, NativeMatrix bt, Cholesky s, double lambda) {
        try (NativeMatrix c = bt.copy("b_t (G + lambda I)^-1/2")) {
            s.timesInverseLowerTransposeInPlace(c);
            return gpVarianceDiagonal(prior, bt, c, lambda);
        }
    }

    private static double[] gpVarianceDiagonal(double[] prior, NativeMatrix bt, NativeMatrix c, double lambda) {
        double[] var = prior.clone();
        double[] q = Rows.dots(bt, bt), l = Rows.dots(c, c);
        for (int i = 0; i < var.length; i++) var[i] += -q[i] + lambda * l[i];
        return var;
    }

    /**
     * The NTK ensemble's variances from the NNGP prior variances: prior + ‖Fᵀc_t‖² − 2 c_tᵀ F e_t, with
     * c_t = (G + λI)⁻¹b_t and e_t = L_K⁻¹K_Mt ({@code tzNngp}: the NNGP kernel of the test points
     * against the centers).
     */
    static double[] ensembleVarianceDiagonal(
            double[] prior, NativeMatrix bt, Cholesky s, Cholesky lk, Matrix tzNngp, NativeMatrix f) {
        try (NativeMatrix ct = bt.copy("c_t");
                NativeMatrix et = NativeMatrix.copyOf(tzNngp, "E_t")) {
            s.timesInverseLowerTransposeInPlace(ct);
            s.timesInverseLowerInPlace(ct);
            lk.timesInverseLowerTransposeInPlace(et);
            try (NativeMatrix cf = Blas.multiply(false, ct, false, f, "C_t F")) {
                return ensembleVarianceDiagonal(prior, cf, et);
            }
        }
    }

    private static double[] ensembleVarianceDiagonal(double[] prior, NativeMatrix cf, NativeMatrix et) {
        double[] var = prior.clone();
        double[] q = Rows.dots(cf, cf), x2 = Rows.dots(cf, et);
        for (int i = 0; i < var.length; i++) var[i] += q[i] - 2 * x2[i];
        return var;
    }

    /**
     * NNGP/NTKGP (DTC): K_tt − Q_tt + λ·c_tᵀc_t with c_t = (G + λI)^{-1/2} b_t, i.e. the prior minus
     * b_tᵀb_t plus λ·b_tᵀ(G + λI)⁻¹b_t.
     */
    private static Variances gpVariances(
            KernelOperator kernels, PosteriorRequest r, Kernels tz, NativeMatrix bt, Cholesky s, double lambda) {
        Get get = r.get();
        try (NativeMatrix c = bt.copy("b_t (G + lambda I)^-1/2")) {
            s.timesInverseLowerTransposeInPlace(c); // c·cᵀ = b_tᵀ(G + λI)⁻¹b_t
            if (r.options().covariance() == CovarianceMode.FULL) {
                Kernels tt = kernels.among(r.xTest(), get == Get.NTKGP);
                try (NativeMatrix cv = NativeMatrix.copyOf(get == Get.NTKGP ? tt.ntk() : tt.nngp(), "prior")) {
                    Blas.syrk(false, -1.0, bt, 1.0, cv, false);
                    Blas.syrk(false, lambda, c, 1.0, cv, true);
                    return Variances.full(cv);
                }
            }
            double[] prior = get == Get.NTKGP ? kernels.priorVariances(r.xTest(), KernelKind.NTK) : tz.cov1();
            return Variances.diagonal(gpVarianceDiagonal(prior, bt, c, lambda));
        }
    }

    /**
     * The NTK ensemble: c_t = (G + λI)⁻¹b_t (rows); w_t = B_Θ c_t; var = K_tt + ‖Fᵀc_t‖² − 2 c_tᵀ F e_t
     * with e_t = L_K⁻¹K_Mt.
     */
    private static Variances ensembleVariances(
            KernelOperator kernels,
            PosteriorRequest r,
            Kernels tz,
            NativeMatrix bt,
            Cholesky s,
            Cholesky lk,
            NativeMatrix f) {
        try (NativeMatrix ct = bt.copy("c_t");
                NativeMatrix et = NativeMatrix.copyOf(tz.nngp(), "E_t")) {
            s.timesInverseLowerTransposeInPlace(ct);
            s.timesInverseLowerInPlace(ct);
            lk.timesInverseLowerTransposeInPlace(et);
            try (NativeMatrix cf = Blas.multiply(false, ct, false, f, "C_t F")) {
                if (r.options().covariance() == CovarianceMode.FULL) {
                    Kernels tt = kernels.among(r.xTest(), false);
                    try (NativeMatrix cv = NativeMatrix.copyOf(tt.nngp(), "prior")) {
                        Blas.syrk(false, 1.0, cf, 1.0, cv, false);
                        Blas.syr2k(false, -1.0, cf, et, 1.0, cv, true);
                        return Variances.full(cv);
                    }
                }
                return Variances.diagonal(ensembleVarianceDiagonal(tz.cov1(), cf, et));
            }
        }
    }

    /**
     * What one streamed pass over the training row blocks accumulates: G = BᵀB, Bᵀy and, for the NTK
     * ensemble, F = B_ΘᵀB_K, where B_b = K_bM·L⁻ᵀ.
     */
    static final class Gram implements AutoCloseable {
        final NativeMatrix g, f, by;

        private Gram(NativeMatrix g, NativeMatrix f, NativeMatrix by) {
            this.g = g;
            this.f = f;
            this.by = by;
        }

        /** With {@code yScaled} null, Bᵀy is not accumulated (a variance-only pass: {@code by} is null). */
        static Gram accumulate(
                KernelOperator kernels, Centers c, Matrix yScaled, KernelKind kind, Cholesky lm, Cholesky lk) {
            int n = kernels.size(), mc = c.count(), k = yScaled == null ? 0 : yScaled.cols();
            boolean ens = lk != null;
            double[] ycm = yScaled == null ? null : yScaled.toColumnMajor();
            NativeMatrix g = NativeMatrix.zeros(mc, mc, "B^T B"), f = null, by = null;
            try {
                f = ens ? NativeMatrix.zeros(mc, mc, "B_theta^T B_K") : null;
                by = k == 0 ? null : NativeMatrix.zeros(mc, k, "B^T y");
                int rows = (int) Math.max(1, Math.min(n, BLOCK_ENTRIES / mc));
                BlockBuffers buf = null;
                try {
                    for (int r0 = 0; r0 < n; r0 += rows) {
                        int r1 = Math.min(n, r0 + rows), b = r1 - r0;
                        Kernels kb = c.block(kernels, r0, r1);
                        // why reuse: fresh native blocks cost a page fault per 4 KiB (~0.1 s per block here)
                        if (buf == null || buf.rows != b) {
                            if (buf != null) buf.close();
                            buf = new BlockBuffers(b, mc, k, ens);
                        }
                        addBlock(kb, by == null ? null : Rows.select(ycm, n, k, r0, r1), kind, lm, lk, buf, g, by, f);
                    }
                } finally {
                    if (buf != null) buf.close();
                }
                g.mirrorLowerToUpper();
                return new Gram(g, f, by);
            } catch (RuntimeException e) {
                g.close();
                if (f != null) f.close();
                if (by != null) by.close();
                throw e;
            }
        }

        /**
         * One row block's terms: B_b = K_bM·L⁻ᵀ, G += B_bᵀB_b (lower triangle), Bᵀy += B_bᵀy_b and, for the NTK
         * ensemble ({@code lk} not null), F += B_bᵀ(K_bM^NNGP·L_K⁻ᵀ).
         */
        static void addBlock(
                Kernels kb,
                Matrix yBlock,
                KernelKind kind,
                Cholesky lm,
                Cholesky lk,
                BlockBuffers buf,
                NativeMatrix g,
                NativeMatrix by,
                NativeMatrix f) {
            buf.kernel.copyFrom(kind == KernelKind.NTK ? kb.ntk() : kb.nngp());
            lm.timesInverseLowerTransposeInPlace(buf.kernel);
            Blas.syrk(true, 1.0, buf.kernel, 1.0, g, false);
            if (by != null) { // null: a variance-only pass (FalkonSolver's)
                buf.y.copyFrom(yBlock);
                Blas.gemm(true, false, 1.0, buf.kernel, buf.y, 1.0, by);
            }
            if (lk != null) {
                buf.nngp.copyFrom(kb.nngp());
                lk.timesInverseLowerTransposeInPlace(buf.nngp);
                Blas.gemm(true, false, 1.0, buf.kernel, buf.nngp, 1.0, f);
            }
        }

        @Override
        public void close() {
            g.close();
            if (by != null) by.close();
            if (f != null) f.close();
        }
    }

    /** The native blocks of one row block (K_bM, y_b and, for the NTK ensemble, the NNGP K_bM), reused across blocks. */
    static final class BlockBuffers implements AutoCloseable {
        final int rows;
        final NativeMatrix kernel, y, nngp;

        BlockBuffers(int rows, int centers, int outputs, boolean ensemble) {
            this.rows = rows;
            kernel = NativeMatrix.allocate(rows, centers, "K_bM");
            NativeMatrix yy = null, nn = null;
            try {
                yy = outputs == 0 ? null : NativeMatrix.allocate(rows, outputs, "y block");
                nn = ensemble ? NativeMatrix.allocate(rows, centers, "K_bM NNGP") : null;
            } catch (RuntimeException e) {
                kernel.close();
                if (yy != null) yy.close();
                throw e;
            }
            y = yy;
            nngp = nn;
        }

        @Override
        public void close() {
            kernel.close();
            if (y != null) y.close();
            if (nngp != null) nngp.close();
        }
    }
}
