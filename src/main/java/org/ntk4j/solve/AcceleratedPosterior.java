package org.ntk4j.solve;

/**
 * A posterior solver that runs on an accelerator: the GPU's exact solver in {@code org.ntk4j.gpu},
 * found at run time with {@link java.util.ServiceLoader} through
 * {@code META-INF/services/org.ntk4j.solve.AcceleratedPosterior}, so this package does not depend on
 * it (as {@link org.ntk4j.kernel.KernelBackend} for the kernels). {@link ScalablePredict} runs it when
 * the request's device resolves to the GPU and {@link #unsupportedReason} is null; otherwise a CPU
 * solver runs, its kernels still computed where the request's kernel options say.
 *
 * <p>Implementations must be thread-safe and have a public no-argument constructor.
 */
public interface AcceleratedPosterior {
    /**
     * Null when this solver can compute {@code request} (its architecture, posterior, covariance mode
     * and solver choice), else why not in a few words; cheap, and must not touch the device.
     */
    String unsupportedReason(PosteriorRequest request);

    /**
     * The posterior of {@code request}, with a report whose device is {@link org.ntk4j.device.Device#GPU}.
     *
     * @throws org.ntk4j.error.DeviceFailureException when the device fails (a CUDA error): with
     *         {@link org.ntk4j.device.Device#AUTO} the CPU solvers then run instead
     */
    Solved solve(PosteriorRequest request);
}
