package org.ntk4j.solve;

import org.ntk4j.arch.Architecture;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.KernelOptions;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.linalg.Blas;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.linalg.NativeMatrix;
import org.ntk4j.linalg.RoundOff;
import org.ntk4j.predict.CovarianceMode;
import org.ntk4j.predict.Diagnostics;
import org.ntk4j.predict.Get;
import org.ntk4j.predict.Posterior;
import org.ntk4j.predict.Regularization;
import org.ntk4j.predict.Timings;

/**
 * The exact t = ∞ posterior of {@link org.ntk4j.predict.GpInference} computed without ever forming
 * M_r = M + λI densely (unless its tiles fit the cache budget): preconditioned CG on streamed kernel
 * products, with the mean's right-hand sides Y and the variances' right-hand sides M_dt (one per test
 * point) solved as one block. Same formulas as GpInference (NNGP, NTK ensemble eq. 16, NTKGP), same
 * λ convention (relative to the mean diagonal of the inverted kernel unless absolute); λ must be > 0
 * (it bounds the condition number and the error estimates). Errors are bounded in {@link SolveReport}.
 */
public final class IterativeGp {
    private IterativeGp() { }

    public static Solved predict(Architecture arch, Matrix x, Matrix y, Matrix xt, Get get, CovarianceMode mode,
                                 Regularization reg, KernelOptions ko, SolverOptions so, String reason) {
        long t0 = System.nanoTime();
        if (reg == null || reg.isZero())
            throw new InvalidInputException("diagReg", "the cg solver needs a regularizer > 0 (it bounds the condition number); "
                + "set diag-reg (e.g. 1e-4) or use the exact solver");
        int n = x.rows(), m = xt.rows(), k = y.cols();
        boolean ntk = get != Get.NNGP;
        KernelOptions o = ko == null ? KernelOptions.defaults() : ko;
        long budget = so.memoryBudget();
        long work = 8L * n * (k + 3L * m + so.rankFor(n)) + 8L * m * m;
        try (StreamedKernel sk = StreamedKernel.of(arch, x, o, ntk, Math.max(0, budget - work))) {
            double[] diag = sk.diagonal(ntk);
            double trace = 0;
            for (double v : diag) trace += v;
            double lambda = reg.lambda(trace, n);
            if (!(lambda > 0)) throw new InvalidInputException("diagReg", "gives lambda = " + lambda + "; the cg solver needs lambda > 0");
            long tk = System.nanoTime();
            double[] priorNngp = new double[m];
            NativeMatrix[] td = sk.against(xt, priorNngp); // {K_dt, Θ_dt} n×m
            long kernelNanos = System.nanoTime() - tk;
            NativeMatrix mdt = ntk ? td[1] : td[0], kdt = td[0];
            long tp = System.nanoTime();
            try (Preconditioner p = preconditioner(sk, ntk, diag, lambda, n, so)) {
                long precNanos = System.nanoTime() - tp;
                // one block: [Y | M_dt] (the variance columns only when variances are asked for)
                int cols = k + (mode == CovarianceMode.NONE ? 0 : m);
                double[] rhs = new double[n * cols];
                // Y scaled to max |y| in [1, 2) (exact; the mean is scaled back): targets near 1e308
                // then do not overflow in the CG iterates or residual norms
                int ye = y.maxAbsExponent();
                System.arraycopy(y.scalb(-ye).toColumnMajor(), 0, rhs, 0, n * k);
                if (cols > k) System.arraycopy(mdt.toColumnMajorArray(), 0, rhs, n * k, n * m);
                LinearOperator a = (v, kk) -> regularizedProduct(sk, ntk, v, kk, n, lambda);
                long tc = System.nanoTime();
                CgResult cg = BlockCg.solve(a, p, rhs, n, cols, so.residualTarget(), so.iterationCap(n));
                double[] sol = cg.x();
                double maxR = 0;
                for (double r : cg.residualNorms()) maxR = Math.max(maxR, r);
                double[] rn = cg.residualNorms();

                Matrix mean;
                double meanBound;
                try (NativeMatrix xy = NativeMatrix.copyOf(Matrix.wrapColumnMajor(n, k, java.util.Arrays.copyOf(sol, n * k)), "alpha");
                     NativeMatrix mu = Blas.multiply(true, mdt, false, xy, "posterior mean")) {
                    mean = mu.toMatrix().scalb(ye);
                    double maxRy = 0;
                    for (int j = 0; j < k; j++) maxRy = Math.max(maxRy, rn[j]);
                    double maxNorm = 0;
                    for (int i = 0; i < m; i++) {
                        double s = 0;
                        for (int j = 0; j < n; j++) { double v = mdt.get(j, i); s += v * v; }
                        maxNorm = Math.max(maxNorm, Math.sqrt(s));
                    }
                    meanBound = Math.scalb(maxNorm * maxRy / lambda, ye);
                }
                long meanNanos = System.nanoTime() - tc;
                long tv = System.nanoTime();
                Matrix cov = null;
                double[] var = null;
                double varBound = Double.NaN;
                int clamped = 0;
                if (mode != CovarianceMode.NONE) {
                    double[] aSol = java.util.Arrays.copyOfRange(sol, n * k, n * (k + m));
                    Variances v = variances(arch, o, sk, get, mode, xt, aSol, mdt, kdt, priorNngp, n, m, lambda, trace,
                        java.util.Arrays.copyOfRange(rn, k, k + m));
                    cov = v.cov;
                    var = v.var;
                    varBound = v.bound;
                    clamped = v.clamped;
                }
                long covNanos = System.nanoTime() - tv;
                Diagnostics d = new Diagnostics(lambda, null, clamped, 0, Double.NaN,
                    new Timings(kernelNanos, precNanos, meanNanos, covNanos));
                Posterior post = new Posterior(get, Double.POSITIVE_INFINITY, mean, cov, var, d, null);
                SolveReport rep = SolveReport.builder(SolverKind.CG, reason)
                    .preconditioner(p.kind(), p.rank())
                    .iterations(cg.iterations(), cg.maxRelativeResidual(), cg.converged())
                    .errorBounds(meanBound, varBound)
                    .kernelPasses(sk.passes(), sk.cachesTiles())
                    .build(System.nanoTime() - t0);
                return new Solved(post, rep);
            } finally {
                td[0].close();
                if (td[1] != null) td[1].close();
            }
        }
    }

