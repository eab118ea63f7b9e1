package org.ntk4j.nd4j;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.arch.Architecture;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.KernelOptions;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.kernel.NativeKernels;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.Matrix;

/**
 * The infinite-width kernels of an architecture as ND4J arrays: the same numbers as
 * {@link KernelFunction#compute}, bit for bit.
 *
 * <pre>{@code
 * Nd4jKernels k = Nd4jKernels.compute(ArchParser.parse("Dense(512)->Relu->Dense(1)"), xTrain, xTest, null);
 * INDArray ntk = k.ntk(); // xTrain.rows() x xTest.rows(), DOUBLE, 'f' order
 * }</pre>
 *
 * @param nngp the NNGP K(x1, x2), n1×n2, or null when it was not kept
 * @param ntk  the NTK Θ(x1, x2), n1×n2, or null when not computed
 * @param cov1 the NNGP variances K(x, x) of the rows of x1 (rank 1, length n1)
 * @param cov2 the variances of the rows of x2, or null when x2 was not given
 */
public record Nd4jKernels(INDArray nngp, INDArray ntk, INDArray cov1, INDArray cov2) {
    public Nd4jKernels {
        if (nngp == null && ntk == null) throw new IllegalArgumentException("nd4j kernels: neither nngp nor ntk");
        if (cov1 == null) throw new IllegalArgumentException("nd4j kernels: cov1 is null");
    }

    /**
     * The kernels of {@code arch} on {@code x1} and {@code x2} (null: x2 = x1, the exactly symmetric
     * K(x1, x1)). The inputs are copied to the heap once ({@link Nd4jArrays#toMatrix}, n×d each); in
     * float64 (the default) the n1×n2 kernels are computed off-heap and handed to the returned arrays
     * without a copy ({@link Nd4jArrays#of(org.ntk4j.linalg.NativeMatrix)}); with
     * {@code options.dtype() == FLOAT32} they are computed on the heap and copied once into FLOAT arrays.
     *
     * @param options kernel options (null: defaults, NNGP and NTK on the automatic device)
     * @throws org.ntk4j.error.InvalidInputException naming x1 or x2 for arrays that are not real
     *     matrices, and everything {@link KernelFunction#compute} throws (NaN or infinite entries,
     *     mismatched columns, a kernel that overflows)
     */
    public static Nd4jKernels compute(Architecture arch, INDArray x1, INDArray x2, KernelOptions options) {
        KernelOptions o = options == null ? KernelOptions.defaults() : options;
        Matrix m1 = Nd4jArrays.toMatrix(x1, "x1");
        Matrix m2 = x2 == null ? null : Nd4jArrays.toMatrix(x2, "x2");
        KernelFunction f = KernelFunction.of(arch);
        if (o.dtype() == DType.FLOAT32) return of(f.compute(m1, m2, o));
        try (NativeKernels k = f.computeOffHeap(m1, m2, o, true)) {
            return of(k); // moves the matrices out: closing k then frees nothing
        }
    }

    /**
     * Hands off-heap kernels over to ND4J arrays without copying ({@link Nd4jArrays#of(org.ntk4j.linalg.NativeMatrix)}):
     * afterwards {@code kernels} holds nothing, and closing it does nothing.
     */
    public static Nd4jKernels of(NativeKernels kernels) {
        INDArray nngp = kernels.nngp() == null ? null : Nd4jArrays.of(kernels.nngp());
        INDArray ntk = kernels.ntk() == null ? null : Nd4jArrays.of(kernels.ntk());
        return new Nd4jKernels(nngp, ntk, Nd4jArrays.of(kernels.cov1()), Nd4jArrays.of(kernels.cov2()));
    }

    /** Heap kernels copied into new ND4J arrays (DOUBLE, or FLOAT for float32 kernels). */
    public static Nd4jKernels of(Kernels kernels) {
        return new Nd4jKernels(
                Nd4jArrays.of(kernels.nngp()),
                kernels.ntk() == null ? null : Nd4jArrays.of(kernels.ntk()),
                Nd4jArrays.of(kernels.cov1()),
                Nd4jArrays.of(kernels.cov2()));
    }
}
