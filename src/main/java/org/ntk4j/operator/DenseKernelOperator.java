package org.ntk4j.operator;

import java.util.EnumMap;
import org.ntk4j.arch.Architecture;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.KernelKind;
import org.ntk4j.kernel.KernelOptions;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.kernel.NativeKernels;
import org.ntk4j.linalg.Blas;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.linalg.NativeMatrix;
import org.ntk4j.linalg.Rows;

/**
 * The n×n training kernels held densely: computed off-heap by {@link #compute} (each kernel exists
 * once, and the exact solver factors it in place: {@link #take}), or the caller's heap matrices
 * ({@link #wrap}, never modified: what is taken or used natively is a copy).
 *
 * <p>Built by {@link #compute}, the operator knows its architecture and gives the test side
 * ({@link #against}, {@link #among}, {@link #priorVariances}); wrapped precomputed kernels do not, and
 * those calls are an {@link IllegalStateException}.
 */
public final class DenseKernelOperator implements KernelOperator {
    private final EnumMap<KernelKind, NativeMatrix> offHeap = new EnumMap<>(KernelKind.class);
    private final EnumMap<KernelKind, Matrix> heap = new EnumMap<>(KernelKind.class);
    private final double[] trainVariances;
    private final int n;
    private final KernelFunction kf; // null for wrapped precomputed kernels
    private final Matrix x;
    private final KernelOptions options;

    private DenseKernelOperator(int n, double[] trainVariances, KernelFunction kf, Matrix x, KernelOptions options) {
        this.n = n;
        this.trainVariances = trainVariances;
        this.kf = kf;
        this.x = x;
        this.options = options;
    }

    /**
     * The kernels of {@code arch} on {@code xTrain}, computed off-heap on the device the options name.
     *
     * @param ntk      whether to compute the NTK
     * @param keepNngp whether to keep the NNGP (false: the NTK only, which then must be computed)
     */
    public static DenseKernelOperator compute(
            Architecture arch, Matrix xTrain, KernelOptions options, boolean ntk, boolean keepNngp) {
        if (arch == null) throw new InvalidInputException("arch", "is required");
        KernelFunction kf = KernelFunction.of(arch);
        KernelOptions o = (options == null ? KernelOptions.defaults() : options).withComputeNtk(ntk);
        NativeKernels k = kf.computeOffHeap(xTrain, null, o, keepNngp);
        DenseKernelOperator op = new DenseKernelOperator(xTrain.rows(), k.cov1(), kf, xTrain, o);
        // explicit hand-over: k's handles are left empty, so nothing is freed twice
        if (k.nngp() != null) op.offHeap.put(KernelKind.NNGP, k.nngp().takeOwnership());
        if (k.ntk() != null) op.offHeap.put(KernelKind.NTK, k.ntk().takeOwnership());
        return op;
    }

    /**
     * The operator of {@link #compute} as it stands after its kernels were handed over to be factored
     * (e.g. restored from a saved model): the architecture, training inputs and kernel options give the
     * test side ({@link #pointsAgainst}, {@link #among}) exactly as {@link #compute}'s operator would,
     * and {@code nngp} (taken over; null when the posterior does not need it) is the unfactored NNGP
     * train-train kernel of {@code xTrain}.
     */
    public static DenseKernelOperator restore(
            Architecture arch, Matrix xTrain, KernelOptions options, NativeMatrix nngp) {
        if (arch == null) throw new InvalidInputException("arch", "is required");
        KernelOptions o = options == null ? KernelOptions.defaults() : options;
        double[] variances = nngp == null ? null : nngp.diagonal();
        DenseKernelOperator op = new DenseKernelOperator(xTrain.rows(), variances, KernelFunction.of(arch), xTrain, o);
        if (nngp != null) op.offHeap.put(KernelKind.NNGP, nngp.takeOwnership());
        return op;
    }

    /** Precomputed off-heap kernels (x2 = x1), taken over: closed with this operator. */
    public static DenseKernelOperator of(NativeKernels trainTrain) {
        NativeMatrix any = trainTrain.nngp() != null ? trainTrain.nngp() : trainTrain.ntk();
        DenseKernelOperator op = new DenseKernelOperator(any.rows(), trainTrain.cov1(), null, null, null);
        if (trainTrain.nngp() != null)
            op.offHeap.put(KernelKind.NNGP, trainTrain.nngp().takeOwnership());
        if (trainTrain.ntk() != null)
            op.offHeap.put(KernelKind.NTK, trainTrain.ntk().takeOwnership());
        return op;
    }

    /** The caller's heap kernels (x2 = x1; the NTK may be null), used as they are and never modified. */
    public static DenseKernelOperator wrap(Kernels trainTrain) {
        DenseKernelOperator op = new DenseKernelOperator(trainTrain.nngp().rows(), trainTrain.cov1(), null, null, null);
        op.heap.put(KernelKind.NNGP, trainTrain.nngp());
        if (trainTrain.ntk() != null) op.heap.put(KernelKind.NTK, trainTrain.ntk());
        return op;
    }

    @Override
    public int size() {
        return n;
    }

    @Override
    public boolean has(KernelKind kind) {
        return offHeap.containsKey(kind) || heap.containsKey(kind);
    }

    /**
     * The matrix of {@code kind} off-heap, borrowed (this operator still owns it): a wrapped heap kernel
     * is copied once.
     */
    public NativeMatrix matrix(KernelKind kind) {
        NativeMatrix m = offHeap.get(kind);
        if (m != null) return m;
        Matrix h = heap.get(kind);
        if (h == null) throw missing(kind);
        m = NativeMatrix.copyOf(h, kind.label() + " train-train kernel");
        offHeap.put(kind, m);
        return m;
    }

