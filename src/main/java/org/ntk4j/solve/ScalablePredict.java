package org.ntk4j.solve;

import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.ntk4j.arch.Architecture;
import org.ntk4j.device.Device;
import org.ntk4j.error.DeviceFailureException;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.predict.Get;
import org.ntk4j.predict.PredictOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The t = ∞ posterior ({@code gp_inference}) with a choice of solver and device. In order:
 * <ol>
 *   <li><b>check</b> the request ({@link PosteriorRequest} validates itself);</li>
 *   <li><b>device</b>: when the kernel options' device resolves to the GPU and the accelerated solver
 *       ({@link AcceleratedPosterior}, found at run time) takes the request, it solves on the GPU; a
 *       CUDA failure then falls back to the CPU under {@link Device#AUTO} (an error under
 *       {@link Device#GPU}). A request it cannot take (e.g. the NTK ensemble's covariance) is solved
 *       on the CPU with its kernels still computed on the GPU;</li>
 *   <li><b>solver</b> on the CPU: exact Cholesky, CG or Nyström, AUTO picking with
 *       {@link SolverChoice};</li>
 *   <li><b>solve</b>: the chosen {@link PosteriorSolver} builds its kernel operator and solves.</li>
 * </ol>
 * Every path returns the same {@link Solved}: the posterior and one {@link SolveReport}.
 */
public final class ScalablePredict {
    private static final Logger LOG = LoggerFactory.getLogger(ScalablePredict.class);

    /** Why the GPU does not solve when no accelerated solver could be loaded. */
    private static final String NO_GPU_SOLVER = "no GPU posterior solver on the class path";

    private ScalablePredict() {}

    /** {@link #gpInference(PosteriorRequest)} of the request these arguments make. */
    public static Solved gpInference(
            Architecture arch,
            Matrix xTrain,
            Matrix yTrain,
            Matrix xTest,
            Get get,
            PredictOptions options,
            SolverOptions solver) {
        return gpInference(new PosteriorRequest(arch, xTrain, yTrain, xTest, get, options, solver));
    }

    /** The posterior of {@code request}, on the device and with the solver it asks for (see the class comment). */
    public static Solved gpInference(PosteriorRequest request) {
        Device device = request.options().kernelOptions().device();
        if (device.resolve() == Device.GPU) {
            AcceleratedPosterior gpu = Accelerated.SOLVER;
            String unsupported = gpu == null ? NO_GPU_SOLVER : gpu.unsupportedReason(request);
            if (unsupported == null) {
                try {
                    return gpu.solve(request);
                } catch (DeviceFailureException e) {
                    if (device == Device.GPU) throw e;
                    LOG.warn("posterior: the GPU failed ({}); solving on the CPU", e.getMessage());
                }
            } else {
                LOG.info("posterior: solving on the CPU ({})", unsupported);
            }
        }
        return onCpu(request);
    }

    /** The CPU solvers: the choice (AUTO resolved), then the solve. */
    private static Solved onCpu(PosteriorRequest request) {
        SolverChoice c = SolverChoice.choose(
                request.trainSize(),
                request.testSize(),
                request.outputs(),
                request.get(),
                request.options(),
                request.solver());
        return PosteriorSolver.of(c.kind()).solve(request, c.reason());
    }

    /** Initialized on first use (the holder idiom): one lookup per JVM; null when there is none. */
    private static final class Accelerated {
        static final AcceleratedPosterior SOLVER = load();

        private static AcceleratedPosterior load() {
            try {
                return ServiceLoader.load(AcceleratedPosterior.class, AcceleratedPosterior.class.getClassLoader())
                        .findFirst()
                        .orElse(null);
            } catch (ServiceConfigurationError | LinkageError e) {
                return null; // a solver that cannot be loaded (its native binding missing) means "CPU only"
            }
        }
    }
}