    /** (M + λI)·V through the streamed kernel. */
    private static double[] regularizedProduct(StreamedKernel sk, boolean ntk, double[] v, int k, int n, double lambda) {
        try (NativeMatrix vm = NativeMatrix.copyOf(Matrix.wrapColumnMajor(n, k, v), "cg direction")) {
            NativeMatrix[] out = ntk ? sk.multiply(vm, null) : sk.multiply(null, vm);
            try (NativeMatrix r = ntk ? out[0] : out[1]) {
                double[] a = r.toColumnMajorArray();
                for (int i = 0; i < a.length; i++) a[i] += lambda * v[i];
                return a;
            }
        }
    }

    static Preconditioner preconditioner(StreamedKernel sk, boolean ntk, double[] diag, double lambda, int n, SolverOptions so) {
        return switch (so.preconditioner()) {
            case NONE -> Preconditioner.IDENTITY;
            case NYSTROM -> LowRankPreconditioner.nystrom(sk, ntk, so.rankFor(n), lambda, so.seed());
            case PIVOTED_CHOLESKY -> LowRankPreconditioner.pivotedCholesky(sk, ntk, diag, so.rankFor(n), lambda);
        };
    }

    private record Variances(Matrix cov, double[] var, double bound, int clamped) { }

    /**
     * The covariance from A = M_r⁻¹·M_dt (n×m): NNGP/NTKGP prior − M_td·A; the NTK ensemble
     * K_tt + Aᵀ·K_dd·A − (Aᵀ·K_dt + K_td·A).
     */
    private static Variances variances(Architecture arch, KernelOptions o, StreamedKernel sk, Get get, CovarianceMode mode,
                                       Matrix xt, double[] aSol, NativeMatrix mdt, NativeMatrix kdt, double[] priorNngp,
                                       int n, int m, double lambda, double nngpTraceIfNngp, double[] rn) {
        boolean full = mode == CovarianceMode.FULL;
        Kernels tt = full ? KernelFunction.of(arch).compute(xt, null, o.withComputeNtk(get == Get.NTKGP)) : null;
        double[] prior = get == Get.NTKGP
            ? (full ? diagOf(tt.ntk()) : ntkDiagonal(arch, o, xt)) : priorNngp;
        try (NativeMatrix a = NativeMatrix.copyOf(Matrix.wrapColumnMajor(n, m, aSol), "M_r^-1 M_dt")) {
            if (get != Get.NTK) {
                // |b·x* − b·x| = |x*·r| ≤ (‖x‖ + ‖r‖/λ)·‖r‖ (rigorous; CG's Galerkin property would give
                // ‖r‖²/λ in exact arithmetic, but finite precision loses it)
                double bound = 0;
                for (int i = 0; i < m; i++) {
                    double xn = 0;
                    for (int j = 0; j < n; j++) xn += a.get(j, i) * a.get(j, i);
                    bound = Math.max(bound, (Math.sqrt(xn) + rn[i] / lambda) * rn[i]);
                }
                if (full) {
                    try (NativeMatrix c = NativeMatrix.copyOf(tt.ntk() != null && get == Get.NTKGP ? tt.ntk() : tt.nngp(), "prior")) {
                        Blas.gemm(true, false, -1.0, mdt, a, 1.0, c);
                        return fullCovariance(c, bound);
                    }
                }
                double[] v = new double[m];
                for (int i = 0; i < m; i++) {
                    double s = 0;
                    for (int j = 0; j < n; j++) s += mdt.get(j, i) * a.get(j, i);
                    v[i] = prior[i] - s;
                }
                return new Variances(null, v, bound, RoundOff.clampNegative(v));
            }
            // NTK ensemble: needs K_dd·A (one streamed pass of the NNGP)
            NativeMatrix[] kda = sk.multiply(null, a);
            try (NativeMatrix ka = kda[1]) {
                double kTrace = 0;
                for (double d : sk.diagonal(false)) kTrace += d;
                double bound = 0;
                for (int i = 0; i < m; i++) {
                    double g = 0; // ‖K_dd a − k_t‖: the gradient of the variance in a
                    for (int j = 0; j < n; j++) { double e = ka.get(j, i) - kdt.get(j, i); g += e * e; }
                    double err = rn[i] / lambda;
                    bound = Math.max(bound, 2 * err * Math.sqrt(g) + kTrace * err * err);
                }
                if (full) {
                    try (NativeMatrix c = NativeMatrix.copyOf(tt.nngp(), "prior")) {
                        Blas.gemm(true, false, 1.0, a, ka, 1.0, c);
                        Blas.gemm(true, false, -1.0, a, kdt, 1.0, c);
                        Blas.gemm(true, false, -1.0, kdt, a, 1.0, c);
                        return fullCovariance(c, bound);
                    }
                }
                double[] v = new double[m];
                for (int i = 0; i < m; i++) {
                    double q = 0, cr = 0;
                    for (int j = 0; j < n; j++) { double aj = a.get(j, i); q += aj * ka.get(j, i); cr += aj * kdt.get(j, i); }
                    v[i] = prior[i] + q - 2 * cr;
                }
                return new Variances(null, v, bound, RoundOff.clampNegative(v));
            }
        }
    }

    static double[] diagOf(Matrix mm) {
        double[] d = new double[mm.rows()];
        for (int i = 0; i < d.length; i++) d[i] = mm.get(i, i);
        return d;
    }

    /** Θ(x, x) for each test point (small diagonal blocks). */
    static double[] ntkDiagonal(Architecture arch, KernelOptions o, Matrix xt) {
        try (StreamedKernel s = StreamedKernel.of(arch, xt, o, true, 0)) { return s.diagonal(true); }
    }

    /** Symmetrizes the covariance, clamps negative variances (round-off) to 0 and counts them. */
    private static Variances fullCovariance(NativeMatrix c, double bound) {
        c.symmetrize();
        int clamped = RoundOff.clampNegativeDiagonal(c);
        return new Variances(c.toMatrix(), null, bound, clamped);
    }
}
