package org.ntk4j.finite;

import java.util.List;

/**
 * A batched forward pass. Activations are n×width column-major arrays (a[i + j·n]). When
 * {@code keepInputs} is set, the input of every step is kept: a Dense step's input a_{l−1} enters
 * its weight gradient and an activation's input z enters φ'(z) in backpropagation.
 */
final class Forward {
    final int n;
    /** inputs[s] = input of step s (n × width), or null when not kept. */
    final double[][] inputs;
    /** The network output, n × k column-major. */
    final double[] output;

    private Forward(int n, double[][] inputs, double[] output) {
        this.n = n;
        this.inputs = inputs;
        this.output = output;
    }

    static Forward run(List<Step> steps, NativeWeights weights, double[] x, int n, int inputDim, boolean keepInputs) {
        try (Scratch scratch = new Scratch()) {
            return run(steps, weights, x, n, inputDim, keepInputs, scratch);
        }
    }

    /** As above, with native buffers from {@code scratch} (slots 0 and 1 per Dense step). */
    static Forward run(
            List<Step> steps,
            NativeWeights weights,
            double[] x,
            int n,
            int inputDim,
            boolean keepInputs,
            Scratch scratch) {
        double[][] inputs = new double[steps.size()][];
        double[] a = x;
        int width = inputDim;
        for (int s = 0; s < steps.size(); s++) {
            if (keepInputs) inputs[s] = a;
            Step step = steps.get(s);
            if (step instanceof Step.DenseStep d) {
                a = dense(d, weights.get(s), a, n, scratch, 2 * s);
            } else {
                Step.ActivationStep act = (Step.ActivationStep) step;
                double[] z = a;
                double[] y = new double[z.length];
                var phi = act.activation();
                for (int k = 0; k < z.length; k++) y[k] = phi.apply(z[k]);
                a = y;
            }
            width = step.outWidth();
        }
        assert a.length == (long) n * width;
        return new Forward(n, inputs, a);
    }

    /** h = wMul·a·W + bMul·b for a (n×nIn). */
    static double[] dense(Step.DenseStep d, NativeBuffer w, double[] a, int n, Scratch scratch, int slot) {
        NativeBuffer an = scratch.copyOf(slot, a), hn = scratch.get(slot + 1, (long) n * d.nOut());
        NativeBuffer.gemm(
                false,
                false,
                n,
                d.nOut(),
                d.nIn(),
                d.wMul(),
                an,
                0,
                Math.max(1, n),
                w,
                0,
                d.nIn(),
                0.0,
                hn,
                0,
                Math.max(1, n));
        double[] h = hn.get(new double[n * d.nOut()]);
        if (d.hasBias() && d.bMul() != 0.0) {
            double[] b = d.b();
            for (int j = 0; j < d.nOut(); j++) {
                double bj = d.bMul() * b[j];
                int off = j * n;
                for (int i = 0; i < n; i++) h[off + i] += bj;
            }
        }
        return h;
    }
}
