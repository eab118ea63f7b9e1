package org.ntk4j.solve;

import java.util.Arrays;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.kernel.KernelKind;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.kernel.NativeKernels;
import org.ntk4j.linalg.Blas;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.linalg.NativeMatrix;
import org.ntk4j.linalg.RoundOff;
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
 * The exact t = ∞ posterior of {@link org.ntk4j.predict.GpInference} computed without ever forming
 * M_r = M + λI densely (unless its tiles fit the cache budget): preconditioned block CG on
 * {@link RegularizedKernel} products, with the mean's right-hand sides Y and the variances' right-hand
 * sides M_dt (one per test point) solved as one block. Same formulas as GpInference (NNGP, NTK
 * ensemble eq. 16, NTKGP), same λ convention (relative to the mean diagonal of the inverted kernel
 * unless absolute); λ must be > 0 (it bounds the condition number and the error estimates). Errors
 * are bounded in {@link SolveReport}. Works on any {@link KernelOperator}; its own is streamed.
 */
final class CgSolver implements PosteriorSolver {
    static final CgSolver INSTANCE = new CgSolver();

    private CgSolver() {}

    @Override
    public SolverKind kind() {
        return SolverKind.CG;
    }

    /** Streamed kernel tiles, cached when they fit the memory budget left after CG's own vectors. */
    @Override
    public KernelOperator operator(PosteriorRequest r) {
        requireRegularized(r.options().regularization());
        SolverOptions so = r.solver();
        int n = r.trainSize(), m = r.testSize();
        long work = 8L * n * (r.outputs() + 3L * m + so.rankFor(n)) + 8L * m * m;
        return StreamedKernelOperator.of(
                r.arch(),
                r.xTrain(),
                r.options().kernelOptions(),
                r.get() != Get.NNGP,
                Math.max(0, so.memoryBudget() - work));
    }

    private static void requireRegularized(Regularization reg) {
        if (reg == null || reg.isZero())
            throw new InvalidInputException(
                    "diagReg",
                    "the cg solver needs a regularizer > 0 (it bounds the condition number); "
                            + "set diagReg (e.g. 1e-4) or use the exact solver");
    }

    /** λ → test kernels → preconditioner → one block CG solve → mean and its bound → variances and their bound. */
    @Override
    public Solved solve(KernelOperator kernels, Regularization reg, PosteriorRequest r, String reason) {
        long t0 = System.nanoTime();
        requireRegularized(reg);
        KernelKind kind = r.get().meanKernel();
        int n = kernels.size(), m = r.testSize(), k = r.outputs();
        double[] diag = kernels.diagonal(kind);
        double lambda = reg.lambda(RegularizedKernel.trace(diag), n);
        if (!(lambda > 0))
            throw new InvalidInputException("diagReg", "gives lambda = " + lambda + "; the cg solver needs lambda > 0");
        RegularizedKernel a = new RegularizedKernel(kernels, kind, lambda);

        long tk = System.nanoTime();
        try (NativeKernels td = kernels.against(r.xTest())) { // {K_dt, Θ_dt} n×m
            long kernelNanos = System.nanoTime() - tk;
            NativeMatrix mdt = kind == KernelKind.NTK ? td.ntk() : td.nngp();
            long tp = System.nanoTime();
            try (Preconditioner p = preconditioner(kernels, kind, diag, lambda, r.solver())) {
                long precNanos = System.nanoTime() - tp;
                CovarianceMode mode = r.options().covariance();
                // Y scaled to max |y| in [1, 2) (exact; the mean is scaled back): targets near 1e308
                // then do not overflow in the CG iterates or residual norms
                int ye = r.yTrain().maxAbsExponent();
                double[] rhs = rightHandSides(r.yTrain().scalb(-ye), mdt, mode != CovarianceMode.NONE);
                long tc = System.nanoTime();
                CgResult cg = BlockCg.solve(
                        a,
                        p,
                        rhs,
                        n,
                        rhs.length / n,
                        r.solver().residualTarget(),
                        r.solver().iterationCap(n));
                double[] sol = cg.x(), rn = cg.residualNorms();
                Mean mean = mean(sol, Arrays.copyOf(rn, k), mdt, k, lambda, ye);
                long meanNanos = System.nanoTime() - tc;
                long tv = System.nanoTime();
                Variances v = mode == CovarianceMode.NONE
                        ? Variances.NONE
                        : variances(
                                kernels,
                                r,
                                Arrays.copyOfRange(sol, n * k, n * (k + m)),
                                td,
                                lambda,
                                Arrays.copyOfRange(rn, k, k + m));
                long covNanos = System.nanoTime() - tv;
                Diagnostics d = new Diagnostics(
                        lambda,
                        null,
                        v.clamped,
                        0,
                        Double.NaN,
                        new Timings(kernelNanos, precNanos, meanNanos, covNanos));
                Posterior post = new Posterior(r.get(), Double.POSITIVE_INFINITY, mean.values, v.cov, v.var, d, null);
                SolveReport rep = SolveReport.builder(SolverKind.CG, reason)
                        .preconditioner(p.kind(), p.rank())
                        .iterations(cg.iterations(), cg.maxRelativeResidual(), cg.converged())
                        .errorBounds(mean.bound, v.bound)
                        .kernelPasses(kernels.passes(), kernels.cachesTiles())
                        .build(System.nanoTime() - t0);
                return new Solved(post, rep);
            }
        }
    }

