package org.ntk4j.evidence;

import org.ntk4j.arch.Architecture;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.KernelOptions;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.linalg.Blas;
import org.ntk4j.linalg.Cholesky;
import org.ntk4j.linalg.Finite;
import org.ntk4j.linalg.JitterReport;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.linalg.NativeMatrix;
import org.ntk4j.linalg.Rows;
import org.ntk4j.solve.LowRankPreconditioner;

/**
 * The log marginal likelihood of the Nyström model (docs/evidence.md §5): the GP whose covariance is
 * Q = K_nM·K_MM⁻¹·K_Mn + λI on the centers the Nyström solver uses (same count, same seed), in
 * O(n·M²) time and O(M²) memory. With B = K_nM·L⁻ᵀ (K_MM = LLᵀ), G = BᵀB, β = (G + λI)⁻¹Bᵀy and
 * r = y − Bβ (so Q⁻¹y = r/λ):
 * <pre>
 *   yᵀQ⁻¹y   = |r|²/λ + |β|²                       (no cancellation, unlike yᵀy − yᵀB(G + λI)⁻¹Bᵀy)
 *   log det Q = (n − M)·log λ + log det(G + λI)     (matrix determinant lemma)
 *   ∂/∂λ      = ½|r|²/λ² − (k/2)·((n − M)/λ + tr((G + λI)⁻¹))
 * </pre>
 * Two streamed passes over the training rows: the first accumulates G and Bᵀy, the second the
 * residual r = y − K_nM·(L⁻ᵀβ). The W_std and b_std components of the gradient are Richardson
 * differences of this likelihood (the centers stay fixed, so it is a smooth function of them).
 */
final class NystromEvidence {
    /** Kernel entries per streamed block (n_b × M), as the Nyström solver. */
    private static final long BLOCK_ENTRIES = 4L << 20;

    private NystromEvidence() {}

    /** The likelihood's value, ∂/∂λ, and the jitter of its two factorizations. */
    private record Value(double lml, double gNoise, int centers, JitterReport jitter, JitterReport systemJitter) {}

    static Evidence evaluate(Problem p, Hyperparameters h, EvidenceOptions o, boolean gradient) {
        if (!(h.noise() > 0))
            throw new InvalidInputException(
                    "noise",
                    "the Nystrom model needs noise > 0 (its kernel has rank M < n), got " + h.noise()
                            + "; set one, or use the exact model");
        Value v = value(p, h, o);
        Evidence.Gradient g = null;
        if (gradient) {
            double gw = Richardson.derivative(w -> value(p, h.withWStd(w), o).lml(), h.wStd());
            double gb = Hyperparameters.hasBias(p.arch())
                    ? Richardson.derivative(b -> value(p, h.withBStd(b), o).lml(), h.bStd())
                    : 0.0;
            g = new Evidence.Gradient(gw, gb, v.gNoise(), Evidence.GradientMethod.FINITE_DIFFERENCES);
            Finite.requireResult(
                    new double[] {gw, gb, v.gNoise()},
                    "Nystrom log marginal likelihood gradient",
                    "the likelihood is beyond float64's range near these hyperparameters; rescale the targets or raise noise");
        }
        return new Evidence(
                v.lml(),
                g,
                EvidenceModel.NYSTROM,
                p.n(),
                p.outputs(),
                v.centers(),
                h.noise(),
                v.jitter(),
                v.systemJitter());
    }

