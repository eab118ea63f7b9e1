package org.ntk4j.finite;

import java.util.ArrayList;
import java.util.List;
import org.ntk4j.arch.Activation;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.Dense;
import org.ntk4j.arch.Layer;
import org.ntk4j.error.InsufficientMemoryException;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.kernel.ProgressListener;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.Finite;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.linalg.MemoryGuard;

/**
 * An actual finite-width fully-connected network (immutable): parameters drawn from a seed or
 * given explicitly, its outputs f(x), its empirical NNGP and NTK (by per-layer Jacobian
 * contraction; no P-wide Jacobian is formed), and full-batch gradient-descent training, which
 * returns a new network. Follows neural-tangents' {@code stax.Dense} conventions
 * (docs/kernels.md §2, §6): NTK parameterization h = (W_std/√n_in)·a·W + b_std·b with
 * standard-normal W, b; the standard parameterization is supported too (see {@link DenseParameters}).
 *
 * <pre>{@code
 * FiniteNetwork net = FiniteNetwork.initialize(arch, x.cols(), 2048, 42);
 * EmpiricalKernels k = net.kernels(x, null);
 * FiniteNetwork trained = net.train(xTrain, yTrain, 1000, 0.5);  // ≙ t = 1000 at learning rate 0.5
 * }</pre>
 */
public final class FiniteNetwork {
    /** Bytes of δ per output block; bounds the memory of the traced and diagonal kernels. */
    private static final long BLOCK_BYTES = 256L << 20;

    private final Architecture architecture;
    private final int inputDim;
    private final List<Step> steps;

    private FiniteNetwork(Architecture architecture, int inputDim, List<Step> steps) {
        this.architecture = architecture;
        this.inputDim = inputDim;
        this.steps = List.copyOf(steps);
    }

    /** What to change when an output or empirical kernel of a finite network is not representable. */
    static final String REMEDY =
            "the result is not representable in float64: scale the inputs towards order 1 or use smaller "
                    + "weights (W_std/b_std, or a smaller learning rate if the network was trained)";

    /**
     * A randomly initialized network whose hidden Dense layers all have width {@code hiddenWidth}
     * (the last Dense keeps its own out_dim); reproducible from {@code seed} (see {@link Initializer}).
     */
    public static FiniteNetwork initialize(Architecture architecture, int inputDim, int hiddenWidth, long seed) {
        checkArchitecture(architecture);
        if (inputDim < 1) throw new InvalidInputException("inputDim", "must be >= 1, got " + inputDim);
        if (hiddenWidth < 1) throw new InvalidInputException("width", "must be >= 1, got " + hiddenWidth);
        return create(architecture, inputDim, Initializer.widths(architecture, hiddenWidth), seed);
    }

    /** A randomly initialized network with the architecture's own Dense widths. */
    public static FiniteNetwork initialize(Architecture architecture, int inputDim, long seed) {
        checkArchitecture(architecture);
        if (inputDim < 1) throw new InvalidInputException("inputDim", "must be >= 1, got " + inputDim);
        return create(architecture, inputDim, Initializer.widths(architecture, 0), seed);
    }

    private static FiniteNetwork create(Architecture arch, int inputDim, int[] widths, long seed) {
        long count = 0;
        int nIn = inputDim;
        for (int w : widths) {
            count += (long) nIn * w + w;
            nIn = w;
        }
        requireMemory("the network's " + count + " parameters", count * 8);
        return new FiniteNetwork(withWidths(arch, widths), inputDim, Initializer.draw(arch, inputDim, widths, seed));
    }