    /** One block: [Y | M_dt] (the variance columns only when variances are asked for), column-major. */
    private static double[] rightHandSides(Matrix yScaled, NativeMatrix mdt, boolean variances) {
        int n = yScaled.rows(), k = yScaled.cols(), m = mdt.cols();
        double[] rhs = new double[n * (k + (variances ? m : 0))];
        System.arraycopy(yScaled.toColumnMajor(), 0, rhs, 0, n * k);
        if (variances) System.arraycopy(mdt.toColumnMajorArray(), 0, rhs, n * k, n * m);
        return rhs;
    }

    static Preconditioner preconditioner(
            KernelOperator kernels, KernelKind kind, double[] diag, double lambda, SolverOptions so) {
        int n = kernels.size();
        return switch (so.preconditioner()) {
            case NONE -> Preconditioner.IDENTITY;
            case NYSTROM -> LowRankPreconditioner.nystrom(kernels, kind, so.rankFor(n), lambda, so.seed());
            case PIVOTED_CHOLESKY -> LowRankPreconditioner.pivotedCholesky(kernels, kind, diag, so.rankFor(n), lambda);
        };
    }

    private record Mean(Matrix values, double bound) {}

    /**
     * M_td·X_y scaled back by 2^ye, and its error bound ‖m_t‖·max‖r‖/λ (the regularized kernel's
     * eigenvalues are ≥ λ, so ‖x − x*‖ ≤ ‖r‖/λ).
     */
    private static Mean mean(double[] sol, double[] meanResiduals, NativeMatrix mdt, int k, double lambda, int ye) {
        int n = mdt.rows(), m = mdt.cols();
        try (NativeMatrix xy = NativeMatrix.copyOf(Matrix.wrapColumnMajor(n, k, Arrays.copyOf(sol, n * k)), "alpha");
                NativeMatrix mu = Blas.multiply(true, mdt, false, xy, "posterior mean")) {
            double maxRy = 0;
            for (double v : meanResiduals) maxRy = Math.max(maxRy, v);
            double maxNorm = 0;
            for (int i = 0; i < m; i++) {
                double s = 0;
                for (int j = 0; j < n; j++) {
                    double v = mdt.get(j, i);
                    s += v * v;
                }
                maxNorm = Math.max(maxNorm, Math.sqrt(s));
            }
            return new Mean(mu.toMatrix().scalb(ye), Math.scalb(maxNorm * maxRy / lambda, ye));
        }
    }

    private record Variances(Matrix cov, double[] var, double bound, int clamped) {
        static final Variances NONE = new Variances(null, null, Double.NaN, 0);
    }

    /**
     * The covariance from A = M_r⁻¹·M_dt (n×m, CG's variance columns): NNGP/NTKGP prior − M_td·A; the
     * NTK ensemble K_tt + Aᵀ·K_dd·A − (Aᵀ·K_dt + K_td·A).
     */
    private static Variances variances(
            KernelOperator kernels, PosteriorRequest r, double[] aSol, NativeKernels td, double lambda, double[] rn) {
        int n = kernels.size(), m = r.testSize();
        try (NativeMatrix a = NativeMatrix.copyOf(Matrix.wrapColumnMajor(n, m, aSol), "M_r^-1 M_dt")) {
            return r.get() == Get.NTK
                    ? ensembleVariances(kernels, r, a, td, lambda, rn)
                    : gpVariances(kernels, r, a, td, lambda, rn);
        }
    }

