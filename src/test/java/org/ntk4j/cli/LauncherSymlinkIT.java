package org.ntk4j.cli;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/ntk4j} reached through a symlinked {@code bin/} directory (a project that links ntk4j's
 * bin/ into its own tree): the launcher finds the repository by the physical path of its directory
 * ({@code pwd -P}), not the link's parent, where it used to look for target/ and try a build. Also
 * the launcher's view of an invalid {@code NTK4J_LOG}: one line, exit 2. Needs the packaged jar
 * (run in {@code bin/mvn21 verify}'s integration-test phase; skipped when the jar is older than the
 * sources, as the launcher would then build).
 */
class LauncherSymlinkIT {
    @TempDir
    Path dir;

    record Proc(int code, String out, String err) {}

    Proc run(Map<String, String> env, String... args) throws Exception {
        Files.createDirectories(dir.resolve("elsewhere"));
        Path link = dir.resolve("project/bin");
        if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(link.getParent());
            Files.createSymbolicLink(link, LauncherTest.root().resolve("bin"));
        }
        List<String> cmd =
                new java.util.ArrayList<>(List.of("bash", link.resolve("ntk4j").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb =
                new ProcessBuilder(cmd).directory(dir.resolve("elsewhere").toFile());
        pb.environment().put("NTK4J_CDS", "0"); // no class-data archive written into target/ by a test
        pb.environment().remove("NTK4J_LOG");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return new Proc(p.exitValue(), out, err);
    }

    @Test
    void runsThroughASymlinkedBinDirectory() throws Exception {
        assumeTrue(
                LauncherTest.jarIsFresh(),
                "target/ntk4j.jar missing or older than the sources: run bin/mvn21 -DskipTests package");
        Proc version = run(Map.of(), "--version");
        assertEquals(0, version.code(), version.err());
        assertEquals("ntk4j " + org.ntk4j.Ntk4j.VERSION + "\n", version.out());
        assertFalse(Files.exists(dir.resolve("project/target")), "the launcher built in the link's parent");
        Proc info = run(Map.of(), "info");
        assertEquals(0, info.code(), info.err());
        assertTrue(info.out().startsWith("ntk4j: " + org.ntk4j.Ntk4j.VERSION + "\n"), info.out());
    }

    @Test
    void anInvalidNtk4jLogIsOneLineAndExit2() throws Exception {
        assumeTrue(
                LauncherTest.jarIsFresh(),
                "target/ntk4j.jar missing or older than the sources: run bin/mvn21 -DskipTests package");
        Proc bad = run(Map.of("NTK4J_LOG", "verbose"), "--version");
        assertEquals(2, bad.code(), bad.err());
        assertEquals("", bad.out());
        assertEquals(1, bad.err().lines().count(), bad.err());
        assertTrue(bad.err().startsWith("ntk4j: error: NTK4J_LOG: 'verbose' is not one of error, warn, info, debug"));
        Proc ok = run(Map.of("NTK4J_LOG", "INFO"), "--version");
        assertEquals(0, ok.code(), ok.err());
    }
}
