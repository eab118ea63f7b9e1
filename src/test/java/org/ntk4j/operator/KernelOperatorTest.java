package org.ntk4j.operator;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.text.ArchParser;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.KernelKind;
import org.ntk4j.kernel.KernelOptions;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.kernel.NativeKernels;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.linalg.NativeMatrix;

/**
 * The two CPU operators give the kernels {@link KernelFunction} computes — off the diagonal bit for
 * bit; on it a streamed operator evaluates x_i against a copy of itself, whose Gram dot product need
 * not give a correlation of exactly 1, so it may differ from the symmetric computation's exact
 * diagonal by ~1e-8 relative (the arc-cosine maps' √(1 − ρ²) near ρ = 1) — and their products equal a
 * product computed here with plain loops from the operator's own columns (to round-off).
 */
class KernelOperatorTest {
    private static final Architecture ARCH =
            ArchParser.parse("Dense(64,W_std=1.4,b_std=0.1)->Erf->Dense(64,W_std=1.4,b_std=0.1)->Relu->Dense(1)");
    private Matrix x, z;
    private Kernels dense;
    private KernelOperator streamedCached, streamed, denseOp;

    static Matrix gaussian(int n, int d, long seed) {
        Random r = new Random(seed);
        double[][] a = new double[n][d];
        for (double[] row : a) for (int j = 0; j < d; j++) row[j] = r.nextGaussian();
        return Matrix.of(a);
    }

    @BeforeEach
    void build() {
        x = gaussian(37, 5, 1);
        z = gaussian(9, 5, 2);
        dense = KernelFunction.of(ARCH).compute(x, null, KernelOptions.defaults());
        streamed = StreamedKernelOperator.of(ARCH, x, KernelOptions.defaults(), true, 0);
        streamedCached = StreamedKernelOperator.of(ARCH, x, KernelOptions.defaults(), true, Long.MAX_VALUE);
        denseOp = DenseKernelOperator.compute(ARCH, x, KernelOptions.defaults(), true, true);
    }

    @AfterEach
    void free() {
        streamed.close();
        streamedCached.close();
        denseOp.close();
        denseOp.close(); // idempotent
    }

    private KernelOperator[] all() {
        return new KernelOperator[] {streamed, streamedCached, denseOp};
    }

    private Matrix of(KernelKind kind) {
        return kind == KernelKind.NTK ? dense.ntk() : dense.nngp();
    }

    private static int[] all(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        return a;
    }

    @Test
    void diagonalsAndColumnsAreTheDenseKernelsEntries() {
        int[] cols = all(x.rows());
        for (KernelOperator op : all())
            for (KernelKind kind : KernelKind.values()) {
                assertTrue(op.has(kind));
                double[] d = op.diagonal(kind);
                for (int i = 0; i < x.rows(); i++) assertEquals(of(kind).get(i, i), d[i], 0.0, op + " " + kind);
                try (NativeMatrix c = op.columns(kind, cols)) {
                    for (int q = 0; q < cols.length; q++)
                        for (int i = 0; i < x.rows(); i++)
                            assertEquals(
                                    of(kind).get(i, cols[q]),
                                    c.get(i, q),
                                    i == q ? 1e-8 * Math.abs(c.get(i, q)) : 0.0,
                                    op + " " + kind);
                }
            }
    }

    @Test
    void productsEqualALoopProduct() {
        Matrix v = gaussian(x.rows(), 3, 3);
        for (int pass = 0; pass < 2; pass++) // the cached operator's second pass reads its cache
        for (KernelOperator op : all())
                for (KernelKind kind : KernelKind.values())
                    try (NativeMatrix vm = NativeMatrix.copyOf(v, "v");
                            NativeMatrix mv = op.times(kind, vm);
                            NativeMatrix m = op.columns(kind, all(x.rows()))) {
                        for (int i = 0; i < x.rows(); i++)
                            for (int j = 0; j < 3; j++) {
                                double s = 0, scale = 0;
                                for (int l = 0; l < x.rows(); l++) {
                                    s += m.get(i, l) * v.get(l, j);
                                    scale += Math.abs(m.get(i, l) * v.get(l, j));
                                }
                                assertEquals(
                                        s,
                                        mv.get(i, j),
                                        1e-13 * scale,
                                        op.getClass().getSimpleName() + " " + kind + " pass " + pass + " (" + i + ","
                                                + j + ")");
                            }
                    }
        assertEquals(1, streamedCached.passes(), "the second pass was served from the cache");
        assertEquals(4, streamed.passes(), "one per product");
    }

