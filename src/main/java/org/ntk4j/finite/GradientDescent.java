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
    static List<Step> run(
            List<Step> steps,
            double[] x,
            int n,
            int inputDim,
            double[] y,
            int k,
            int iterations,
            double learningRate,
            org.ntk4j.kernel.ProgressListener progress) {
        int firstDense = firstDense(steps);
        List<Step> work = workingCopy(steps);
        double invN = 1.0 / ((double) n * k);
        try (NativeWeights weights = new NativeWeights(steps);
                Scratch scratch = new Scratch()) {
            for (int it = 0; it < iterations; it++) {
                ParallelRegion.checkInterrupted("training the finite network");
                Forward f = Forward.run(work, weights, x, n, inputDim, true, scratch);
                backward(work, weights, f, outputGradient(f.output, y, invN), n, firstDense, learningRate, scratch);
                progress.onProgress(it + 1, iterations);
            }
            return trained(work, weights);
        }
    }

    /** The index of the first Dense step: the backward pass stops there (no earlier layer has parameters). */
    private static int firstDense(List<Step> steps) {
        int firstDense = -1;
        for (int s = 0; s < steps.size(); s++)
            if (steps.get(s) instanceof Step.DenseStep) {
                firstDense = s;
                break;
            }
        return firstDense;
    }

    /** Working steps: own bias copies; w = null because the weights live natively (fail fast if read). */
    private static List<Step> workingCopy(List<Step> steps) {
        List<Step> work = new ArrayList<>(steps.size());
        for (Step s : steps) {
            if (s instanceof Step.DenseStep d)
                work.add(new Step.DenseStep(
                        d.nIn(), d.nOut(), d.wMul(), d.bMul(), null, d.b() == null ? null : d.b().clone()));
            else work.add(s);
        }
        return work;
    }

    /** ∂L/∂f = (f − y)/N for L = 1/(2N)·‖f − y‖². */
    private static double[] outputGradient(double[] output, double[] y, double invN) {
        double[] g = new double[y.length];
        for (int q = 0; q < g.length; q++) g[q] = (output[q] - y[q]) * invN;
        return g;
    }

    /**
     * One step of gradient descent from ∂L/∂f: back through the layers to the first Dense one,
     * through each activation by φ′ of its input and updating each Dense layer in place.
     */
    private static void backward(
            List<Step> work,
            NativeWeights weights,
            Forward f,
            double[] g,
            int n,
            int firstDense,
            double learningRate,
            Scratch scratch) {
        int slots = 2 * work.size(); // scratch slots below this belong to the forward pass
        for (int s = work.size() - 1; s >= firstDense; s--) {
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
    }

    /** The trained steps: the native weights copied back into fresh arrays, with the updated biases. */
    private static List<Step> trained(List<Step> work, NativeWeights weights) {
        List<Step> out = new ArrayList<>(work.size());
        for (int s = 0; s < work.size(); s++) {
            if (work.get(s) instanceof Step.DenseStep d)
                out.add(new Step.DenseStep(
                        d.nIn(), d.nOut(), d.wMul(), d.bMul(), weights.get(s).toArray(), d.b()));
            else out.add(work.get(s));
        }
        return out;
    }

    /**
     * Updates one Dense layer in place (W natively, b in Java) from the gradient g = ∂L/∂h (n×nOut)
     * and its input a (n×nIn); returns ∂L/∂a = wMul·g·Wᵀ with the weights before the update, or
     * null when no earlier layer needs it.
     */
    private static double[] denseStep(
            Step.DenseStep d,
            NativeBuffer w,
            double[] a,
            double[] g,
            int n,
            double eta,
            boolean propagate,
            Scratch scratch,
            int slot) {
        int nIn = d.nIn(), nOut = d.nOut();
        double[] prev = null;
        NativeBuffer gn = scratch.copyOf(slot, g), an = scratch.copyOf(slot + 1, a);
        if (propagate) {
            NativeBuffer p = scratch.get(slot + 2, (long) n * nIn);
            NativeBuffer.gemm(
                    false, true, n, nIn, nOut, d.wMul(), gn, 0, Math.max(1, n), w, 0, nIn, 0.0, p, 0, Math.max(1, n));
            prev = p.get(new double[n * nIn]);
        }
        // W ← W − η·wMul·aᵀg, in place.
        NativeBuffer.gemm(
                true,
                false,
                nIn,
                nOut,
                n,
                -eta * d.wMul(),
                an,
                0,
                Math.max(1, n),
                gn,
                0,
                Math.max(1, n),
                1.0,
                w,
                0,
                nIn);
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
