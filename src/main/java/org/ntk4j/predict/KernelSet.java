package org.ntk4j.predict;

import org.ntk4j.kernel.Kernels;

/**
 * The kernel matrices a prediction used, returned on request.
 *
 * @param trainTrain kernels of the training inputs with themselves (n×n)
 * @param testTrain  kernels of the test inputs against the training inputs (m×n), or null
 * @param testTest   kernels of the test inputs with themselves (m×m), or null when not computed
 */
public record KernelSet(Kernels trainTrain, Kernels testTrain, Kernels testTest) {
    public KernelSet {
        if (trainTrain == null) throw new IllegalArgumentException("kernel set: trainTrain is null");
    }
}