    @Test
    void testSideKernelsAreTheKernelFunctions() {
        Kernels ref = KernelFunction.of(ARCH).compute(x, z, KernelOptions.defaults());
        Kernels zz = KernelFunction.of(ARCH).compute(z, null, KernelOptions.defaults());
        int[] cols = {3, 1, 30};
        for (KernelOperator op : all()) {
            try (NativeKernels a = op.against(z)) {
                for (int i = 0; i < x.rows(); i++)
                    for (int j = 0; j < z.rows(); j++) {
                        assertEquals(ref.nngp().get(i, j), a.nngp().get(i, j), 0.0);
                        assertEquals(ref.ntk().get(i, j), a.ntk().get(i, j), 0.0);
                    }
                assertArrayEquals(ref.cov1(), a.cov1(), 0.0);
                assertArrayEquals(ref.cov2(), a.cov2(), 0.0);
            }
            Kernels among = op.among(z, true);
            assertEquals(zz.ntk().get(2, 7), among.ntk().get(2, 7), 0.0);
            assertArrayEquals(zz.cov1(), op.priorVariances(z, KernelKind.NNGP), 0.0);
            double[] pt = op.priorVariances(z, KernelKind.NTK);
            for (int i = 0; i < z.rows(); i++) assertEquals(zz.ntk().get(i, i), pt[i], 0.0);
            Kernels at = op.at(z, cols);
            Kernels blk = op.block(4, 11, cols);
            for (int q = 0; q < cols.length; q++) {
                for (int i = 0; i < z.rows(); i++)
                    assertEquals(
                            ref.ntk().get(cols[q], i),
                            at.ntk().get(i, q),
                            1e-15 * Math.abs(at.ntk().get(i, q)));
                for (int i = 4; i < 11; i++)
                    assertEquals(
                            dense.nngp().get(i, cols[q]),
                            blk.nngp().get(i - 4, q),
                            1e-15 * Math.abs(blk.nngp().get(i - 4, q)));
            }
        }
    }

    @Test
    void theRegularizedKernelAddsLambdaTimesTheVector() {
        RegularizedKernel a = new RegularizedKernel(denseOp, KernelKind.NTK, 0.25);
        double[] v = new double[x.rows() * 2];
        v[3] = 1; // column 0 = e_3
        v[x.rows() + 5] = 2; // column 1 = 2 e_5
        double[] av = a.apply(v, 2);
        for (int i = 0; i < x.rows(); i++) {
            assertEquals(dense.ntk().get(i, 3) + (i == 3 ? 0.25 : 0), av[i], 1e-15);
            assertEquals(2 * dense.ntk().get(i, 5) + (i == 5 ? 0.5 : 0), av[x.rows() + i], 1e-15);
        }
        assertThrows(IllegalArgumentException.class, () -> new RegularizedKernel(denseOp, KernelKind.NTK, -1));
    }

    @Test
    void takingAKernelHandsItOverAndKeepingCopies() {
        try (DenseKernelOperator op = DenseKernelOperator.compute(ARCH, x, KernelOptions.defaults(), true, true)) {
            NativeMatrix kept = op.take(KernelKind.NNGP, true, "copy");
            assertTrue(op.has(KernelKind.NNGP));
            kept.close();
            NativeMatrix taken = op.take(KernelKind.NTK, false, "handed over");
            assertFalse(op.has(KernelKind.NTK));
            assertEquals(dense.ntk().get(1, 2), taken.get(1, 2), 0.0);
            taken.close();
            assertThrows(IllegalStateException.class, () -> op.diagonal(KernelKind.NTK));
        }
        try (DenseKernelOperator wrapped = DenseKernelOperator.wrap(dense)) {
            NativeMatrix copy = wrapped.take(KernelKind.NTK, false, "copy of a heap kernel");
            copy.addToDiagonal(1.0); // the caller's matrix is never modified
            assertEquals(dense.ntk().get(0, 0) + 1.0, copy.get(0, 0), 0.0);
            assertTrue(wrapped.has(KernelKind.NTK));
            copy.close();
            assertThrows(
                    IllegalStateException.class, () -> wrapped.against(z), "precomputed kernels have no architecture");
        }
    }
}
