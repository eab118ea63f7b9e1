/**
 * ND4J interop: ntk4j's kernels and posteriors on ND4J {@code INDArray}s, for DL4J/ND4J users who
 * pass and get their own arrays. {@link org.ntk4j.nd4j.Nd4jArrays} converts (sharing memory with
 * off-heap {@link org.ntk4j.linalg.NativeMatrix} where the layout allows, one heap copy otherwise),
 * {@link org.ntk4j.nd4j.Nd4jKernels} computes kernels and {@link org.ntk4j.nd4j.Nd4jPosterior}
 * posteriors. What shares memory, what copies and who frees what: docs/nd4j.md.
 *
 * <p>ND4J is optional: this package is the only one that uses it, and it needs {@code nd4j-api} plus a
 * backend ({@code nd4j-native}) on the class path of whoever calls it.
 */
package org.ntk4j.nd4j;
