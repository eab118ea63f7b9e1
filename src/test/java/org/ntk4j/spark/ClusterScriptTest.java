package org.ntk4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code benchmarks/spark/cluster.sh} end to end (slow profile): a standalone master and two workers on
 * 127.0.0.1, {@code ntk4j spark} submitted to them, the same numbers as {@code predict --solver nystrom},
 * everything stopped. Needs the packaged build ({@code bin/mvn21 -DskipTests package}) and python3 with
 * numpy; skipped without them.
 */
@Tag("slow")
class ClusterScriptTest {
    @Test
    void clusterGivesTheSingleMachineNumbers() throws Exception {
        Path root = Path.of("").toAbsolutePath();
        assumeTrue(
                Files.isDirectory(root.resolve("target/spark-lib")) && Files.exists(root.resolve("target/ntk4j.jar")),
                "run bin/mvn21 -DskipTests package first");
        assumeTrue(new ProcessBuilder("python3", "-c", "import numpy").start().waitFor() == 0, "python3 with numpy");
        Process p = new ProcessBuilder(
                        root.resolve("benchmarks/spark/cluster.sh").toString(), "2000", "100")
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("cluster.sh: the same numbers"), out);
    }
}
