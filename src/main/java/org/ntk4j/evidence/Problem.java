package org.ntk4j.evidence;

import org.ntk4j.arch.Architecture;
import org.ntk4j.kernel.KernelOptions;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.Matrix;

/**
 * A validated marginal-likelihood problem: the architecture (its W_std and b_std are replaced by the
 * hyperparameters at each evaluation), the training data, and whether the GP's covariance is the
 * NTK (NTK-GP) or the NNGP.
 */
record Problem(Architecture arch, Matrix x, Matrix y, boolean ntk) {
    int n() {
        return x.rows();
    }

    int outputs() {
        return y.cols();
    }

    /** The kernel options of an evaluation: float64 always, the NTK only where it is the covariance. */
    KernelOptions kernelOptions(EvidenceOptions o) {
        return o.kernelOptions().withComputeNtk(ntk).withDtype(DType.FLOAT64);
    }

    /** The name of M in messages. */
    String kernelName() {
        return ntk ? "NTK" : "NNGP";
    }

    /** −(n·k/2)·log 2π, the constant of the Gaussian likelihood. */
    double constant() {
        return -0.5 * n() * (double) outputs() * Math.log(2 * Math.PI);
    }
}
