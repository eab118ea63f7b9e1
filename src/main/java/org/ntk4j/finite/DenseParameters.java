package org.ntk4j.finite;

import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.Finite;
import org.ntk4j.linalg.Matrix;

/**
 * The trainable parameters of one Dense layer, stored as neural-tangents stores them.
 * Under the NTK parameterization these are the standard-normal draws W (n_in×n_out) and b
 * (n_out), applied as h = (W_std/√n_in)·a·W + b_std·b. Under the standard parameterization
 * they are the weights themselves, h = a·W + b (W ~ N(0, W_std²/n_in), b ~ N(0, b_std²) at
 * initialization).
 *
 * @param weights n_in×n_out, float64
 * @param bias    length n_out, or {@code null} for a layer without bias ({@code b_std=None})
 */
public record DenseParameters(Matrix weights, double[] bias) {
    public DenseParameters {
        if (weights == null) throw new InvalidInputException("weights", "is null");
        if (weights.rows() < 1 || weights.cols() < 1)
            throw new InvalidInputException(
                    "weights", "must be at least 1x1, got " + weights.rows() + "x" + weights.cols());
        weights = weights.as(DType.FLOAT64);
        Finite.requireInput(weights, "weights");
        if (bias != null) {
            if (bias.length != weights.cols())
                throw new InvalidInputException(
                        "bias", "length " + bias.length + " must equal the layer's output width " + weights.cols());
            bias = Finite.requireInput(bias, "bias").clone();
        }
    }

    /** Input width n_in. */
    public int inputWidth() {
        return weights.rows();
    }

    /** Output width n_out. */
    public int outputWidth() {
        return weights.cols();
    }

    /** Whether the layer has a bias. */
    public boolean hasBias() {
        return bias != null;
    }

    /** A copy of the bias, or {@code null}. */
    @Override
    public double[] bias() {
        return bias == null ? null : bias.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DenseParameters d && d.weights.equals(weights) && java.util.Arrays.equals(d.bias, bias);
    }

    @Override
    public int hashCode() {
        return 31 * weights.hashCode() + java.util.Arrays.hashCode(bias);
    }

    @Override
    public String toString() {
        return "DenseParameters[" + weights.rows() + "x" + weights.cols() + (bias == null ? ", no bias]" : ", bias]");
    }
}
