package org.ntk4j.kernel;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.openblas.global.openblas;
import org.junit.jupiter.api.Test;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.Dense;
import org.ntk4j.arch.activation.*;
import org.ntk4j.arch.text.ArchParser;
import org.ntk4j.error.InsufficientMemoryException;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.Matrix;

/** Structural properties of {@link KernelFunction}: symmetry, PSD, tiling, threads, errors, progress. */
class KernelPropertiesTest {
    static Matrix random(long seed, int n, int d) {
        Random r = new Random(seed);
        double[][] a = new double[n][d];
        for (double[] row : a) for (int j = 0; j < d; j++) row[j] = r.nextGaussian();
        return Matrix.of(a);
    }

    static Matrix scaled(Matrix m, double s) {
        double[] a = m.toColumnMajor();
        for (int i = 0; i < a.length; i++) a[i] *= s;
        return Matrix.wrapColumnMajor(m.rows(), m.cols(), a);
    }

    static final List<String> ARCHS = List.of(
            "Dense(512,W_std=1.5,b_std=0.1)->Relu->Dense(512,W_std=1.5,b_std=0.1)->Relu->Dense(512,W_std=1.5,b_std=0.1)->Relu->Dense(1,W_std=1.5,b_std=0.1)",
            "Dense(64,W_std=1.2,b_std=0.3)->Erf(1.7,0.6,-0.2)->Dense(32,W_std=1.6)->Gelu->Dense(1)",
            "Dense(8,W_std=1.1,b_std=0.2)->Abs->Dense(8)->Sin(1.1,0.8,0.3)->Dense(8,W_std=0.7,b_std=0.1)->Rbf(0.7)->Dense(1)",
            "Dense(8,W_std=0.9,b_std=0.2)->LeakyRelu(0.2)->Dense(8)->Gaussian(1.2,-0.7)->Dense(2,W_std=1.3)");

    /** Smallest eigenvalue of a symmetric matrix by LAPACKE_dsyevd. */
    static double[] eigenvalues(Matrix m) {
        int n = m.rows();
        double[] a = m.toColumnMajor(), w = new double[n];
        assertEquals(0, openblas.LAPACKE_dsyevd(openblas.LAPACK_COL_MAJOR, (byte) 'N', (byte) 'U', n, a, n, w));
        return w;
    }

    @Test
    void kernelOfXWithItselfIsSymmetricAndPsd() {
        Matrix x = random(1, 120, 20);
        for (String text : ARCHS) {
            for (var p : org.ntk4j.arch.Parameterization.values()) {
                Kernels k = KernelFunction.of(ArchParser.parse(text, p)).compute(x, null);
                for (Matrix m : new Matrix[] {k.nngp(), k.ntk()}) {
                    for (int i = 0; i < m.rows(); i++)
                        for (int j = 0; j < i; j++) assertEquals(m.get(j, i), m.get(i, j), 0.0, text);
                    double[] w = eigenvalues(m);
                    double max = w[w.length - 1];
                    assertTrue(w[0] >= -1e-10 * max, text + ": smallest eigenvalue " + w[0] + " (max " + max + ")");
                }
                assertNull(k.cov2());
                for (int i = 0; i < x.rows(); i++)
                    assertEquals(k.cov1()[i], k.nngp().get(i, i), 0.0);
            }
        }
    }

    @Test
    void tilingAndThreadsDoNotChangeOneBit() {
        Matrix x1 = random(2, 150, 13), x2 = random(3, 97, 13);
        List<String> archs = new java.util.ArrayList<>(ARCHS);
        archs.add("Dense(4,W_std=1.2,b_std=0.1)->Numerical(fn=tanh,deg=8)->Dense(1)"); // full-matrix path for x2 = x1
        for (String text : archs) {
            KernelFunction f = KernelFunction.of(ArchParser.parse(text));
            for (Matrix b : new Matrix[] {null, x2}) {
                for (DType t : DType.values()) {
                    KernelOptions base = KernelOptions.defaults().withDtype(t);
                    Kernels untiled =
                            f.compute(x1, b, base.withTileSize(100_000).withThreads(1));
                    for (int tile : new int[] {1, 7, 64}) {
                        for (int threads : new int[] {1, 3}) {
                            Kernels k = f.compute(x1, b, base.withTileSize(tile).withThreads(threads));
                            String what = text + " tile " + tile + " threads " + threads + " " + t
                                    + (b == null ? " x2=null" : "");
                            assertEquals(untiled.nngp(), k.nngp(), what);
                            assertEquals(untiled.ntk(), k.ntk(), what);
                            assertArrayEquals(untiled.cov1(), k.cov1(), what);
                        }
                    }
                }
            }
        }
    }

