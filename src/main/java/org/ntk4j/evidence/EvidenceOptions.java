package org.ntk4j.evidence;

import org.ntk4j.kernel.KernelOptions;
import org.ntk4j.linalg.JitterPolicy;
import org.ntk4j.solve.SolverOptions;

/**
 * How the marginal likelihood is computed.
 *
 * @param model         exact, Nyström or automatic ({@link EvidenceModel})
 * @param kernelOptions threads, device and progress of the kernel computations (the dtype is always
 *                      float64 and the NTK is computed when needed, whatever these say)
 * @param solverOptions the Nyström centers and seed ({@link SolverOptions#centers()}, {@link SolverOptions#seed()}):
 *                      the same as the posterior's with the Nyström solver
 * @param jitter        the jitter policy of the Cholesky factorizations (as the posterior's)
 */
public record EvidenceOptions(
        EvidenceModel model, KernelOptions kernelOptions, SolverOptions solverOptions, JitterPolicy jitter) {
    public EvidenceOptions {
        if (model == null) model = EvidenceModel.AUTO;
        if (kernelOptions == null) kernelOptions = KernelOptions.defaults();
        if (solverOptions == null) solverOptions = SolverOptions.defaults();
        if (jitter == null) jitter = JitterPolicy.defaults();
    }

    /** AUTO, default kernel options, the default Nyström centers (min(n, 2000)) and seed 0, the default jitter policy. */
    public static EvidenceOptions defaults() {
        return new EvidenceOptions(EvidenceModel.AUTO, null, null, null);
    }

    public EvidenceOptions withModel(EvidenceModel v) {
        return new EvidenceOptions(v, kernelOptions, solverOptions, jitter);
    }

    public EvidenceOptions withKernelOptions(KernelOptions v) {
        return new EvidenceOptions(model, v, solverOptions, jitter);
    }

    public EvidenceOptions withSolverOptions(SolverOptions v) {
        return new EvidenceOptions(model, kernelOptions, v, jitter);
    }

    public EvidenceOptions withJitter(JitterPolicy v) {
        return new EvidenceOptions(model, kernelOptions, solverOptions, v);
    }

    /** Worker threads for the gradient's per-entry recursion (the kernel options' count; 0 = all processors). */
    int threads() {
        int t = kernelOptions.threads();
        return t > 0 ? t : Runtime.getRuntime().availableProcessors();
    }
}
