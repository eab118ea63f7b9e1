package org.ntk4j.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ntk4j.NativeCpu;

/**
 * {@code ntk4j info}: every line "key: value" without control characters, each key once; the
 * version, Java, GPU, CUDA kernels (no raw nvcc banner), ntk4j's own OpenBLAS (no ND4J) and resources.
 */
class InfoCommandTest {
    /** The lines of {@code ntk4j info} as key → value, checking the shape of each. */
    static Map<String, String> info() {
        CliRun r = CliRun.of("info");
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        Map<String, String> kv = new LinkedHashMap<>();
        for (String line : r.out().split("\n", -1)) {
            if (line.isEmpty()) continue; // the final newline
            assertTrue(line.matches("[a-z][a-z0-9 ]*[a-z0-9]: \\S.*"), "not 'key: value': " + line);
            assertTrue(line.codePoints().noneMatch(c -> Character.isISOControl(c)), "control character in: " + line);
            int colon = line.indexOf(": ");
            assertNull(kv.put(line.substring(0, colon), line.substring(colon + 2)), "key twice: " + line);
        }
        assertTrue(r.out().endsWith("\n") && !r.out().contains("\r"), r.out());
        return kv;
    }

    @Test
    void everyLineIsKeyColonValue() {
        Map<String, String> kv = info();
        assertEquals(
                List.of(
                        "ntk4j",
                        "java",
                        "gpu",
                        "cuda driver",
                        "cuda kernels",
                        "backend",
                        "blas",
                        "blas config",
                        "blas core",
                        "blas threads",
                        "processors",
                        "max heap"),
                List.copyOf(kv.keySet()));
        assertEquals(org.ntk4j.Ntk4j.VERSION, kv.get("ntk4j"));
        assertTrue(kv.get("java").startsWith(System.getProperty("java.version") + " ("), kv.get("java"));
        assertEquals(Integer.toString(Runtime.getRuntime().availableProcessors()), kv.get("processors"));
    }

    @Test
    void blasIsNtk4jsOwnOpenBlas() {
        Map<String, String> kv = info();
        assertTrue(
                kv.get("blas").matches("OpenBLAS 0\\.3\\.\\d+ \\(JavaCPP preset 0\\.3\\.\\d+-[0-9.]+\\)"),
                kv.get("blas"));
        assertTrue(Integer.parseInt(kv.get("blas threads")) >= 1, kv.get("blas threads"));
        if (NativeCpu.loaded()) {
            assertTrue(kv.get("blas config").startsWith("OpenBLAS 0.3."), kv.get("blas config"));
            assertTrue(kv.get("blas config").contains(kv.get("blas core")), kv.get("blas core"));
        } else {
            assertTrue(kv.get("blas core").startsWith("unknown"), kv.get("blas core"));
        }
        assertFalse(String.join("\n", kv.values())
                .toLowerCase(java.util.Locale.ROOT)
                .contains("nd4j"));
    }

    @Test
    void cudaKernelsNameTheNvccReleaseOrTheirAbsence() {
        String k = info().get("cuda kernels");
        assertTrue(
                k.matches(
                        "built with nvcc \\d+\\.\\d+( \\(V[0-9.]+\\))?|built with unknown nvcc|none in this build .*"),
                k);
        assertFalse(k.contains("Build cuda_"), k);
    }
}
