package org.ntk4j.finite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.Dense;
import org.ntk4j.arch.activation.Erf;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.testing.NtVectors;

/**
 * The {@code empirical} case of nt-vectors.json, produced by neural-tangents 0.6.6 itself: a
 * Dense(5,1.3,0.2)–Erf–Dense(3,1.3,0.2) network with given parameters, its outputs on x1 and its
 * empirical NNGP/NTK of x1 against x2 traced over outputs ({@code trace_last}), without trace
 * ({@code full}, n1×n2×3×3) and diagonal over outputs ({@code diag_last}), each from two
 * neural-tangents implementations. All to ≤ 1e-12 relative (max abs error / max abs value).
 */
class EmpiricalVectorsTest {
    private static JsonNode empirical;
    private static FiniteNetwork net;
    private static Matrix x1, x2;

    @BeforeAll
    static void load() {
        NtVectors v = NtVectors.load();
        empirical = v.empirical();
        x1 = Matrix.of(v.x1());
        x2 = Matrix.of(v.x2());
        List<DenseParameters> dense = new ArrayList<>();
        for (JsonNode layer : empirical.get("params")) {
            if (layer.isEmpty()) continue; // the nonlinearity has no parameters
            dense.add(new DenseParameters(Matrix.of(NtVectors.matrix(layer.get(0))), NtVectors.flat(layer.get(1))));
        }
        Architecture arch = Architecture.of(Dense.of(5, 1.3, 0.2), new Erf(), Dense.of(3, 1.3, 0.2));
        net = FiniteNetwork.of(arch, dense);
    }

    static double relativeError(double[] actual, double[] expected) {
        assertTrue(actual.length == expected.length, "length " + actual.length + " vs " + expected.length);
        double err = 0, scale = 0;
        for (int i = 0; i < actual.length; i++) {
            err = Math.max(err, Math.abs(actual[i] - expected[i]));
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        return err / scale;
    }

    private static void assertClose(double[] actual, JsonNode expected, String what) {
        double rel = relativeError(actual, NtVectors.flat(expected));
        assertTrue(rel <= 1e-12, what + ": relative error " + rel);
    }

    @Test
    void shapesAndParameters() {
        assertArrayEquals(
                new int[] {3, 5, 3},
                new int[] {net.inputDim(), net.parameters().get(0).outputWidth(), net.outputDim()});
    }

    @Test
    void outputs() {
        assertClose(net.apply(x1).toRowMajor(), empirical.get("outputs_x1"), "f(x1)");
    }

    @Test
    void tracedKernels() {
        EmpiricalKernels k = net.kernels(x1, x2);
        for (String impl : new String[] {"trace_last_impl1", "trace_last_impl2"}) {
            assertClose(
                    k.nngp().toRowMajor(), empirical.get("kernels").get(impl).get("nngp"), impl + " nngp");
            assertClose(k.ntk().toRowMajor(), empirical.get("kernels").get(impl).get("ntk"), impl + " ntk");
        }
    }

    @Test
    void fullKernels() {
        OutputKernels k = net.outputKernels(x1, x2, OutputKernels.Form.FULL);
        assertArrayEquals(new int[] {4, 3, 3, 3}, k.shape());
        for (String impl : new String[] {"full_impl1", "full_impl2"}) {
            assertClose(k.nngp(), empirical.get("kernels").get(impl).get("nngp"), impl + " nngp");
            assertClose(k.ntk(), empirical.get("kernels").get(impl).get("ntk"), impl + " ntk");
        }
    }

    @Test
    void diagonalKernels() {
        OutputKernels k = net.outputKernels(x1, x2, OutputKernels.Form.DIAGONAL);
        assertArrayEquals(new int[] {4, 3, 3}, k.shape());
        for (String impl : new String[] {"diag_last_impl1", "diag_last_impl2"}) {
            assertClose(k.nngp(), empirical.get("kernels").get(impl).get("nngp"), impl + " nngp");
            assertClose(k.ntk(), empirical.get("kernels").get(impl).get("ntk"), impl + " ntk");
        }
    }
}