    private static Value value(Problem p, Hyperparameters h, EvidenceOptions o) {
        int n = p.n(), d = p.x().cols(), k = p.outputs();
        if (o.solverOptions().centerPoints() != null)
            throw new InvalidInputException(
                    "centerPoints",
                    "the Nystrom likelihood draws its centers (centers, seed); centers given as points are not"
                            + " supported there: drop them or use the exact likelihood");
        int mc = o.solverOptions().centersFor(n);
        double lambda = h.noise();
        Architecture arch = h.applyTo(p.arch());
        KernelFunction kf = KernelFunction.of(arch);
        KernelOptions ko = p.kernelOptions(o);
        double[] xcm = p.x().toColumnMajor(), ycm = p.y().toColumnMajor();
        int[] idx = LowRankPreconditioner.sample(n, mc, o.solverOptions().seed());
        Matrix z = Rows.select(xcm, n, d, idx);
        Kernels zz = kf.compute(z, null, ko);
        int rows = (int) Math.max(1, Math.min(n, BLOCK_ENTRIES / mc));
        try (Cholesky lm = Cholesky.factor(
                        NativeMatrix.copyOf(p.ntk() ? zz.ntk() : zz.nngp(), "center kernel"),
                        o.jitter(),
                        "Nystrom center kernel K_MM");
                NativeMatrix g = NativeMatrix.zeros(mc, mc, "B^T B");
                NativeMatrix by = NativeMatrix.zeros(mc, k, "B^T y")) {
            for (int r0 = 0; r0 < n; r0 += rows) {
                int r1 = Math.min(n, r0 + rows);
                try (NativeMatrix b = kernelBlock(kf, ko, p, xcm, r0, r1, z);
                        NativeMatrix yb = NativeMatrix.copyOf(Rows.select(ycm, n, k, r0, r1), "y block")) {
                    lm.timesInverseLowerTransposeInPlace(b); // B_b = K_bM·L⁻ᵀ
                    Blas.syrk(true, 1.0, b, 1.0, g, false);
                    Blas.gemm(true, false, 1.0, b, yb, 1.0, by);
                }
            }
            g.mirrorLowerToUpper();
            NativeMatrix core = g.copy("G + noise I");
            core.addToDiagonal(lambda);
            try (Cholesky s = Cholesky.factor(core, o.jitter(), "Nystrom system G + noise I")) {
                double logDetS = 0;
                for (double l : s.factorStorage().diagonal()) logDetS += 2 * Math.log(l);
                s.solveInPlace(by); // β
                double betaSq = sumOfSquares(by);
                Blas.solveLowerLeft(lm.factorStorage(), true, by); // γ = L⁻ᵀβ, so Bβ = K_nM·γ
                double rr = 0;
                for (int r0 = 0; r0 < n; r0 += rows) {
                    int r1 = Math.min(n, r0 + rows);
                    try (NativeMatrix kb = kernelBlock(kf, ko, p, xcm, r0, r1, z);
                            NativeMatrix rb = NativeMatrix.copyOf(Rows.select(ycm, n, k, r0, r1), "residual block")) {
                        Blas.gemm(false, false, -1.0, kb, by, 1.0, rb); // r_b = y_b − K_bM·γ
                        rr += sumOfSquares(rb);
                    }
                }
                double logDetQ = (n - mc) * Math.log(lambda) + logDetS;
                double lml = -0.5 * (rr / lambda + betaSq) - 0.5 * k * logDetQ + p.constant();
                Finite.requireResult(
                        lml,
                        "Nystrom log marginal likelihood",
                        "the targets or the kernel are beyond float64's range at these hyperparameters; rescale the targets or raise noise");
                NativeMatrix inv = CholeskyInverse.invertInPlace(s);
                double trace = 0;
                for (double v : inv.diagonal()) trace += v;
                double gNoise = 0.5 * rr / (lambda * lambda) - 0.5 * k * ((n - mc) / lambda + trace);
                return new Value(lml, gNoise, mc, lm.jitter(), s.jitter());
            }
        }
    }

    /** K(x_b, centers) for rows [r0, r1), off-heap. */
    private static NativeMatrix kernelBlock(
            KernelFunction kf, KernelOptions ko, Problem p, double[] xcm, int r0, int r1, Matrix z) {
        Kernels kb = kf.compute(Rows.select(xcm, p.n(), p.x().cols(), r0, r1), z, ko);
        return NativeMatrix.copyOf(p.ntk() ? kb.ntk() : kb.nngp(), "K_bM");
    }

    private static double sumOfSquares(NativeMatrix m) {
        double s = 0;
        for (double v : m.toColumnMajorArray()) s += v * v;
        return s;
    }
}
