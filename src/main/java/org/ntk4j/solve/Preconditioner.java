package org.ntk4j.solve;

/** P⁻¹ for conjugate gradients, applied to a block of k residuals (column-major n×k). */
public interface Preconditioner extends AutoCloseable {
    /** P⁻¹·R; returns a new array. */
    double[] apply(double[] r, int k);

    /** Rank of the low-rank part (0 for none). */
    int rank();

    /** Which preconditioner this is. */
    PreconditionerKind kind();

    @Override
    default void close() {}

    /** No preconditioning (P = I). */
    Preconditioner IDENTITY = new Preconditioner() {
        @Override
        public double[] apply(double[] r, int k) {
            return r.clone();
        }

        @Override
        public int rank() {
            return 0;
        }

        @Override
        public PreconditionerKind kind() {
            return PreconditionerKind.NONE;
        }
    };
}