    @Test
    void severalGramPanelsAgreeWithOne() {
        Matrix x1 = random(14, 300, 20), x2 = random(15, 170, 20);
        KernelFunction f = KernelFunction.of(ArchParser.parse(ARCHS.get(0)));
        for (Matrix b : new Matrix[] {null, x2}) {
            Kernels one = f.compute(x1, b);
            long saved = GramPanels.panelBytes;
            try {
                GramPanels.panelBytes = 8L * 300 * 70; // 70..116-row panels (at least MIN_PANEL_ROWS = 64)
                assertTrue(GramPanels.panelRows(300, b == null ? 300 : 170) < 300);
                Kernels many = f.compute(x1, b),
                        manyTiled =
                                f.compute(
                                        x1,
                                        b,
                                        KernelOptions.defaults().withTileSize(9).withThreads(3));
                assertEquals(many.nngp(), manyTiled.nngp());
                assertEquals(many.ntk(), manyTiled.ntk());
                // BLAS may round differently per block (syrk vs gemm): rounding-level agreement.
                assertTrue(NtVectorsKernelTest.relError(
                                "ntk", many.ntk().toColumnMajor(), one.ntk().toColumnMajor())
                        <= 1e-13);
                assertTrue(NtVectorsKernelTest.relError(
                                "nngp", many.nngp().toColumnMajor(), one.nngp().toColumnMajor())
                        <= 1e-13);
            } finally {
                GramPanels.panelBytes = saved;
            }
        }
    }

    @Test
    void nullX2AgreesWithX2EqualToX1() {
        Matrix x = random(4, 50, 30);
        for (String text : ARCHS) {
            KernelFunction f = KernelFunction.of(ArchParser.parse(text));
            Kernels a = f.compute(x, null), b = f.compute(x, x);
            double[] ea = a.ntk().toColumnMajor(), eb = b.ntk().toColumnMajor();
            double max = 0, diff = 0;
            for (int i = 0; i < ea.length; i++) {
                max = Math.max(max, Math.abs(eb[i]));
                diff = Math.max(diff, Math.abs(ea[i] - eb[i]));
            }
            // Different BLAS routines (syrk vs gemm) and the exact diagonal: rounding-level, amplified near ρ = 1.
            assertTrue(diff <= 1e-7 * max, text + ": " + diff / max);
            assertArrayEquals(a.cov1(), b.cov2(), 0.0);
        }
    }

