package org.ntk4j.finite;

import java.nio.DoubleBuffer;
import java.util.List;

/**
 * The empirical NTK by explicit per-layer Jacobian contraction, never forming a P-wide Jacobian.
 * For a Dense layer h = wMul·a·W + bMul·b, ∂f_o/∂W_pj = wMul·a_p·δ_oj and ∂f_o/∂b_j = bMul·δ_oj,
 * where δ_oj = ∂f_o/∂h_j, so the layer contributes
 * (wMul²·⟨a(x), a(x')⟩ + bMul²)·Σ_j δ_oj(x)·δ_o'j(x') to Θ_{oo'}(x, x').
 *
 * <p>The backpropagated δ of all inputs form one (n·kb)×width column-major matrix (row i + o·n
 * for output o of the current block of kb outputs), kept in native memory for the whole backward
 * pass: propagation through a Dense layer and the contraction are single GEMMs on it, and the
 * activation derivatives are applied in place (copying δ in and out of the JVM, and page-faulting
 * fresh buffers, cost as much as the GEMMs). At the output δ is the identity; it is kept in
 * "diagonal" form (n×kb factors) until the first Dense layer spreads it, which saves a
 * k×k×width GEMM. Outputs are processed in blocks (traced and diagonal forms) to bound memory;
 * every output's backward pass is independent, so blocking costs no extra work.
 */
final class KernelContraction {
    enum Form {
        TRACE,
        FULL,
        DIAGONAL
    }

    private KernelContraction() {}

    /**
     * δ for inputs × outputs [o0, o0+kb). Diagonal form: {@code diag} is n×kb (Java); dense form:
     * {@code dense} is (n·kb)×width in native memory, owned by a {@link Workspace}.
     */
    private record Delta(int n, int o0, int kb, double[] diag, int width, NativeBuffer dense) {
        boolean diagonal() {
            return diag != null;
        }
    }

    /** Two native buffers per input set, used alternately as δ_out and δ_in (allocated once per call). */
    private static final class Workspace implements AutoCloseable {
        private final NativeBuffer[] a = new NativeBuffer[2];
        private final long size;
        private int next;

        Workspace(long size) {
            this.size = size;
        }

        NativeBuffer take() {
            int i = next;
            next = 1 - next;
            if (a[i] == null) a[i] = NativeBuffer.allocate(size);
            return a[i];
        }

        @Override
        public void close() {
            for (NativeBuffer b : a) if (b != null) b.close();
        }
    }

    /**
     * The NTK accumulator. TRACE: n1×n2 column-major (not yet divided by k). FULL: (n1·k)×(n2·k)
     * column-major, row i + o·n1, column i' + o'·n2. DIAGONAL: k blocks of n1×n2 column-major.
     */
    static double[] ntk(
            List<Step> steps, NativeWeights weights, Forward f1, Forward f2, int k, Form form, int outputBlock) {
        int n1 = f1.n, n2 = f2.n;
        int maxWidth = maxDenseInput(steps);
        Backward pass = new Backward(
                steps,
                weights,
                f1,
                f2,
                layerFactors(steps, f1, f2),
                firstDense(steps),
                k,
                form,
                accumulator(form, n1, n2, k));
        int block = form == Form.FULL ? k : Math.max(1, Math.min(k, outputBlock));
        try (Workspace w1 = new Workspace((long) n1 * block * maxWidth);
                Workspace w2 = pass.same() ? null : new Workspace((long) n2 * block * maxWidth)) {
            for (int o0 = 0; o0 < k; o0 += block) pass.outputBlock(o0, Math.min(block, k - o0), w1, w2);
        }
        return pass.acc();
    }

    /** The index of the first Dense step, where the backward pass ends (-1 if there is none). */
    private static int firstDense(List<Step> steps) {
        for (int s = 0; s < steps.size(); s++) if (steps.get(s) instanceof Step.DenseStep) return s;
        return -1;
    }

    /** The widest Dense input (at least 1): δ never has more columns, so it sizes the workspaces. */
    private static int maxDenseInput(List<Step> steps) {
        int maxWidth = 1;
        for (Step step : steps) if (step instanceof Step.DenseStep d) maxWidth = Math.max(maxWidth, d.nIn());
        return maxWidth;
    }

    /** Per-layer factor M_l = wMul²·a1·a2ᵀ + bMul² (n1×n2) of each Dense step (null elsewhere), shared by all output blocks. */
    private static double[][] layerFactors(List<Step> steps, Forward f1, Forward f2) {
        double[][] factor = new double[steps.size()][];
        for (int s = 0; s < steps.size(); s++)
            if (steps.get(s) instanceof Step.DenseStep d)
                factor[s] = layerFactor(d, f1.inputs[s], f2.inputs[s], f1.n, f2.n);
        return factor;
    }