    /**
     * A network with explicit parameters, one entry per Dense layer in order (e.g. neural-tangents'
     * {@code params} without the empty entries of the nonlinearities). The parameters define the
     * widths; the architecture supplies W_std, b_std, nonlinearities and parameterization.
     */
    public static FiniteNetwork of(Architecture architecture, List<DenseParameters> parameters) {
        checkArchitecture(architecture);
        if (parameters == null) throw new InvalidInputException("parameters", "is null");
        List<Dense> dense = Initializer.denseLayers(architecture);
        if (parameters.size() != dense.size())
            throw new InvalidInputException(
                    "parameters",
                    parameters.size() + " entries given but the architecture has " + dense.size() + " Dense layers");
        int inputDim = parameters.get(0).inputWidth();
        int[] widths = new int[dense.size()];
        List<Step> steps = new ArrayList<>();
        int l = 0, nIn = inputDim;
        for (Layer layer : architecture.layers()) {
            if (layer instanceof Activation a) {
                steps.add(new Step.ActivationStep(a, nIn));
                continue;
            }
            Dense d = (Dense) layer;
            DenseParameters p = parameters.get(l);
            if (p.inputWidth() != nIn)
                throw new InvalidInputException(
                        "parameters",
                        "layer " + (l + 1) + " has input width " + p.inputWidth() + " but the previous layer outputs "
                                + nIn);
            if (p.hasBias() != d.hasBias())
                throw new InvalidInputException(
                        "parameters",
                        "layer " + (l + 1)
                                + (d.hasBias()
                                        ? " needs a bias (the architecture gives b_std)"
                                        : " has a bias but the architecture has b_std=None"));
            widths[l] = p.outputWidth();
            steps.add(Initializer.denseStep(
                    architecture.parameterization(),
                    d,
                    nIn,
                    p.outputWidth(),
                    p.weights().toColumnMajor(),
                    p.bias()));
            nIn = p.outputWidth();
            l++;
        }
        return new FiniteNetwork(withWidths(architecture, widths), inputDim, steps);
    }

    private static void checkArchitecture(Architecture architecture) {
        if (architecture == null) throw new InvalidInputException("architecture", "is null");
        if (Initializer.denseLayers(architecture).isEmpty())
            throw new InvalidInputException("architecture", "a finite network needs at least one Dense layer");
    }

    private static Architecture withWidths(Architecture arch, int[] widths) {
        List<Layer> layers = new ArrayList<>();
        int l = 0;
        for (Layer layer : arch.layers())
            layers.add(layer instanceof Dense d ? new Dense(widths[l++], d.wStd(), d.bStd(), d.hasBias()) : layer);
        return new Architecture(layers, arch.parameterization());
    }

    /** The architecture with the network's actual widths. */
    public Architecture architecture() {
        return architecture;
    }

    /** Input dimension d. */
    public int inputDim() {
        return inputDim;
    }

    /** Number of outputs k (the last Dense layer's width). */
    public int outputDim() {
        return steps.get(steps.size() - 1).outWidth();
    }

    /** Number of trainable scalars P. */
    public long parameterCount() {
        long p = 0;
        for (Step s : steps)
            if (s instanceof Step.DenseStep d) p += (long) d.nIn() * d.nOut() + (d.hasBias() ? d.nOut() : 0);
        return p;
    }

    /** The parameters, one entry per Dense layer (copies). */
    public List<DenseParameters> parameters() {
        List<DenseParameters> out = new ArrayList<>();
        for (Step s : steps)
            if (s instanceof Step.DenseStep d)
                out.add(new DenseParameters(Matrix.wrapColumnMajor(d.nIn(), d.nOut(), d.w().clone()), d.b()));
        return out;
    }

    /** The outputs f(x), n×k. */
    public Matrix apply(Matrix x) {
        double[] xs = input("x", x);
        int n = x.rows();
        requireArray("the forward pass", (long) n * maxWidth());
        requireMemory("the forward pass", 8L * n * (maxWidth() * 3L));
        requireNative("the forward pass", 16L * n * maxWidth());
        try (NativeWeights w = new NativeWeights(steps)) {
            return Finite.requireResult(
                    Matrix.wrapColumnMajor(n, outputDim(), Forward.run(steps, w, xs, n, inputDim, false).output),
                    "network outputs",
                    REMEDY);
        }
    }

    /** The training loss 1/(2N)·‖f(x) − y‖², N = n·k (neural-tangents' MSE convention). */
    public double loss(Matrix x, Matrix y) {
        double[] ys = targets(x, y);
        double[] f = apply(x).toColumnMajor();
        double s = 0;
        for (int q = 0; q < f.length; q++) {
            double r = f[q] - ys[q];
            s += r * r;
        }
        return s / (2.0 * f.length);
    }

    /** Empirical NNGP and NTK, traced over outputs and divided by k. {@code x2 == null}: x2 = x1. */
    public EmpiricalKernels kernels(Matrix x1, Matrix x2) {
        return kernels(x1, x2, true);
    }

