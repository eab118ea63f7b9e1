package org.ntk4j.evidence;

import org.ntk4j.linalg.JitterReport;

/**
 * One evaluation of the log marginal likelihood (the log evidence) of a GP model of the training
 * targets, and optionally its gradient (docs/evidence.md).
 *
 * @param lml          log p(Y | X, W_std, b_std, λ), summed over the outputs
 * @param gradient     ∂lml/∂(W_std, b_std, λ), or null when not requested
 * @param model        {@link EvidenceModel#EXACT} or {@link EvidenceModel#NYSTROM}: whose likelihood this is
 * @param n            training points
 * @param outputs      k, the columns of Y (independent outputs sharing the kernel)
 * @param centers      Nyström centers (n for the exact model)
 * @param noise        λ as given (the jitter, if any, comes on top)
 * @param jitter       jitter added to the factored kernel (exact: M + λI; Nyström: the center kernel K_MM)
 * @param systemJitter jitter added to the Nyström system G + λI ({@link JitterReport#NONE} for the exact model)
 */
public record Evidence(
        double lml,
        Gradient gradient,
        EvidenceModel model,
        int n,
        int outputs,
        int centers,
        double noise,
        JitterReport jitter,
        JitterReport systemJitter) {
    public Evidence {
        if (model == null || model == EvidenceModel.AUTO)
            throw new IllegalArgumentException("evidence: model must be EXACT or NYSTROM, got " + model);
        if (jitter == null) jitter = JitterReport.NONE;
        if (systemJitter == null) systemJitter = JitterReport.NONE;
    }

    /** The log marginal likelihood per training output, lml / (n·k): comparable across data-set sizes. */
    public double lmlPerPoint() {
        return lml / ((double) n * outputs);
    }

    /** How a gradient's W_std and b_std components were obtained (the noise component is always in closed form). */
    public enum GradientMethod {
        /** Forward-mode differentiation of the kernel recursion in closed form (docs/evidence.md §2–§3). */
        ANALYTIC,
        /** Richardson-extrapolated central differences (docs/evidence.md §4). */
        FINITE_DIFFERENCES
    }

    /**
     * ∂lml/∂W_std, ∂lml/∂b_std (0 when no layer has a bias) and ∂lml/∂λ.
     *
     * @param method how the W_std and b_std components were obtained
     */
    public record Gradient(double wStd, double bStd, double noise, GradientMethod method) {
        /** The Euclidean norm of (wStd, bStd, noise). */
        public double norm() {
            return Math.sqrt(wStd * wStd + bStd * bStd + noise * noise);
        }
    }
}
