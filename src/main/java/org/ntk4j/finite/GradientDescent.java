package org.ntk4j.finite;

import java.util.ArrayList;
import java.util.List;
import org.ntk4j.parallel.ParallelRegion;

/**
 * Full-batch gradient descent on L = 1/(2N)·‖f(X) − Y‖², N = n·k (neural-tangents' convention,
 * docs/soft-optimization.md §6.1): θ ← θ − η·∇L. The weight matrices stay in native memory for the
 * whole run (they are read by every forward pass and updated by one GEMM per layer and step);
 * biases are updated in Java.
 */
final class GradientDescent {
    private GradientDescent() {}

    /** Returns the trained steps (fresh arrays; the input steps are not modified). */
    static List<Step> run(List<Step> steps, double[] x, int n, int inputDim, double[] y, int k,
                          int iterations, double learningRate, org.ntk4j.kernel.ProgressListener progress) {
        int last = steps.size() - 1;
        int firstDense = -1;
        for (int s = 0; s <= last; s++) if (steps.get(s) instanceof Step.DenseStep) { firstDense = s; break; }
        // Working steps: own bias copies; w = null because the weights live natively (fail fast if read).
        List<Step> work = new ArrayList<>(steps.size());
        for (Step s : steps) {
            if (s instanceof Step.DenseStep d)
                work.add(new Step.DenseStep(d.nIn(), d.nOut(), d.wMul(), d.bMul(), null, d.b() == null ? null : d.b().clone()));
            else work.add(s);
        }
        double invN = 1.0 / ((double) n * k);
        int slots = 2 * steps.size();
        try (NativeWeights weights = new NativeWeights(steps); Scratch scratch = new Scratch()) {
            for (int it = 0; it < iterations; it++) {
                ParallelRegion.checkInterrupted("training the finite network");
                Forward f = Forward.run(work, weights, x, n, inputDim, true, scratch);
                double[] g = new double[n * k];
                for (int q = 0; q < g.length; q++) g[q] = (f.output[q] - y[q]) * invN; // ∂L/∂f
                for (int s = last; s >= firstDense; s--) {
                    Step step = work.get(s);
                    double[] z = f.inputs[s];
                    if (step instanceof Step.ActivationStep a) {
                        var phi = a.activation();
                        for (int q = 0; q < g.length; q++) g[q] *= phi.derivative(z[q]);
                    } else {
                        Step.DenseStep d = (Step.DenseStep) step;
                        g = denseStep(d, weights.get(s), z, g, n, learningRate, s > firstDense, scratch, slots + 3 * s);
                    }
                }
                progress.onProgress(it + 1, iterations);
            }
            List<Step> out = new ArrayList<>(steps.size());
            for (int s = 0; s <= last; s++) {
                if (work.get(s) instanceof Step.DenseStep d)
                    out.add(new Step.DenseStep(d.nIn(), d.nOut(), d.wMul(), d.bMul(), weights.get(s).toArray(), d.b()));
                else out.add(work.get(s));
            }
            return out;
        }
    }

    /**
     * Updates one Dense layer in place (W natively, b in Java) from the gradient g = ∂L/∂h (n×nOut)
     * and its input a (n×nIn); returns ∂L/∂a = wMul·g·Wᵀ with the weights before the update, or
     * null when no earlier layer needs it.
     */
    private static double[] denseStep(Step.DenseStep d, NativeBuffer w, double[] a, double[] g, int n,
                                      double eta, boolean propagate, Scratch scratch, int slot) {
        int nIn = d.nIn(), nOut = d.nOut();
        double[] prev = null;
        NativeBuffer gn = scratch.copyOf(slot, g), an = scratch.copyOf(slot + 1, a);
        if (propagate) {
            NativeBuffer p = scratch.get(slot + 2, (long) n * nIn);
            NativeBuffer.gemm(false, true, n, nIn, nOut, d.wMul(), gn, 0, Math.max(1, n), w, 0, nIn, 0.0, p, 0, Math.max(1, n));
            prev = p.get(new double[n * nIn]);
        }
        // W ← W − η·wMul·aᵀg, in place.
        NativeBuffer.gemm(true, false, nIn, nOut, n, -eta * d.wMul(), an, 0, Math.max(1, n), gn, 0, Math.max(1, n),
            1.0, w, 0, nIn);
        if (d.hasBias()) {
            double[] b = d.b();
            double scale = eta * d.bMul();
            for (int j = 0; j < nOut; j++) {
                double sum = 0;
                for (int i = 0; i < n; i++) sum += g[i + j * n];
                b[j] -= scale * sum;
            }
        }
        return prev;
    }
}