    /** Empirical kernels; {@code computeNtk = false} skips the backward passes. */
    public EmpiricalKernels kernels(Matrix x1, Matrix x2, boolean computeNtk) {
        Pair p = forwardPair(x1, x2, computeNtk);
        try (NativeWeights w = p.weights) {
            int k = outputDim(), n1 = p.f1.n, n2 = p.f2.n;
            Matrix nngp = Matrix.wrapColumnMajor(n1, n2, outputGram(p.f1.output, p.f2.output, n1, n2, k, 1.0 / k));
            if (!computeNtk) return new EmpiricalKernels(nngp, null);
            double[] ntk =
                    KernelContraction.ntk(steps, w, p.f1, p.f2, k, KernelContraction.Form.TRACE, outputBlock(n1 + n2));
            for (int q = 0; q < ntk.length; q++) ntk[q] /= k;
            return new EmpiricalKernels(nngp, Matrix.wrapColumnMajor(n1, n2, ntk));
        }
    }

    /**
     * The readout's conditional NNGP Ĝ(a, b) = σ_b² + (σ_w²/n)·Σᵢ φ(zᵢ(a))·φ(zᵢ(b)) (n1×n2): the
     * covariance of the last Dense layer's pre-activations given the layer before it (n its input
     * width, σ_w, σ_b its W_std, b_std, the sum over that layer's n units). Its mean over networks
     * is the NNGP up to O(1/n) and its fluctuation is O(1/√n) (docs/finite-width.md §1); unlike
     * {@link #kernels}, whose NNGP is the product f(a)·f(b) of the outputs, it does not depend on the
     * readout weights. {@code x2 == null}: x2 = x1.
     */
    public Matrix conditionalNngp(Matrix x1, Matrix x2) {
        Pair p = forwardPair(x1, x2, true);
        try (NativeWeights w = p.weights) {
            int last = steps.size() - 1;
            while (!(steps.get(last) instanceof Step.DenseStep)) last--;
            Step.DenseStep readout = (Step.DenseStep) steps.get(last);
            List<Dense> dense = Initializer.denseLayers(architecture);
            Dense d = dense.get(dense.size() - 1);
            int n1 = p.f1.n, n2 = p.f2.n, width = readout.nIn();
            double[] a1 = p.f1.inputs[last], a2 = p.f2.inputs[last];
            double[] g = new double[n1 * n2];
            for (int k = 0; k < width; k++)
                for (int j = 0; j < n2; j++) {
                    double v = a2[j + k * n2];
                    int off = j * n1, ko = k * n1;
                    for (int i = 0; i < n1; i++) g[off + i] += a1[ko + i] * v;
                }
            double scale = d.wStd() * d.wStd() / width, bias = d.bStd() * d.bStd();
            for (int q = 0; q < g.length; q++) g[q] = bias + scale * g[q];
            return Finite.requireResult(Matrix.wrapColumnMajor(n1, n2, g), "conditional NNGP", REMEDY);
        }
    }

    /** Empirical kernels with the output axis kept: full (n1, n2, k, k) or diagonal (n1, n2, k). */
    public OutputKernels outputKernels(Matrix x1, Matrix x2, OutputKernels.Form form) {
        if (form == null) throw new InvalidInputException("form", "is null");
        Pair p = forwardPair(x1, x2, true);
        int k = outputDim(), n1 = p.f1.n, n2 = p.f2.n;
        long size = (long) n1 * n2 * k * (form == OutputKernels.Form.FULL ? k : 1);
        String what = "the " + form.name().toLowerCase(java.util.Locale.ROOT) + " output kernels";
        requireArray(what, Math.max(size, (long) Math.max(n1, n2) * k * maxWidth()));
        requireMemory(what, size * 8 * 6 + 8L * (n1 + n2) * k * maxWidth() * 2);
        try (NativeWeights w = p.weights) {
            boolean full = form == OutputKernels.Form.FULL;
            double[] acc = KernelContraction.ntk(
                    steps,
                    w,
                    p.f1,
                    p.f2,
                    k,
                    full ? KernelContraction.Form.FULL : KernelContraction.Form.DIAGONAL,
                    outputBlock(n1 + n2));
            double[] f1 = p.f1.output, f2 = p.f2.output;
            double[] nngp = new double[(int) size], ntk = new double[(int) size];
            int q = 0;
            for (int i = 0; i < n1; i++)
                for (int j = 0; j < n2; j++)
                    for (int o = 0; o < k; o++) {
                        if (full) {
                            for (int o2 = 0; o2 < k; o2++, q++) {
                                nngp[q] = f1[i + o * n1] * f2[j + o2 * n2];
                                ntk[q] = acc[(i + o * n1) + (j + o2 * n2) * n1 * k];
                            }
                        } else {
                            nngp[q] = f1[i + o * n1] * f2[j + o * n2];
                            ntk[q] = acc[o * n1 * n2 + i + j * n1];
                            q++;
                        }
                    }
            int[] shape = full ? new int[] {n1, n2, k, k} : new int[] {n1, n2, k};
            return new OutputKernels(form, shape, nngp, ntk);
        }
    }

