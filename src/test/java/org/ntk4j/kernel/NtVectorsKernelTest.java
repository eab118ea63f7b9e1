package org.ntk4j.kernel;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.testing.NtVectors;
import org.ntk4j.testing.NtVectors.KernelCase;

/**
 * Every kernel case of nt-vectors.json (computed by neural-tangents 0.6.6 itself) to ≤ 1e-12
 * relative: max|actual − expected| / max|expected| over the entries neural-tangents returned as
 * finite numbers (Sign's NTK, identically 0, absolutely). Where neural-tangents returned NaN
 * (RectifiedMonomial at identical inputs, Numerical/Polynomial at the zero-variance row), ntk4j must
 * return a finite value. float32 outputs must be the float64 results rounded to float32.
 */
class NtVectorsKernelTest {
    static final double TOL = 1e-12;

    /** max|a − e| / max|e| over the finite entries of e (absolute when max|e| = 0); asserts a is finite everywhere. */
    static double relError(String what, double[] a, double[] e) {
        assertEquals(e.length, a.length, what + " length");
        double num = 0, den = 0;
        for (int i = 0; i < e.length; i++) {
            assertTrue(Double.isFinite(a[i]), what + "[" + i + "] = " + a[i] + " is not finite");
            if (Double.isNaN(e[i])) continue;
            num = Math.max(num, Math.abs(a[i] - e[i]));
            den = Math.max(den, Math.abs(e[i]));
        }
        return den == 0 ? num : num / den;
    }

    static double[] rowMajor(double[][] m) {
        return java.util.Arrays.stream(m)
                .flatMapToDouble(java.util.Arrays::stream)
                .toArray();
    }

    static void check(KernelCase c, Kernels k) {
        assertTrue(
                relError("nngp", k.nngp().toRowMajor(), rowMajor(c.nngp)) <= TOL,
                () -> "nngp error " + relError("nngp", k.nngp().toRowMajor(), rowMajor(c.nngp)));
        assertTrue(
                relError("ntk", k.ntk().toRowMajor(), rowMajor(c.ntk)) <= TOL,
                () -> "ntk error " + relError("ntk", k.ntk().toRowMajor(), rowMajor(c.ntk)));
        assertTrue(relError("cov1", k.cov1(), c.cov1) <= TOL, () -> "cov1 error " + relError("cov1", k.cov1(), c.cov1));
        if (c.x2IsNone) {
            assertNull(k.cov2());
            // The diagonal of K(x, x) is the variance (here also where neural-tangents has NaN).
            for (int i = 0; i < k.cov1().length; i++)
                assertEquals(k.cov1()[i], k.nngp().get(i, i), 1e-15 * Math.abs(k.cov1()[i]));
        } else {
            assertTrue(
                    relError("cov2", k.cov2(), c.cov2) <= TOL,
                    () -> "cov2 error " + relError("cov2", k.cov2(), c.cov2));
        }
    }

    @TestFactory
    Stream<DynamicTest> everyCaseFloat64() {
        List<KernelCase> cases = NtVectors.load().kernels();
        assertEquals(252, cases.size());
        return cases.stream()
                .map(c -> DynamicTest.dynamicTest(
                        c.toString(),
                        () -> check(
                                c,
                                org.ntk4j.kernel.KernelFunction.of(c.architecture())
                                        .compute(c.x1(), c.x2()))));
    }

    @Test
    void float32IsTheRoundedFloat64Result() {
        for (KernelCase c : NtVectors.load().kernels()) {
            KernelFunction f = KernelFunction.of(c.architecture());
            Kernels k64 = f.compute(c.x1(), c.x2());
            Kernels k32 = f.compute(c.x1(), c.x2(), KernelOptions.defaults().withDtype(DType.FLOAT32));
            assertEquals(DType.FLOAT32, k32.nngp().dtype());
            assertEquals(k64.nngp().as(DType.FLOAT32), k32.nngp(), c.toString());
            assertEquals(k64.ntk().as(DType.FLOAT32), k32.ntk(), c.toString());
            // Hence within 2^-24 relative of the float64 result, and ≤ 1e-7 relative of neural-tangents.
            assertTrue(relError("nngp32", k32.nngp().toRowMajor(), rowMajor(c.nngp)) <= 1e-7);
            assertTrue(relError("ntk32", k32.ntk().toRowMajor(), rowMajor(c.ntk)) <= 1e-7);
        }
    }

    @Test
    void nngpOnlyEqualsTheNngpOfTheFullRun() {
        for (KernelCase c : NtVectors.load().kernels()) {
            KernelFunction f = KernelFunction.of(c.architecture());
            Kernels full = f.compute(c.x1(), c.x2());
            Kernels only = f.compute(c.x1(), c.x2(), KernelOptions.defaults().withComputeNtk(false));
            assertNull(only.ntk());
            assertEquals(full.nngp(), only.nngp(), c.toString());
            assertArrayEquals(full.cov1(), only.cov1());
        }
    }

    @Test
    void exampleValuesOfTheSpec() {
        // The example of docs/kernels.md §7: Relu, depth 2, W=1.5, b=0.1, x1 vs x2.
        KernelCase c = NtVectors.load().kernels().stream()
                .filter(k -> k.activation.equals("Relu")
                        && k.depth == 2
                        && k.bStd != null
                        && !k.x2IsNone
                        && k.parameterization == org.ntk4j.arch.Parameterization.NTK)
                .findFirst()
                .orElseThrow();
        Kernels k = KernelFunction.of(c.architecture()).compute(c.x1(), c.x2());
        assertEquals(5.0173046875, k.nngp().get(0, 1), 1e-10);
        assertEquals(15.0206640625, k.ntk().get(0, 1), 1e-10);
        Matrix x = c.x1();
        assertEquals(4, x.rows());
    }
}
