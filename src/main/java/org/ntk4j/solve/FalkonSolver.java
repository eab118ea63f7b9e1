package org.ntk4j.solve;

import org.ntk4j.kernel.KernelKind;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.linalg.Blas;
import org.ntk4j.linalg.Cholesky;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.linalg.NativeMatrix;
import org.ntk4j.linalg.Rows;
import org.ntk4j.operator.KernelOperator;
import org.ntk4j.operator.LinearOperator;
import org.ntk4j.parallel.ParallelRegion;
import org.ntk4j.predict.CovarianceMode;
import org.ntk4j.predict.Diagnostics;
import org.ntk4j.predict.Get;
import org.ntk4j.predict.Posterior;
import org.ntk4j.predict.Regularization;
import org.ntk4j.predict.Timings;

/**
 * The Nyström model of {@link NystromSolver} — same centers ({@link SolverOptions#centerSelection()}),
 * same λ, same K̃_MM jitter, for NNGP, NTK and NTKGP alike — with its mean found by Falkon's
 * preconditioned CG ({@link Falkon}) instead of a direct solve: the n×M kernel is computed in row
 * blocks once per iteration and never stored, so memory is O(M² + b·M) and each iteration costs
 * O(n·M) kernel entries and flops (the direct solve's O(n·M²) flops capped M at a few thousand).
 * The mean equals NYSTROM's up to the residual CG reaches ({@link SolverOptions#residualTarget()}
 * = tolerance/10 on the preconditioned system, as CG's); the iteration stops there or at
 * {@link SolverOptions#maxIterations()} (automatic: min(M, 2000)), and the report says which.
 *
 * <p>Variances: the Nyström model's, computed as NYSTROM computes them (one more pass forming
 * G = BᵀB, O(n·M²) flops, {@link NystromSolver#modelVariances}) — at large M that pass dominates, so ask
 * for the mean alone ({@link CovarianceMode#NONE}) when only the mean is needed.
 */
final class FalkonSolver implements PosteriorSolver {
    static final FalkonSolver INSTANCE = new FalkonSolver();

    private static final long BLOCK_ENTRIES = 4L << 20;

    private FalkonSolver() {}

    @Override
    public SolverKind kind() {
        return SolverKind.FALKON;
    }

    /** Streamed kernels, nothing cached: each iteration recomputes the n×M blocks. */
    @Override
    public KernelOperator operator(PosteriorRequest r) {
        check(r.options().regularization(), r);
        return NystromSolver.streamedOperator(r);
    }

    private static void check(Regularization reg, PosteriorRequest r) {
        NystromSolver.checkModel("falkon", reg, r);
    }

    /** centers → K_MM factored → λ → preconditioner → Falkon's CG for α → mean K_tM·α → the model's variances. */
    @Override
    public Solved solve(KernelOperator kernels, Regularization reg, PosteriorRequest r, String reason) {
        long t0 = System.nanoTime();
        check(reg, r);
        Get get = r.get();
        KernelKind kind = get.meanKernel();
        int n = kernels.size();
        // y scaled to max |y| in [1, 2) (exact; the mean is scaled back), as NYSTROM and CG do
        int ye = r.yTrain().maxAbsExponent();
        Centers c = Centers.resolve(r.solver().centerSelection(), r.xTrain());
        int mc = c.count();
        long tk = System.nanoTime();
        Kernels zz = c.among(kernels, get != Get.NNGP);
        double lambda = NystromSolver.lambda(kernels, reg, kind);
        long kernelNanos = System.nanoTime() - tk;
        long tf = System.nanoTime();
        try (Cholesky lm = NystromSolver.centerFactor(zz, kind);
                FalkonPreconditioner p = FalkonPreconditioner.of(lm, false, lambda, n)) {
            long factorNanos = System.nanoTime() - tf;
            long tm = System.nanoTime();
            RowBlocks blocks = new RowBlocks(kernels, c, kind);
            Matrix y = r.yTrain().scalb(-ye);
            Falkon.Result fit = Falkon.solve(
                    blocks,
                    p,
                    blocks.rightHandSides(y),
                    y.cols(),
                    r.solver().residualTarget(),
                    r.solver().iterationCap(mc));
            Matrix mean = mean(c.at(kernels, r.xTest()), kind, fit, ye);
            long meanNanos = System.nanoTime() - tm;
            long tv = System.nanoTime();
            NystromSolver.Variances v = NystromSolver.modelVariances(kernels, r, c, zz, lm, lambda);
            long covNanos = System.nanoTime() - tv;
            boolean variancePass = r.options().covariance() != CovarianceMode.NONE;
            Diagnostics d = new Diagnostics(
                    lambda,
                    lm.jitter(),
                    v.clamped(),
                    0,
                    Double.NaN,
                    new Timings(kernelNanos, factorNanos, meanNanos, covNanos));
            CgResult cg = fit.cg();
            SolveReport rep = SolveReport.builder(SolverKind.FALKON, reason)
                    .centers(mc)
                    .iterations(cg.iterations(), cg.maxRelativeResidual(), cg.converged())
                    .kernelPasses(blocks.passes + (variancePass ? 1 : 0), false)
                    .build(System.nanoTime() - t0);
            return new Solved(new Posterior(get, Double.POSITIVE_INFINITY, mean, v.cov(), v.var(), d, null), rep);
        }
    }

