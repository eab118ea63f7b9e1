package org.ntk4j.cli;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntk4j.io.Npy;
import org.ntk4j.linalg.Matrix;

/**
 * {@code bin/ntk4j} end to end, in a separate JVM with the real logging set-up: an error prints at
 * most 3 lines in total (JVM and library output included) and the right exit code; a run from
 * another directory works. Needs a packaged, up-to-date jar (it never builds from inside a test
 * run, which would recompile the classes under the running tests): run
 * {@code bin/mvn21 -DskipTests package} first, then {@code bin/mvn21 test -Pslow-tests -Dtest=LauncherTest}.
 */
@Tag("slow")
class LauncherTest {
    @TempDir
    Path dir;

    record Proc(int code, String out, String err) {}

    static Path root() {
        return Path.of("").toAbsolutePath();
    }

    static boolean jarIsFresh() throws IOException {
        Path jar = root().resolve("target/ntk4j.jar");
        if (!Files.exists(jar) || !Files.isDirectory(root().resolve("target/lib"))) return false;
        FileTime built = Files.getLastModifiedTime(jar);
        try (Stream<Path> s = Files.walk(root().resolve("src/main"))) {
            return s.filter(Files::isRegularFile).allMatch(p -> {
                try {
                    return Files.getLastModifiedTime(p).compareTo(built) <= 0;
                } catch (IOException e) {
                    return false;
                }
            });
        }
    }

    Proc launch(String... args) throws IOException, InterruptedException {
        List<String> cmd =
                new java.util.ArrayList<>(List.of(root().resolve("bin/ntk4j").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return new Proc(p.exitValue(), out, err);
    }

    @Test
    void errorsAreAtMostThreeLinesAndSuccessWritesFiles() throws Exception {
        assumeTrue(
                jarIsFresh(), "target/ntk4j.jar missing or older than the sources: run bin/mvn21 -DskipTests package");
        Npy.write(dir.resolve("x.npy"), Matrix.of(new double[][] {{1, 2}, {3, 4}, {0, 0}}));
        Npy.write(dir.resolve("y.npy"), Matrix.of(new double[][] {{1, 2, 3}}));
        String arch = "Dense(16,W_std=1.5,b_std=0.1)->Relu->Dense(1)";
        String[][] failing = {
            {"3", "kernel", "--arch", "Dense(1)->Foo", "--x1", "x.npy", "--out", "o"},
            {"3", "kernel", "--arch", arch, "--x1", "missing.npy", "--out", "o"},
            {"3", "kernel", "--arch", arch, "--x1", "x.npy", "--x2", "y.npy", "--out", "o"},
            {"2", "kernel", "--arch", arch, "--x1", "x.npy"},
            {"6", "kernel", "--arch", arch, "--x1", "x.npy", "--out", "o", "--device", "gpu"},
        };
        for (String[] f : failing) {
            Proc p = launch(java.util.Arrays.copyOfRange(f, 1, f.length));
            String all = p.out() + p.err();
            assertEquals(Integer.parseInt(f[0]), p.code(), all);
            assertTrue(all.lines().count() <= 3, all);
            assertTrue(p.err().startsWith("ntk4j: error: "), all);
        }
        Proc ok = launch("kernel", "--arch", arch, "--x1", "x.npy", "--out", "o");
        assertEquals(0, ok.code(), ok.err());
        assertEquals("", ok.err());
        assertEquals(3, Npy.read(dir.resolve("o/ntk.npy")).rows());
    }
}
