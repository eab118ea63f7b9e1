/**
 * The training kernels as operators ({@link org.ntk4j.operator.KernelOperator}): dense off-heap,
 * streamed tiles, or held by an accelerator; and the regularized kernel M + λI
 * ({@link org.ntk4j.operator.RegularizedKernel}) that the iterative solver applies. Solvers in
 * {@code org.ntk4j.predict} and {@code org.ntk4j.solve} work on these, not on an architecture.
 */
package org.ntk4j.operator;