    @Test
    void closedFormsMatchGaussHermiteInWholeNetworks() {
        // Moderate variances (q ≲ 1): Gauss–Hermite converges fast there (Gabor needs ~150 nodes at q = 3; here q ≲
        // 0.6).
        Matrix x1 = scaled(random(5, 10, 6), 0.5), x2 = scaled(random(6, 7, 6), 0.5);
        List<org.ntk4j.arch.Activation> smooth = List.of(
                new Erf(1.3, 0.7, 0.2),
                new Gelu(),
                new Sin(1.1, 0.8, 0.3),
                new Exp(0.8, 0.4),
                new Gabor(),
                new SigmoidLike(),
                new Cos(0.9, 1.2, -0.4),
                new Gaussian(1.2, -0.7));
        for (var act : smooth) {
            var gh = new Numerical("gh", act::apply, act::derivative, 80);
            Architecture closed =
                    Architecture.of(Dense.of(10, 1.2, 0.2), act, Dense.of(10, 1.1, 0.1), act, Dense.of(1, 1.0, 0.0));
            Architecture quad =
                    Architecture.of(Dense.of(10, 1.2, 0.2), gh, Dense.of(10, 1.1, 0.1), gh, Dense.of(1, 1.0, 0.0));
            Kernels a = KernelFunction.of(closed).compute(x1, x2),
                    b = KernelFunction.of(quad).compute(x1, x2);
            assertTrue(
                    NtVectorsKernelTest.relError(
                                    "nngp", a.nngp().toColumnMajor(), b.nngp().toColumnMajor())
                            <= 1e-9,
                    () -> act.describe() + " "
                            + NtVectorsKernelTest.relError(
                                    "nngp", a.nngp().toColumnMajor(), b.nngp().toColumnMajor()) + " "
                            + NtVectorsKernelTest.relError(
                                    "ntk", a.ntk().toColumnMajor(), b.ntk().toColumnMajor()) + " "
                            + NtVectorsKernelTest.relError("cov1", a.cov1(), b.cov1()));
            assertTrue(
                    NtVectorsKernelTest.relError(
                                    "ntk", a.ntk().toColumnMajor(), b.ntk().toColumnMajor())
                            <= 1e-9,
                    () -> act.describe() + " "
                            + NtVectorsKernelTest.relError(
                                    "nngp", a.nngp().toColumnMajor(), b.nngp().toColumnMajor()) + " "
                            + NtVectorsKernelTest.relError(
                                    "ntk", a.ntk().toColumnMajor(), b.ntk().toColumnMajor()) + " "
                            + NtVectorsKernelTest.relError("cov1", a.cov1(), b.cov1()));
            assertTrue(
                    NtVectorsKernelTest.relError("cov1", a.cov1(), b.cov1()) <= 1e-9,
                    () -> act.describe() + " "
                            + NtVectorsKernelTest.relError(
                                    "nngp", a.nngp().toColumnMajor(), b.nngp().toColumnMajor()) + " "
                            + NtVectorsKernelTest.relError(
                                    "ntk", a.ntk().toColumnMajor(), b.ntk().toColumnMajor()) + " "
                            + NtVectorsKernelTest.relError("cov1", a.cov1(), b.cov1()));
        }
    }