    /**
     * {@code steps} full-batch gradient-descent steps θ ← θ − η·∇L on L = 1/(2N)·‖f(X) − Y‖²,
     * N = n·k; K steps at rate η correspond to time t = K at learning rate η in the predictions
     * (docs/soft-optimization.md §6.1). Returns a new network; this one is unchanged.
     */
    public FiniteNetwork train(Matrix xTrain, Matrix yTrain, int steps, double learningRate) {
        return train(xTrain, yTrain, steps, learningRate, ProgressListener.NONE);
    }

    /** {@link #train(Matrix, Matrix, int, double)}, reporting each finished step to {@code progress}. */
    public FiniteNetwork train(
            Matrix xTrain, Matrix yTrain, int steps, double learningRate, ProgressListener progress) {
        double[] y = targets(xTrain, yTrain);
        double[] x = input("xTrain", xTrain);
        if (steps < 0) throw new InvalidInputException("steps", "must be >= 0, got " + steps);
        if (!Double.isFinite(learningRate) || learningRate <= 0)
            throw new InvalidInputException("learningRate", "must be finite and > 0, got " + learningRate);
        int n = xTrain.rows();
        requireArray("training", (long) n * maxWidth());
        requireMemory("training", 8L * n * totalWidth() * 3 + 8 * parameterCount());
        requireNative("training", 16L * n * maxWidth());
        List<Step> trained = GradientDescent.run(
                this.steps,
                x,
                n,
                inputDim,
                y,
                outputDim(),
                steps,
                learningRate,
                progress == null ? ProgressListener.NONE : progress);
        FiniteNetwork out = new FiniteNetwork(architecture, inputDim, trained);
        for (Step s : trained)
            if (s instanceof Step.DenseStep d)
                for (double v : d.w())
                    if (!Double.isFinite(v))
                        throw new InvalidInputException(
                                "learningRate",
                                "training diverged (non-finite weights after " + steps + " steps at rate "
                                        + learningRate + "); use a smaller learning rate");
        return out;
    }

    /**
     * The mirrored network: readout weights and bias negated, so f → −f while the empirical NTK is
     * unchanged (bit for bit). Requires a linear readout (the last non-Identity layer is Dense).
     */
    public FiniteNetwork negateReadout() {
        int last = -1;
        for (int s = steps.size() - 1; s >= 0; s--) {
            Step st = steps.get(s);
            if (st instanceof Step.DenseStep) {
                last = s;
                break;
            }
            if (!((Step.ActivationStep) st).activation().isIdentity())
                throw new InvalidInputException(
                        "network",
                        "negateReadout needs a linear readout, but the network ends in "
                                + ((Step.ActivationStep) st).activation().describe());
        }
        Step.DenseStep d = (Step.DenseStep) steps.get(last);
        double[] w = d.w().clone(), b = d.b() == null ? null : d.b().clone();
        for (int q = 0; q < w.length; q++) w[q] = -w[q];
        if (b != null) for (int q = 0; q < b.length; q++) b[q] = -b[q];
        List<Step> copy = new ArrayList<>(steps);
        copy.set(last, new Step.DenseStep(d.nIn(), d.nOut(), d.wMul(), d.bMul(), w, b));
        return new FiniteNetwork(architecture, inputDim, copy);
    }

    @Override
    public String toString() {
        return "FiniteNetwork[d=" + inputDim + ", " + architecture.describe() + ", " + architecture.parameterization()
                + "]";
    }

    // ---------------------------------------------------------------- helpers

    private record Pair(Forward f1, Forward f2, NativeWeights weights) {}