    /** K_tM·α scaled back by 2^ye. */
    private static Matrix mean(Kernels tz, KernelKind kind, Falkon.Result fit, int ye) {
        int mc = tz.nngp().cols(), k = fit.k();
        try (NativeMatrix kt = NativeMatrix.copyOf(kind == KernelKind.NTK ? tz.ntk() : tz.nngp(), "K_tM");
                NativeMatrix a = NativeMatrix.copyOf(Matrix.wrapColumnMajor(mc, k, fit.alpha()), "alpha");
                NativeMatrix mu = Blas.multiply(false, kt, false, a, "Falkon mean")) {
            return mu.toMatrix().scalb(ye);
        }
    }

    /**
     * The data term V ↦ K_MnK_nM·V of {@link Falkon}'s contract, streamed: each call computes the
     * kernel of every block of b training rows against the centers (b·M ≈ 4 M entries), applies it
     * twice (K_bMᵀ·(K_bM·V)) and drops it. Counts its passes.
     */
    private static final class RowBlocks implements LinearOperator {
        private final KernelOperator kernels;
        private final Centers centers;
        private final KernelKind kind;
        private final int n, m, rows;
        long passes;

        RowBlocks(KernelOperator kernels, Centers centers, KernelKind kind) {
            this.kernels = kernels;
            this.centers = centers;
            this.kind = kind;
            this.n = kernels.size();
            this.m = centers.count();
            this.rows = (int) Math.max(1, Math.min(n, BLOCK_ENTRIES / m));
        }

        /** B = K_Mn·Y (M×k column-major), one pass. */
        double[] rightHandSides(Matrix y) {
            double[] ycm = y.toColumnMajor();
            int k = y.cols();
            return pass(k, (kb, out, r0, r1) -> {
                try (NativeMatrix yb = NativeMatrix.copyOf(Rows.select(ycm, n, k, r0, r1), "y block")) {
                    Blas.gemm(true, false, 1.0, kb, yb, 1.0, out);
                }
            });
        }

        @Override
        public double[] apply(double[] v, int k) {
            try (NativeMatrix vm = NativeMatrix.copyOf(Matrix.wrapColumnMajor(m, k, v), "V")) {
                return pass(k, (kb, out, r0, r1) -> {
                    try (NativeMatrix t = Blas.multiply(false, kb, false, vm, "K_bM V")) {
                        Blas.gemm(true, false, 1.0, kb, t, 1.0, out);
                    }
                });
            }
        }

        private interface BlockStep {
            void accumulate(NativeMatrix kb, NativeMatrix out, int r0, int r1);
        }

        /** One pass over the row blocks, each block's kernel K_bM handed to {@code step}; the M×k sum. */
        private double[] pass(int k, BlockStep step) {
            passes++;
            try (NativeMatrix out = NativeMatrix.zeros(m, k, "K_Mn V")) {
                NativeMatrix kb = null;
                try {
                    for (int r0 = 0; r0 < n; r0 += rows) {
                        ParallelRegion.checkInterrupted("the Falkon iteration");
                        int r1 = Math.min(n, r0 + rows);
                        Kernels blk = centers.block(kernels, r0, r1);
                        // why reuse: fresh native blocks cost a page fault per 4 KiB (as in NystromSolver)
                        if (kb == null || kb.rows() != r1 - r0) {
                            if (kb != null) kb.close();
                            kb = NativeMatrix.allocate(r1 - r0, m, "K_bM");
                        }
                        kb.copyFrom(kind == KernelKind.NTK ? blk.ntk() : blk.nngp());
                        step.accumulate(kb, out, r0, r1);
                    }
                } finally {
                    if (kb != null) kb.close();
                }
                return out.toColumnMajorArray();
            }
        }
    }
}
