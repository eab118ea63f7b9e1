package org.ntk4j.readme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's bash blocks run as they are: each one, in order, with {@code bash -euo pipefail} in one
 * fresh temporary directory that holds only a symlink {@code bin -> <repository>/bin} (so the blocks'
 * {@code bin/ntk4j} resolves as it does for a user, and the launcher is exercised through a symlinked
 * bin/ directory). The set-up commands ({@link ReadmeBlocks#SET_UP_COMMANDS}) and blocks marked
 * {@code <!-- readme-test: skip (why) -->} are not run: the test runs under them. Each block must exit
 * 0, every file it names (in a command or a comment) must exist afterwards, and each of its
 * {@code --out} directories must hold a {@code run.json} whose files are all there with their sizes.
 *
 * <p>An integration test: it needs target/ntk4j.jar and target/lib, so it runs after {@code package}
 * in {@code bin/mvn21 verify} (maven-failsafe-plugin).
 */
class ReadmeIT {
    /** Per block; the whole README runs in well under a minute on the 2-core development machine. */
    static final long BLOCK_TIMEOUT_SECONDS = 300;

    @TempDir
    Path dir;

    static Path root() {
        return Path.of("").toAbsolutePath();
    }

    @Test
    void everyBashBlockRunsAndWritesTheFilesItNames() throws Exception {
        requireFreshJar();
        Files.createSymbolicLink(dir.resolve("bin"), root().resolve("bin"));
        List<ReadmeBlocks.Block> blocks =
                ReadmeBlocks.of(root().resolve("README.md")).of("bash");
        int ran = 0;
        long t0 = System.nanoTime();
        for (ReadmeBlocks.Block b : blocks) {
            if (!b.runs()) continue;
            long t = System.nanoTime();
            run(b);
            checkFiles(b);
            ran++;
            System.out.printf(Locale.ROOT, "ReadmeIT: %s ran in %.1f s%n", b.where(), (System.nanoTime() - t) / 1e9);
        }
        System.out.printf(Locale.ROOT, "ReadmeIT: %d blocks in %.1f s%n", ran, (System.nanoTime() - t0) / 1e9);
        assertTrue(ran >= 8, "expected the tour's blocks to run, ran " + ran);
    }

    /** Runs one block with bash -euo pipefail in the shared directory; fails with its output otherwise. */
    private void run(ReadmeBlocks.Block b) throws IOException, InterruptedException {
        Path log = Files.createTempFile("readme-block", ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder("bash", "-euo", "pipefail", "-c", b.text())
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            Map<String, String> env = pb.environment();
            // a user's shell: no settings of the developer's (JVM options, log level) leak into the blocks
            env.keySet().removeIf(k -> k.startsWith("NTK4J_"));
            Process p = pb.start();
            if (!p.waitFor(BLOCK_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(b.where() + " did not finish in " + BLOCK_TIMEOUT_SECONDS + " s:\n" + b.text() + tail(log));
            }
            assertEquals(0, p.exitValue(), b.where() + " failed:\n" + b.text() + "output:\n" + tail(log));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** The files a block names exist, and each --out directory holds a complete set (run.json). */
    private void checkFiles(ReadmeBlocks.Block b) throws IOException {
        for (String f : b.files())
            assertTrue(Files.isRegularFile(dir.resolve(f)), b.where() + " names " + f + ", which it did not produce");
        for (String out : b.outDirs()) {
            Path record = dir.resolve(out).resolve("run.json");
            assertTrue(Files.isRegularFile(record), b.where() + ": no " + out + "/run.json: the set is incomplete");
            JsonNode files = new ObjectMapper().readTree(record.toFile()).get("files");
            assertTrue(files != null && !files.isEmpty(), record + " lists no files");
            for (JsonNode f : files) {
                Path file = dir.resolve(out).resolve(f.get("name").asText());
                assertTrue(Files.isRegularFile(file), record + " lists " + file + ", which is missing");
                assertEquals(f.get("size").asLong(), Files.size(file), "size of " + file);
            }
        }
    }

    private static String tail(Path log) throws IOException {
        String s = Files.readString(log, StandardCharsets.UTF_8);
        return s.length() <= 4000 ? s : "…" + s.substring(s.length() - 4000);
    }

    /**
     * The packaged jar must be newer than every source bin/ntk4j watches (src/main, pom.xml, native/):
     * the launcher would otherwise rebuild it from inside the test run, under the running build.
     */
    private static void requireFreshJar() throws IOException {
        Path jar = root().resolve("target/ntk4j.jar");
        assertTrue(
                Files.isRegularFile(jar) && Files.isDirectory(root().resolve("target/lib")),
                "target/ntk4j.jar or target/lib missing: ReadmeIT runs in `bin/mvn21 verify`, after package");
        FileTime built = Files.getLastModifiedTime(jar);
        List<Path> newer = new ArrayList<>();
        try (Stream<Path> s = Stream.of(
                        Files.walk(root().resolve("src/main")),
                        Files.walk(root().resolve("native")),
                        Stream.of(root().resolve("pom.xml")))
                .flatMap(x -> x)) {
            s.filter(Files::isRegularFile).forEach(p -> {
                try {
                    if (Files.getLastModifiedTime(p).compareTo(built) > 0) newer.add(p);
                } catch (IOException e) {
                    newer.add(p);
                }
            });
        }
        assertEquals(List.of(), newer, "sources newer than target/ntk4j.jar: package first (bin/mvn21 verify does)");
    }
}
