package org.ntk4j.evidence;

/** Whose marginal likelihood is computed (docs/evidence.md §1, §5). */
public enum EvidenceModel {
    /**
     * {@link #EXACT} while the n×n kernel fits (n ≤ {@link org.ntk4j.solve.SolverChoice#EXACT_MAX_N}
     * and its 8n² bytes fit the free off-heap memory with room for the kernel computation), else
     * {@link #NYSTROM}.
     */
    AUTO,
    /** The GP itself: a Cholesky factorization of M + λI, O(n³). */
    EXACT,
    /**
     * The Nyström model that {@code predict} with the Nyström solver uses (same centers, same seed):
     * M replaced by K_nM·K_MM⁻¹·K_Mn, O(n·M²). A different model from the GP for M &lt; n.
     */
    NYSTROM
}