    /**
     * The matrix of {@code kind} handed over to the caller, e.g. to be factored in place: afterwards
     * this operator no longer holds it, unless {@code keep} asks for a copy (or it wraps a heap kernel,
     * which stays).
     */
    public NativeMatrix take(KernelKind kind, boolean keep, String what) {
        Matrix h = heap.get(kind);
        if (h != null) return NativeMatrix.copyOf(h, what);
        NativeMatrix m = offHeap.get(kind);
        if (m == null) throw missing(kind);
        if (keep) return m.copy(what);
        offHeap.remove(kind);
        return m;
    }

    /** Whether {@link #take} with these arguments allocates a new n×n matrix (a copy) rather than handing over storage. */
    public boolean takeAllocates(KernelKind kind, boolean keep) {
        return heap.containsKey(kind) || keep || !offHeap.containsKey(kind);
    }

    /** Whether {@link #matrix} of {@code kind} allocates (a wrapped heap kernel not yet copied off-heap). */
    public boolean matrixAllocates(KernelKind kind) {
        return !offHeap.containsKey(kind);
    }

    /** A view of the matrix for reading an entry, without copying a wrapped heap kernel. */
    private double entry(KernelKind kind, int i, int j) {
        Matrix h = heap.get(kind);
        if (h != null) return h.get(i, j);
        NativeMatrix m = offHeap.get(kind);
        if (m == null) throw missing(kind);
        return m.get(i, j);
    }

    @Override
    public double[] diagonal(KernelKind kind) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = entry(kind, i, i);
        return d;
    }

    @Override
    public NativeMatrix times(KernelKind kind, NativeMatrix v) {
        return Blas.multiply(false, matrix(kind), false, v, kind.label() + " V");
    }

    @Override
    public NativeMatrix columns(KernelKind kind, int[] idx) {
        NativeMatrix c = NativeMatrix.allocate(n, idx.length, "kernel columns");
        for (int q = 0; q < idx.length; q++) for (int i = 0; i < n; i++) c.set(i, q, entry(kind, i, idx[q]));
        return c;
    }

    @Override
    public Kernels block(int r0, int r1, int[] cols) {
        if (!has(KernelKind.NNGP)) throw missing(KernelKind.NNGP);
        int b = r1 - r0;
        double[] k = new double[b * cols.length];
        double[] t = has(KernelKind.NTK) ? new double[b * cols.length] : null;
        double[] v1 = new double[b], v2 = new double[cols.length];
        for (int q = 0; q < cols.length; q++) {
            v2[q] = trainVariances[cols[q]];
            for (int i = 0; i < b; i++) {
                k[q * b + i] = entry(KernelKind.NNGP, r0 + i, cols[q]);
                if (t != null) t[q * b + i] = entry(KernelKind.NTK, r0 + i, cols[q]);
            }
        }
        System.arraycopy(trainVariances, r0, v1, 0, b);
        return new Kernels(
                Matrix.wrapColumnMajor(b, cols.length, k),
                t == null ? null : Matrix.wrapColumnMajor(b, cols.length, t),
                v1,
                v2);
    }

    /** Computed from the inputs (the stored kernels hold the training points only). */
    @Override
    public Kernels block(int r0, int r1, Matrix points) {
        return architecture().compute(Rows.select(x.toColumnMajor(), n, x.cols(), r0, r1), points, options);
    }

    @Override
    public Kernels at(Matrix points, Matrix others) {
        return architecture().compute(points, others, options);
    }

    @Override
    public Kernels at(Matrix points, int[] cols) {
        return architecture().compute(points, Rows.select(x.toColumnMajor(), n, x.cols(), cols), options);
    }

    @Override
    public NativeKernels against(Matrix points) {
        return architecture().computeOffHeap(x, points, options, true);
    }

    @Override
    public Kernels among(Matrix points, boolean ntk) {
        return among(points, ntk, options);
    }

    /** As {@link #among(Matrix, boolean)}, with other kernel options (e.g. a progress stage of its own). */
    public Kernels among(Matrix points, boolean ntk, KernelOptions with) {
        return architecture().compute(points, null, with.withComputeNtk(ntk));
    }

    /**
     * The kernels of {@code points} against the training points, m×n (the transpose of
     * {@link #against}'s layout: the one the exact solver's triangular solves want), off-heap, computed
     * with {@code with} (e.g. a progress stage of its own); the NNGP only when {@code keepNngp}.
     */
    public NativeKernels pointsAgainst(Matrix points, KernelOptions with, boolean keepNngp) {
        return architecture().computeOffHeap(points, x, with, keepNngp);
    }

    @Override
    public double[] priorVariances(Matrix points, KernelKind kind) {
        return StreamedKernelOperator.priorVariancesOf(architecture(), options, points, kind);
    }

    private KernelFunction architecture() {
        if (kf == null)
            throw new IllegalStateException("these kernels were precomputed: the test-side kernels must be given too");
        return kf;
    }

    private IllegalStateException missing(KernelKind kind) {
        return new IllegalStateException("the dense operator does not hold the " + kind.label() + " train-train kernel"
                + " (not computed, or handed over to be factored)");
    }

    /** Frees the off-heap matrices still held; idempotent. */
    @Override
    public void close() {
        try {
            for (NativeMatrix m : offHeap.values()) m.close();
        } finally {
            offHeap.clear();
            heap.clear();
        }
    }
}
