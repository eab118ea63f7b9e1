package org.ntk4j.finite;

import org.ntk4j.linalg.Finite;
import org.ntk4j.linalg.Matrix;

/**
 * Empirical kernels of one finite network, traced over the outputs and divided by the output
 * count k, as neural-tangents' {@code empirical_kernel_fn} with the default {@code trace_axes=(-1,)}:
 * NNGP = f(x1)·f(x2)ᵀ/k and NTK = Σ_params J(x1)·J(x2)ᵀ/k.
 *
 * @param nngp n1×n2
 * @param ntk  n1×n2, or {@code null} when only the NNGP was requested
 */
public record EmpiricalKernels(Matrix nngp, Matrix ntk) {
    public EmpiricalKernels {
        if (nngp == null) throw new IllegalArgumentException("empirical kernels: nngp is null");
        if (ntk != null && (ntk.rows() != nngp.rows() || ntk.cols() != nngp.cols()))
            throw new IllegalArgumentException("empirical kernels: ntk shape differs from nngp shape");
        Finite.requireResult(nngp, "empirical NNGP", FiniteNetwork.REMEDY);
        if (ntk != null) Finite.requireResult(ntk, "empirical NTK", FiniteNetwork.REMEDY);
    }
}