    private Pair forwardPair(Matrix x1, Matrix x2, boolean keep) {
        double[] a1 = input("x1", x1);
        double[] a2 = x2 == null ? null : input("x2", x2);
        long rows = x1.rows() + (x2 == null ? 0 : x2.rows());
        requireArray(
                "the empirical kernels",
                Math.max(rows * maxWidth(), (long) x1.rows() * (x2 == null ? x1.rows() : x2.rows())));
        requireMemory(
                "the empirical kernels",
                8L * rows * (keep ? totalWidth() + 2L * maxWidth() : maxWidth() * 3L)
                        + 8L * x1.rows() * (x2 == null ? x1.rows() : x2.rows()) * 4);
        // Native δ copies: one output block at a time (a GEMM's input and result, x1 and x2).
        requireNative("the empirical kernels", 3 * Math.min(8L * rows * outputDim() * maxWidth(), BLOCK_BYTES));
        NativeWeights w = new NativeWeights(steps);
        try {
            Forward f1 = Forward.run(steps, w, a1, x1.rows(), inputDim, keep);
            Forward f2 = a2 == null ? f1 : Forward.run(steps, w, a2, x2.rows(), inputDim, keep);
            return new Pair(f1, f2, w);
        } catch (RuntimeException | Error e) {
            w.close();
            throw e;
        }
    }

    /** scale·F1·F2ᵀ for n×k column-major outputs. */
    private static double[] outputGram(double[] f1, double[] f2, int n1, int n2, int k, double scale) {
        double[] g = new double[n1 * n2];
        for (int o = 0; o < k; o++)
            for (int j = 0; j < n2; j++) {
                double v = f2[j + o * n2];
                int off = j * n1, fo = o * n1;
                for (int i = 0; i < n1; i++) g[off + i] += f1[fo + i] * v;
            }
        if (scale != 1.0) for (int q = 0; q < g.length; q++) g[q] *= scale;
        return g;
    }

    private int outputBlock(long rows) {
        long perOutput = Math.max(1, rows * maxWidth() * 8L);
        return (int) Math.max(1, Math.min(outputDim(), BLOCK_BYTES / perOutput));
    }

    private long maxWidth() {
        long m = inputDim;
        for (Step s : steps) m = Math.max(m, s.outWidth());
        return m;
    }

    private long totalWidth() {
        long t = inputDim;
        for (Step s : steps) t += s.outWidth();
        return t;
    }

    private double[] input(String name, Matrix x) {
        if (x == null) throw new InvalidInputException(name, "is null");
        if (x.rows() < 1) throw new InvalidInputException(name, "has no rows; give at least one input point");
        if (x.cols() != inputDim)
            throw new InvalidInputException(
                    name, "has " + x.cols() + " columns but the network's input dimension is " + inputDim);
        Finite.requireInput(x, name);
        return x.as(DType.FLOAT64).toColumnMajor();
    }

    private double[] targets(Matrix x, Matrix y) {
        if (y == null) throw new InvalidInputException("yTrain", "is null");
        if (x == null) throw new InvalidInputException("xTrain", "is null");
        if (y.rows() != x.rows())
            throw new InvalidInputException("yTrain", "has " + y.rows() + " rows but xTrain has " + x.rows());
        if (y.cols() != outputDim())
            throw new InvalidInputException(
                    "yTrain", "has " + y.cols() + " columns but the network has " + outputDim() + " outputs");
        Finite.requireInput(y, "yTrain");
        return y.as(DType.FLOAT64).toColumnMajor();
    }

    /** Java arrays hold at most 2^31 − 9 entries; larger intermediate matrices are refused up front. */
    private static void requireArray(String what, long elements) {
        if (elements > Integer.MAX_VALUE - 8)
            throw new InsufficientMemoryException(
                    what + " (an intermediate matrix of " + elements
                            + " entries exceeds the 2^31 entries a Java array holds; use fewer points per call)",
                    8 * elements,
                    8L * (Integer.MAX_VALUE - 8));
    }

    /** Heap check (JVM arrays) before a computation; native copies of the weights are checked too. */
    private static void requireMemory(String what, long bytes) {
        MemoryGuard.requireHeap(what, bytes < 0 ? Long.MAX_VALUE : bytes);
    }

    private void requireNative(String what, long extraBytes) {
        MemoryGuard.requireOffHeap(what, 8 * parameterCount() + Math.max(0, extraBytes));
    }
}
