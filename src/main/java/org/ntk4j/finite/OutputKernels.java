package org.ntk4j.finite;

import java.util.Arrays;
import org.ntk4j.linalg.Finite;

/**
 * Empirical kernels of one finite network that keep the output axis, in neural-tangents' layout
 * (row-major / C order, as a {@code .npy} file):
 * <ul>
 *   <li>{@link Form#FULL} ({@code trace_axes=()}): shape (n1, n2, k, k), entry
 *       [i, j, o, p] = ∂f_o(x1_i)·∂f_p(x2_j) summed over parameters (NNGP: f_o(x1_i)·f_p(x2_j));</li>
 *   <li>{@link Form#DIAGONAL} ({@code trace_axes=(), diagonal_axes=(-1,)}): shape (n1, n2, k),
 *       the o = p entries of the full form.</li>
 * </ul>
 * Nothing is divided by k here (no axis is traced).
 *
 * @param form  which layout
 * @param shape (n1, n2, k, k) or (n1, n2, k)
 * @param nngp  the NNGP, row-major
 * @param ntk   the NTK, row-major
 */
public record OutputKernels(Form form, int[] shape, double[] nngp, double[] ntk) {
    /** Which output entries are kept. */
    public enum Form {
        FULL,
        DIAGONAL
    }

    public OutputKernels {
        if (form == null || shape == null || nngp == null || ntk == null)
            throw new IllegalArgumentException("output kernels: null component");
        if (shape.length != (form == Form.FULL ? 4 : 3))
            throw new IllegalArgumentException("output kernels: shape rank " + shape.length + " does not fit " + form);
        long size = 1;
        for (int s : shape) size *= s;
        if (nngp.length != size || ntk.length != size)
            throw new IllegalArgumentException("output kernels: arrays must have " + size + " entries");
        shape = shape.clone();
        nngp = nngp.clone();
        ntk = ntk.clone();
        // positions below are flat indices into the row-major (n1, n2, k[, k]) array
        Finite.requireResult(nngp, "empirical output NNGP", FiniteNetwork.REMEDY);
        Finite.requireResult(ntk, "empirical output NTK", FiniteNetwork.REMEDY);
    }

    /** A copy of the shape. */
    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** A copy of the NNGP values (row-major). */
    @Override
    public double[] nngp() {
        return nngp.clone();
    }

    /** A copy of the NTK values (row-major). */
    @Override
    public double[] ntk() {
        return ntk.clone();
    }

    /** NNGP entry at the given indices (4 for FULL, 3 for DIAGONAL). */
    public double nngp(int... index) {
        return nngp[offset(index)];
    }

    /** NTK entry at the given indices (4 for FULL, 3 for DIAGONAL). */
    public double ntk(int... index) {
        return ntk[offset(index)];
    }

    private int offset(int[] index) {
        if (index.length != shape.length)
            throw new IllegalArgumentException("expected " + shape.length + " indices, got " + index.length);
        int off = 0;
        for (int a = 0; a < shape.length; a++) {
            if (index[a] < 0 || index[a] >= shape[a])
                throw new IndexOutOfBoundsException(
                        "index " + index[a] + " out of range for axis " + a + " of size " + shape[a]);
            off = off * shape[a] + index[a];
        }
        return off;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OutputKernels k
                && k.form == form
                && Arrays.equals(k.shape, shape)
                && Arrays.equals(k.nngp, nngp)
                && Arrays.equals(k.ntk, ntk);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(nngp) * 31 + Arrays.hashCode(ntk);
    }

    @Override
    public String toString() {
        return "OutputKernels[" + form + ", shape=" + Arrays.toString(shape) + "]";
    }
}
