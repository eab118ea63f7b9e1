package org.ntk4j.finite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.Parameterization;
import org.ntk4j.arch.text.ArchParser;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.testing.NtVectors;

/**
 * Fresh random finite networks (src/test/python/gen_finite_fixtures.py): depth 1–3, Erf, Relu,
 * Gelu, Sin, LeakyRelu, with and without bias, both parameterizations, k = 1…4 outputs. Expected
 * values from numpy: outputs and traced empirical NNGP/NTK by ntref.py (itself checked against
 * neural-tangents to 3e-16), and the outputs after 40 full-batch gradient-descent steps by an
 * independent numpy backpropagation. Tolerance 1e-12 relative (max error / max value) for
 * everything: the operations are the same sums in another order, so only rounding differs
 * (~1e-15), and 40 steps of a stable descent do not amplify it by 10³.
 */
class NtrefFiniteFixturesTest {
    static final String[] NAMES = {
        "erf-d2-ntk", "relu-d1-nobias-ntk", "gelu-d3-standard", "sin-d2-standard-k1", "leakyrelu-d2-ntk-k4"
    };

    static Stream<String> names() {
        return Stream.of(NAMES);
    }

    static JsonNode load(String name) throws IOException {
        try (InputStream in = NtrefFiniteFixturesTest.class.getResourceAsStream("/finite-fixtures/" + name + ".json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    static Matrix m(JsonNode n) {
        return Matrix.of(NtVectors.matrix(n));
    }

    static void close(Matrix actual, JsonNode expected, String what) {
        double rel = EmpiricalVectorsTest.relativeError(actual.toRowMajor(), NtVectors.flat(expected));
        assertTrue(rel <= 1e-12, what + ": relative error " + rel);
    }

    @ParameterizedTest
    @MethodSource("names")
    void matchesNumpy(String name) throws IOException {
        JsonNode c = load(name);
        Architecture arch = ArchParser.parse(
                c.get("arch").asText(),
                Parameterization.parse(c.get("parameterization").asText()));
        List<DenseParameters> params = new ArrayList<>();
        for (JsonNode p : c.get("params"))
            params.add(new DenseParameters(m(p.get(0)), p.get(1).isNull() ? null : NtVectors.vector(p.get(1))));
        FiniteNetwork net = FiniteNetwork.of(arch, params);
        Matrix x1 = m(c.get("x1")), x2 = m(c.get("x2")), xt = m(c.get("x_train")), yt = m(c.get("y_train"));
        close(net.apply(x1), c.get("f_x1"), name + " f(x1)");
        close(net.apply(x2), c.get("f_x2"), name + " f(x2)");
        EmpiricalKernels k = net.kernels(x1, x2), k11 = net.kernels(x1, null);
        close(k.nngp(), c.get("nngp"), name + " nngp");
        close(k.ntk(), c.get("ntk"), name + " ntk");
        close(k11.nngp(), c.get("nngp_x1x1"), name + " nngp(x1, x1)");
        close(k11.ntk(), c.get("ntk_x1x1"), name + " ntk(x1, x1)");
        assertEquals(
                c.get("loss_0").asDouble(),
                net.loss(xt, yt),
                1e-12 * c.get("loss_0").asDouble());
        FiniteNetwork trained =
                net.train(xt, yt, c.get("steps").asInt(), c.get("learning_rate").asDouble());
        assertEquals(
                c.get("loss_K").asDouble(),
                trained.loss(xt, yt),
                1e-12 * c.get("loss_0").asDouble());
        close(trained.apply(x1), c.get("trained_x1"), name + " trained f(x1)");
        close(trained.apply(x2), c.get("trained_x2"), name + " trained f(x2)");
    }
}
