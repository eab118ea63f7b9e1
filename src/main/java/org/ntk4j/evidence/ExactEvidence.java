package org.ntk4j.evidence;

import org.ntk4j.arch.Architecture;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.NativeKernels;
import org.ntk4j.linalg.Cholesky;
import org.ntk4j.linalg.Finite;
import org.ntk4j.linalg.NativeMatrix;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exact log marginal likelihood (docs/evidence.md §1) and its gradient, with one n×n off-heap
 * matrix: the kernel is written off-heap, λ added to its diagonal, factored in place (Cholesky),
 * and — for the gradient — inverted in place (dpotri), after which the per-entry derivative
 * recursion streams over the lower triangle ({@link KernelGradient}).
 */
final class ExactEvidence {
    private static final Logger LOG = LoggerFactory.getLogger(ExactEvidence.class);

    private ExactEvidence() {}

    static Evidence evaluate(Problem p, Hyperparameters h, EvidenceOptions o, boolean gradient) {
        long t0 = System.nanoTime();
        int n = p.n(), k = p.outputs();
        Architecture arch = h.applyTo(p.arch());
        NativeMatrix m;
        try (NativeKernels kernels =
                KernelFunction.of(arch).computeOffHeap(p.x(), null, p.kernelOptions(o), !p.ntk())) {
            m = (p.ntk() ? kernels.ntk() : kernels.nngp()).takeOwnership();
        }
        try {
            m.addToDiagonal(h.noise());
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
        long t1 = System.nanoTime();
        try (Cholesky chol = Cholesky.factor(m, o.jitter(), p.kernelName() + " train-train kernel + noise")) {
            double logDet = 0;
            for (double l : chol.factorStorage().diagonal()) logDet += 2 * Math.log(l);
            double[] y = p.y().toColumnMajor(), alpha;
            try (NativeMatrix a = NativeMatrix.copyOf(p.y(), "alpha = (M + noise I)^-1 y")) {
                chol.solveInPlace(a);
                alpha = a.toColumnMajorArray();
            }
            double quad = 0, alphaSq = 0;
            for (int i = 0; i < y.length; i++) {
                quad += y[i] * alpha[i];
                alphaSq += alpha[i] * alpha[i];
            }
            double lml = -0.5 * quad - 0.5 * k * logDet + p.constant();
            Finite.requireResult(
                    lml,
                    "log marginal likelihood",
                    "the targets or the kernel are beyond float64's range at these hyperparameters; rescale the targets or raise noise");
            long t2 = System.nanoTime();
            Evidence.Gradient g = gradient ? gradient(p, arch, h, o, chol, alpha, alphaSq) : null;
            LOG.debug(
                    "exact evidence n={} k={}: kernel {} ms, factor+solve {} ms, gradient {} ms",
                    n,
                    k,
                    (t1 - t0) / 1_000_000,
                    (t2 - t1) / 1_000_000,
                    (System.nanoTime() - t2) / 1_000_000);
            return new Evidence(lml, g, EvidenceModel.EXACT, n, k, n, h.noise(), chol.jitter(), null);
        }
    }

    /**
     * ∂lml/∂θ = Σ_ij W_ij ∂M_ij/∂θ with W = ½ααᵀ − (k/2)(M + λI)⁻¹, and
     * ∂lml/∂λ = ½|α|² − (k/2)·tr((M + λI)⁻¹).
     * Destroys the factor (it becomes the inverse).
     */
    private static Evidence.Gradient gradient(
            Problem p,
            Architecture arch,
            Hyperparameters h,
            EvidenceOptions o,
            Cholesky chol,
            double[] alpha,
            double alphaSq) {
        int n = p.n(), k = p.outputs();
        NativeMatrix inv = CholeskyInverse.invertInPlace(chol);
        double trace = 0;
        for (double v : inv.diagonal()) trace += v;
        double gNoise = 0.5 * alphaSq - 0.5 * k * trace;
        InputRows rows = new InputRows(p.x());
        EntryDerivatives derivatives = TangentPlan.of(arch, h, p.ntk(), rows.dimension(), rows.variances());
        if (derivatives == null) derivatives = DifferencePlan.of(arch, h, p.ntk(), rows.dimension(), rows.variances());
        double[] g;
        try (NativeMatrix.Pin pin = inv.pin()) {
            g = KernelGradient.contract(
                    rows,
                    derivatives,
                    (j, w) -> {
                        int len = n - j;
                        inv.getRun((long) j * n + j, w, 0, len);
                        for (int t = 0; t < len; t++) {
                            double aa = 0;
                            for (int c = 0; c < k; c++) aa += alpha[j + t + c * n] * alpha[j + c * n];
                            w[t] = 0.5 * aa - 0.5 * k * w[t];
                        }
                    },
                    o.threads());
        }
        Evidence.Gradient grad = new Evidence.Gradient(g[0], g[1], gNoise, derivatives.method());
        Finite.requireResult(
                new double[] {grad.wStd(), grad.bStd(), grad.noise()},
                "log marginal likelihood gradient",
                "the kernel's derivatives are beyond float64's range at these hyperparameters; use smaller W_std/b_std or rescale the inputs");
        return grad;
    }
}
