package org.ntk4j.kernel;

/** The two kernels of an architecture: the NNGP K and the NTK Θ. */
public enum KernelKind {
    /** The NNGP kernel K (the prior covariance of the network's outputs). */
    NNGP,
    /** The neural tangent kernel Θ (the gradient-flow dynamics of the outputs). */
    NTK;

    /** "NNGP" or "NTK", for messages. */
    public String label() {
        return name();
    }
}
