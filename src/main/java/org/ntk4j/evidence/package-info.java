/**
 * The evidence for an architecture's hyperparameters: the log marginal likelihood of the t = ∞ NNGP
 * and NTK-GP posteriors as a function of the shared W_std, b_std and the noise variance λ, with its
 * gradient ({@link org.ntk4j.evidence.MarginalLikelihood}; the mathematics in docs/evidence.md).
 * Exact by Cholesky while the n×n kernel fits, else the Nyström model's likelihood. Built on
 * {@code kernel} (the kernels and their compiled recursion), {@code linalg} and the Nyström centers
 * of {@code solve}; nothing below depends on it.
 */
package org.ntk4j.evidence;
