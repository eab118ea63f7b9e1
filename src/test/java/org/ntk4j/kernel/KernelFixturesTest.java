package org.ntk4j.kernel;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.ntk4j.arch.Parameterization;
import org.ntk4j.arch.text.ArchParser;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.testing.NtVectors;

/**
 * Random inputs and architectures (depth up to 3, mixed activations, varying widths, both
 * parameterizations, x2 given and not) against the independent numpy reference ntref.py:
 * fixture {@code kernel-fixtures/random-kernels.json}, written by
 * {@code src/test/python/gen_kernel_fixtures.py}. Tolerance: 1e-12 relative (measured 4e-15) for well-separated
 * inputs; 1e-7 (measured 6e-9) for the cases with repeated points, where a one-ulp difference between a Gram entry
 * and a squared norm moves a correlation near 1 and the arc-cosine maps amplify it (docs/kernels.md §7).
 */
class KernelFixturesTest {
    static List<JsonNode> cases() throws IOException {
        try (InputStream in = KernelFixturesTest.class.getResourceAsStream("/kernel-fixtures/random-kernels.json")) {
            assertNotNull(
                    in, "kernel-fixtures/random-kernels.json missing: run src/test/python/gen_kernel_fixtures.py");
            List<JsonNode> out = new ArrayList<>();
            new ObjectMapper().readTree(in).get("cases").forEach(out::add);
            return out;
        }
    }

    @TestFactory
    Stream<DynamicTest> matchesTheNumpyReference() throws IOException {
        List<JsonNode> cases = cases();
        assertTrue(cases.size() >= 50);
        return cases.stream()
                .map(c -> DynamicTest.dynamicTest(
                        c.get("arch").asText() + " ["
                                + c.get("parameterization").asText()
                                + (c.get("x2").isNull() ? ", x2=None" : "")
                                + (c.get("repeated").asBoolean() ? ", repeated points" : "") + "]",
                        () -> {
                            double tol = c.get("repeated").asBoolean() ? 1e-7 : 1e-12;
                            var arch = ArchParser.parse(
                                    c.get("arch").asText(),
                                    Parameterization.parse(
                                            c.get("parameterization").asText()));
                            Matrix x1 = Matrix.of(NtVectors.matrix(c.get("x1")));
                            Matrix x2 = c.get("x2").isNull() ? null : Matrix.of(NtVectors.matrix(c.get("x2")));
                            Kernels k = KernelFunction.of(arch).compute(x1, x2);
                            double en = NtVectorsKernelTest.relError(
                                    "nngp", k.nngp().toRowMajor(), NtVectors.flat(c.get("nngp")));
                            double et = NtVectorsKernelTest.relError(
                                    "ntk", k.ntk().toRowMajor(), NtVectors.flat(c.get("ntk")));
                            double e1 = NtVectorsKernelTest.relError("cov1", k.cov1(), NtVectors.vector(c.get("cov1")));
                            assertTrue(en <= tol, "nngp relative error " + en);
                            assertTrue(et <= tol, "ntk relative error " + et);
                            assertTrue(e1 <= tol, "cov1 relative error " + e1);
                            if (x2 != null) {
                                double e2 =
                                        NtVectorsKernelTest.relError("cov2", k.cov2(), NtVectors.vector(c.get("cov2")));
                                assertTrue(e2 <= tol, "cov2 relative error " + e2);
                            }
                        }));
    }
}