    @Test
    void nonFiniteInputsNameTheArgumentRowAndColumn() {
        KernelFunction f = KernelFunction.of(ArchParser.parse("Dense(3)->Relu->Dense(1)"));
        double[][] a = random(7, 5, 4).toArray();
        a[2][1] = Double.NaN;
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> f.compute(Matrix.of(a), null));
        assertEquals("x1", e.argument());
        assertTrue(e.getMessage().contains("row 2, column 1"), e.getMessage());
        double[][] b = random(8, 3, 4).toArray();
        b[0][3] = Double.NEGATIVE_INFINITY;
        e = assertThrows(InvalidInputException.class, () -> f.compute(random(9, 5, 4), Matrix.of(b)));
        assertEquals("x2", e.argument());
        assertTrue(e.getMessage().contains("row 0, column 3"), e.getMessage());
    }

    @Test
    void shapeErrors() {
        KernelFunction f = KernelFunction.of(ArchParser.parse("Dense(3)->Relu->Dense(1)"));
        InvalidInputException e =
                assertThrows(InvalidInputException.class, () -> f.compute(random(1, 5, 4), random(2, 3, 5)));
        assertEquals("x2", e.argument());
        assertTrue(e.getMessage().contains("5 columns but x1 has 4"), e.getMessage());
        assertEquals(
                "x1",
                assertThrows(InvalidInputException.class, () -> f.compute(Matrix.of(new double[0][]), null))
                        .argument());
        assertEquals(
                "x2",
                assertThrows(
                                InvalidInputException.class,
                                () -> f.compute(random(1, 5, 4), Matrix.wrapColumnMajor(0, 4, new double[0])))
                        .argument());
        assertEquals(
                "x1",
                assertThrows(InvalidInputException.class, () -> f.compute(null, null))
                        .argument());
        // More entries than one Java array holds.
        Matrix big = Matrix.wrapColumnMajor(50_000, 1, new double[50_000]);
        assertThrows(InvalidInputException.class, () -> f.compute(big, null));
    }

    @Test
    void tooLargeForMemoryFailsBeforeAllocating() {
        KernelFunction f = KernelFunction.of(ArchParser.parse("Dense(3)->Relu->Dense(1)"));
        Matrix x = Matrix.wrapColumnMajor(40_000, 1, new double[40_000]);
        // NNGP + NTK float64: 2 × 40000² × 8 bytes = 25.6 GB, more than the test JVM's heap (-Xmx8g).
        assertTrue(Runtime.getRuntime().maxMemory() < 40_000L * 40_000 * 16);
        InsufficientMemoryException e = assertThrows(InsufficientMemoryException.class, () -> f.compute(x, null));
        assertTrue(e.bytesNeeded() >= 40_000L * 40_000 * 16 && e.bytesNeeded() < 40_000L * 40_000 * 17, e.getMessage());
        assertTrue(e.bytesNeeded() > e.bytesAvailable());
        assertTrue(e.getMessage().contains("40000x40000 kernel (NNGP+NTK, float64)"), e.getMessage());
    }

    @Test
    void overflowIsAnErrorNotASilentInfinity() {
        Matrix x = random(10, 6, 3);
        KernelFunction f = KernelFunction.of(
                ArchParser.parse("Dense(4,W_std=30)->Exp(1,3)->Dense(4,W_std=30)->Exp(1,3)->Dense(1)"));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> f.compute(x, null));
        assertTrue(e.getMessage().contains("overflows"), e.getMessage());
        KernelFunction g = KernelFunction.of(ArchParser.parse("Dense(4,W_std=3)->Gaussian(1,0.5)->Dense(1)"));
        e = assertThrows(InvalidInputException.class, () -> g.compute(x, null));
        assertTrue(e.getMessage().contains("b < 1/(4q)"), e.getMessage());
    }

    @Test
    void progressCountsEveryTile() {
        Matrix x = random(11, 100, 5);
        AtomicLong last = new AtomicLong(), calls = new AtomicLong(), totalSeen = new AtomicLong();
        KernelOptions o = KernelOptions.defaults().withTileSize(16).withProgress((done, total) -> {
            calls.incrementAndGet();
            last.accumulateAndGet(done, Math::max);
            totalSeen.set(total);
        });
        KernelFunction.of(ArchParser.parse("Dense(3)->Relu->Dense(1)")).compute(x, null, o);
        // 7×7 tiles of 16 (the last one 4 wide), upper triangle incl. the diagonal: 28.
        assertEquals(28, totalSeen.get());
        assertEquals(28, calls.get());
        assertEquals(28, last.get());
    }

    @Test
    void architecturesWithoutDenseOrEndingInANonlinearity() {
        Matrix x1 = random(12, 5, 3), x2 = random(13, 4, 3);
        Kernels id = KernelFunction.of(Architecture.of(new Identity())).compute(x1, x2);
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 4; j++) {
                double dot = 0;
                for (int c = 0; c < 3; c++) dot += x1.get(i, c) * x2.get(j, c);
                assertEquals(dot / 3, id.nngp().get(i, j), 1e-15);
                assertEquals(0.0, id.ntk().get(i, j));
            }
        // Dense -> Relu: Θ = Σ¹·Ṫ(Σ¹), K = T(Σ¹).
        Kernels k = KernelFunction.of(ArchParser.parse("Dense(5,W_std=1.5,b_std=0.1)->Relu"))
                .compute(x1, x2);
        Relu r = new Relu();
        double c = 2.25 * id.nngp().get(1, 2) + 0.01, q1 = 2.25 * id.cov1()[1] + 0.01, q2 = 2.25 * id.cov2()[2] + 0.01;
        assertEquals(r.nngp(c, q1, q2), k.nngp().get(1, 2), 1e-15);
        assertEquals(c * r.ntkFactor(c, q1, q2), k.ntk().get(1, 2), 1e-15);
    }
}