    /** A zero accumulator of the layout of {@code form} (see {@link #ntk}). */
    private static double[] accumulator(Form form, int n1, int n2, int k) {
        long accLen = switch (form) {
            case TRACE -> (long) n1 * n2;
            case FULL -> (long) n1 * k * n2 * k;
            case DIAGONAL -> (long) n1 * n2 * k;
        };
        return new double[Math.toIntExact(accLen)];
    }

    /**
     * The backward pass shared by every block of outputs: the network, both forward passes (the
     * same object when x2 is x1, then δ is propagated once), the layer factors and the accumulator.
     */
    private record Backward(
            List<Step> steps,
            NativeWeights weights,
            Forward f1,
            Forward f2,
            double[][] factor,
            int firstDense,
            int k,
            Form form,
            double[] acc) {
        boolean same() {
            return f1 == f2;
        }

        /**
         * Outputs [o0, o0+kb): δ from the output back to the first Dense layer, each Dense layer
         * adding its factor times the δ Gram to {@code acc}.
         */
        void outputBlock(int o0, int kb, Workspace w1, Workspace w2) {
            boolean same = same();
            Delta d1 = top(f1.n, o0, kb), d2 = same ? d1 : top(f2.n, o0, kb);
            for (int s = steps.size() - 1; s >= firstDense; s--) {
                Step step = steps.get(s);
                if (step instanceof Step.ActivationStep a) {
                    d1 = throughActivation(d1, a, f1.inputs[s]);
                    d2 = same ? d1 : throughActivation(d2, a, f2.inputs[s]);
                } else {
                    Step.DenseStep dense = (Step.DenseStep) step;
                    accumulate(acc, factor[s], d1, d2, k, form, f1.n, f2.n);
                    if (s == firstDense) break;
                    d1 = throughDense(d1, dense, weights.get(s), w1);
                    d2 = same ? d1 : throughDense(d2, dense, weights.get(s), w2);
                }
            }
        }
    }

    private static Delta top(int n, int o0, int kb) {
        double[] d = new double[n * kb];
        java.util.Arrays.fill(d, 1.0);
        return new Delta(n, o0, kb, d, -1, null);
    }

    private static double[] layerFactor(Step.DenseStep d, double[] a1, double[] a2, int n1, int n2) {
        double[] m;
        try (NativeBuffer x1 = NativeBuffer.copyOf(a1);
                NativeBuffer x2 = a1 == a2 ? null : NativeBuffer.copyOf(a2);
                NativeBuffer g = NativeBuffer.multiply(
                        false,
                        true,
                        n1,
                        n2,
                        d.nIn(),
                        d.wMul() * d.wMul(),
                        x1,
                        Math.max(1, n1),
                        x2 == null ? x1 : x2,
                        Math.max(1, n2))) {
            m = g.get(new double[n1 * n2]);
        }
        if (d.hasBias()) {
            double b2 = d.bMul() * d.bMul();
            for (int q = 0; q < m.length; q++) m[q] += b2;
        }
        return m;
    }

    /** δ ⊙ φ'(z), z the activation's input (n×width); the dense form is updated in place. */
    private static Delta throughActivation(Delta d, Step.ActivationStep a, double[] z) {
        var phi = a.activation();
        int n = d.n;
        if (d.diagonal()) {
            double[] out = d.diag.clone();
            for (int ob = 0; ob < d.kb; ob++) {
                int zoff = (d.o0 + ob) * n, off = ob * n;
                for (int i = 0; i < n; i++) out[off + i] *= phi.derivative(z[zoff + i]);
            }
            return new Delta(n, d.o0, d.kb, out, -1, null);
        }
        DoubleBuffer v = d.dense.view();
        int rows = n * d.kb;
        double[] dz = new double[n];
        for (int j = 0; j < d.width; j++) {
            for (int i = 0; i < n; i++) dz[i] = phi.derivative(z[j * n + i]);
            int col = j * rows;
            for (int ob = 0; ob < d.kb; ob++) {
                int off = col + ob * n;
                for (int i = 0; i < n; i++) v.put(off + i, v.get(off + i) * dz[i]);
            }
        }
        return d;
    }

    /** δ_in = wMul·δ_out·Wᵀ: the gradient with respect to the Dense layer's input. */
    private static Delta throughDense(Delta d, Step.DenseStep dense, NativeBuffer w, Workspace ws) {
        int n = d.n, rows = n * d.kb, nIn = dense.nIn();
        NativeBuffer out = ws.take();
        if (d.diagonal()) {
            // δ_out[(i,o), j] = D[i,o]·[j = o], so δ_in[(i,o), p] = wMul·D[i,o]·W[p, o].
            double[] wv = dense.w();
            DoubleBuffer v = out.view();
            for (int p = 0; p < nIn; p++) {
                int col = p * rows;
                for (int ob = 0; ob < d.kb; ob++) {
                    double wpo = dense.wMul() * wv[p + (d.o0 + ob) * nIn];
                    int off = col + ob * n, doff = ob * n;
                    for (int i = 0; i < n; i++) v.put(off + i, d.diag[doff + i] * wpo);
                }
            }
        } else {
            NativeBuffer.gemm(
                    false,
                    true,
                    rows,
                    nIn,
                    dense.nOut(),
                    dense.wMul(),
                    d.dense,
                    0,
                    Math.max(1, rows),
                    w,
                    0,
                    nIn,
                    0.0,
                    out,
                    0,
                    Math.max(1, rows));
        }
        return new Delta(n, d.o0, d.kb, null, nIn, out);
    }