    /** NNGP/NTKGP: prior − M_td·A, with the bound |b·x* − b·x| ≤ (‖x‖ + ‖r‖/λ)·‖r‖ per test point. */
    private static Variances gpVariances(
            KernelOperator kernels, PosteriorRequest r, NativeMatrix a, NativeKernels td, double lambda, double[] rn) {
        Get get = r.get();
        int n = a.rows(), m = a.cols();
        NativeMatrix mdt = get == Get.NNGP ? td.nngp() : td.ntk();
        // rigorous; CG's Galerkin property would give ‖r‖²/λ in exact arithmetic, but finite precision loses it
        double bound = 0;
        for (int i = 0; i < m; i++) {
            double xn = 0;
            for (int j = 0; j < n; j++) xn += a.get(j, i) * a.get(j, i);
            bound = Math.max(bound, (Math.sqrt(xn) + rn[i] / lambda) * rn[i]);
        }
        if (r.options().covariance() == CovarianceMode.FULL) {
            Kernels tt = kernels.among(r.xTest(), get == Get.NTKGP);
            try (NativeMatrix c = NativeMatrix.copyOf(get == Get.NTKGP ? tt.ntk() : tt.nngp(), "prior")) {
                Blas.gemm(true, false, -1.0, mdt, a, 1.0, c);
                return fullCovariance(c, bound);
            }
        }
        double[] prior = get == Get.NTKGP ? kernels.priorVariances(r.xTest(), KernelKind.NTK) : td.cov2();
        double[] v = new double[m];
        for (int i = 0; i < m; i++) {
            double s = 0;
            for (int j = 0; j < n; j++) s += mdt.get(j, i) * a.get(j, i);
            v[i] = prior[i] - s;
        }
        return new Variances(null, v, bound, RoundOff.clampNegative(v));
    }

    /**
     * The NTK ensemble: K_tt + Aᵀ·K_dd·A − (Aᵀ·K_dt + K_td·A), which needs K_dd·A (one more pass of
     * the NNGP); the bound per test point is 2·‖e‖·‖K_dd a − k_t‖ + tr(K_dd)·‖e‖², ‖e‖ ≤ ‖r‖/λ.
     */
    private static Variances ensembleVariances(
            KernelOperator kernels, PosteriorRequest r, NativeMatrix a, NativeKernels td, double lambda, double[] rn) {
        int n = a.rows(), m = a.cols();
        NativeMatrix kdt = td.nngp();
        try (NativeMatrix ka = kernels.times(KernelKind.NNGP, a)) {
            double kTrace = RegularizedKernel.trace(kernels.diagonal(KernelKind.NNGP));
            double bound = 0;
            for (int i = 0; i < m; i++) {
                double g = 0; // ‖K_dd a − k_t‖: the gradient of the variance in a
                for (int j = 0; j < n; j++) {
                    double e = ka.get(j, i) - kdt.get(j, i);
                    g += e * e;
                }
                double err = rn[i] / lambda;
                bound = Math.max(bound, 2 * err * Math.sqrt(g) + kTrace * err * err);
            }
            if (r.options().covariance() == CovarianceMode.FULL) {
                try (NativeMatrix c =
                        NativeMatrix.copyOf(kernels.among(r.xTest(), false).nngp(), "prior")) {
                    Blas.gemm(true, false, 1.0, a, ka, 1.0, c);
                    Blas.gemm(true, false, -1.0, a, kdt, 1.0, c);
                    Blas.gemm(true, false, -1.0, kdt, a, 1.0, c);
                    return fullCovariance(c, bound);
                }
            }
            double[] prior = td.cov2();
            double[] v = new double[m];
            for (int i = 0; i < m; i++) {
                double q = 0, cr = 0;
                for (int j = 0; j < n; j++) {
                    double aj = a.get(j, i);
                    q += aj * ka.get(j, i);
                    cr += aj * kdt.get(j, i);
                }
                v[i] = prior[i] + q - 2 * cr;
            }
            return new Variances(null, v, bound, RoundOff.clampNegative(v));
        }
    }

    /** Symmetrizes the covariance, clamps negative variances (round-off) to 0 and counts them. */
    private static Variances fullCovariance(NativeMatrix c, double bound) {
        c.symmetrize();
        int clamped = RoundOff.clampNegativeDiagonal(c);
        return new Variances(c.toMatrix(), null, bound, clamped);
    }
}
