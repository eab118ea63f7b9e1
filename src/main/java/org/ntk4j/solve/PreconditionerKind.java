package org.ntk4j.solve;

/**
 * The preconditioner of conjugate gradients: a rank-r approximation B·Bᵀ of the kernel, applied to
 * (B·Bᵀ + λI)⁻¹ by the Woodbury identity.
 * <ul>
 *   <li>{@link #NONE}: plain CG;</li>
 *   <li>{@link #NYSTROM}: Nyström on r landmarks drawn uniformly without replacement;</li>
 *   <li>{@link #PIVOTED_CHOLESKY}: the rank-r partial Cholesky with greedy diagonal pivoting
 *       (Harbrecht et al. 2012; GPyTorch's default), one kernel column per step.</li>
 * </ul>
 */
public enum PreconditionerKind {
    NONE,
    NYSTROM,
    PIVOTED_CHOLESKY
}