    private static void accumulate(double[] acc, double[] m, Delta d1, Delta d2, int k, Form form, int n1, int n2) {
        switch (form) {
            case TRACE -> {
                double[] g = traceGram(d1, d2);
                for (int q = 0; q < acc.length; q++) acc[q] += m[q] * g[q];
            }
            case DIAGONAL -> {
                double[][] g = outputGrams(d1, d2);
                for (int ob = 0; ob < d1.kb; ob++) {
                    int off = (d1.o0 + ob) * n1 * n2;
                    for (int q = 0; q < g[ob].length; q++) acc[off + q] += m[q] * g[ob][q];
                }
            }
            case FULL -> {
                int r1 = n1 * k, r2 = n2 * k;
                if (d1.diagonal()) {
                    for (int o = 0; o < k; o++)
                        for (int j = 0; j < n2; j++)
                            for (int i = 0; i < n1; i++)
                                acc[(i + o * n1) + (j + o * n2) * r1] +=
                                        m[i + j * n1] * d1.diag[i + o * n1] * d2.diag[j + o * n2];
                } else {
                    double[] g;
                    try (NativeBuffer c = NativeBuffer.multiply(
                            false, true, r1, r2, d1.width, 1.0, d1.dense, Math.max(1, r1), d2.dense, Math.max(1, r2))) {
                        g = c.get(new double[r1 * r2]);
                    }
                    for (int o2 = 0; o2 < k; o2++)
                        for (int j = 0; j < n2; j++) {
                            int col = (j + o2 * n2) * r1;
                            for (int o1 = 0; o1 < k; o1++)
                                for (int i = 0; i < n1; i++) {
                                    int q = col + i + o1 * n1;
                                    acc[q] += m[i + j * n1] * g[q];
                                }
                        }
                }
            }
        }
    }

    /** Σ_{o in block} Σ_j δ1[(i,o), j]·δ2[(i',o), j], n1×n2. */
    private static double[] traceGram(Delta d1, Delta d2) {
        int n1 = d1.n, n2 = d2.n;
        if (d1.diagonal()) {
            double[] g = new double[n1 * n2];
            for (int ob = 0; ob < d1.kb; ob++)
                for (int j = 0; j < n2; j++) {
                    double v = d2.diag[j + ob * n2];
                    int off = j * n1, doff = ob * n1;
                    for (int i = 0; i < n1; i++) g[off + i] += d1.diag[doff + i] * v;
                }
            return g;
        }
        // The dense form viewed as n × (kb·width): row i, column o + kb·j.
        try (NativeBuffer c = NativeBuffer.multiply(
                false, true, n1, n2, d1.kb * d1.width, 1.0, d1.dense, Math.max(1, n1), d2.dense, Math.max(1, n2))) {
            return c.get(new double[n1 * n2]);
        }
    }

    /** For each output o = o0 + ob of the block: Σ_j δ1[(i,o), j]·δ2[(i',o), j], n1×n2. */
    private static double[][] outputGrams(Delta d1, Delta d2) {
        int n1 = d1.n, n2 = d2.n;
        double[][] g = new double[d1.kb][n1 * n2];
        if (d1.diagonal()) {
            for (int ob = 0; ob < d1.kb; ob++)
                for (int j = 0; j < n2; j++) {
                    double v = d2.diag[j + ob * n2];
                    for (int i = 0; i < n1; i++) g[ob][i + j * n1] = d1.diag[i + ob * n1] * v;
                }
            return g;
        }
        try (NativeBuffer c = NativeBuffer.allocate((long) n1 * n2)) {
            for (int ob = 0; ob < d1.kb; ob++) {
                // Output o's rows of δ are a strided n×width sub-matrix (leading dimension n·kb).
                NativeBuffer.gemm(
                        false,
                        true,
                        n1,
                        n2,
                        d1.width,
                        1.0,
                        d1.dense,
                        (long) ob * n1,
                        n1 * d1.kb,
                        d2.dense,
                        (long) ob * n2,
                        n2 * d2.kb,
                        0.0,
                        c,
                        0,
                        Math.max(1, n1));
                c.get(g[ob]);
            }
            return g;
        }
    }
}
