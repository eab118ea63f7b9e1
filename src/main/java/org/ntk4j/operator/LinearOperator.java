package org.ntk4j.operator;

/** A symmetric positive-definite n×n operator applied to a block of k vectors (column-major n×k arrays). */
@FunctionalInterface
public interface LinearOperator {
    /** A·V for V column-major n×k; returns a new array. */
    double[] apply(double[] v, int k);
}
