package org.ntk4j.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntk4j.io.Npy;

/**
 * {@code --quiet}, {@code --log-level} and {@code NTK4J_LOG}: the flags on every command, their
 * precedence, usage errors for bad values (an invalid NTK4J_LOG: one line, exit 2), and, in a child
 * JVM whose slf4j starts fresh, that the level chosen is the one the library's loggers log at.
 */
class CliLoggingTest {
    static final String ARCH = "Dense(8,W_std=1.5,b_std=0.1)->Relu->Dense(1)";

    @TempDir
    Path dir;

    String savedLevel;

    @BeforeAll
    static void loggingStartedAlready() {
        // in-process runs set the level property; slf4j must have read its own first, so that a level
        // asked for here never leaks into the other tests of this JVM
        org.slf4j.LoggerFactory.getLogger(CliLoggingTest.class);
    }

    @BeforeEach
    void save() {
        savedLevel = System.getProperty(Logging.LEVEL_PROPERTY);
    }

    @AfterEach
    void restore() {
        if (savedLevel == null) System.clearProperty(Logging.LEVEL_PROPERTY);
        else System.setProperty(Logging.LEVEL_PROPERTY, savedLevel);
    }

    static CliRun withEnvironment(String ntk4jLog, String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        int code = Main.run(
                args,
                new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8),
                ntk4jLog);
        return new CliRun(List.of(args), code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anInvalidNtk4jLogIsOneLineAndExit2() {
        withEnvironment("verbose", "--version")
                .fails(2, "ntk4j: error: NTK4J_LOG: 'verbose' is not one of error, warn, info, debug");
        withEnvironment("3", "info").fails(2, "NTK4J_LOG: '3'");
        for (String ok : new String[] {null, "", "error", "WARN", "Info", " debug "})
            assertEquals(0, withEnvironment(ok, "--version").code(), ok);
    }

    @Test
    void theLastFlagWinsOverTheEnvironment() {
        assertNull(Logging.levelInArguments(new String[] {"kernel", "--x1", "a"}));
        assertEquals("error", Logging.levelInArguments(new String[] {"--quiet", "kernel"}));
        assertEquals("debug", Logging.levelInArguments(new String[] {"kernel", "--log-level", "DEBUG"}));
        assertEquals("info", Logging.levelInArguments(new String[] {"--log-level=info", "kernel"}));
        assertEquals("error", Logging.levelInArguments(new String[] {"--log-level", "info", "predict", "--quiet"}));
        assertEquals("warn", Logging.levelInArguments(new String[] {"--log-level", "warn", "--log-level", "loud"}));
        assertNull(Logging.levelInArguments(new String[] {"kernel", "--", "--quiet"}));
        Logging.configure(new String[] {"--log-level", "info"}, "debug");
        assertEquals("info", System.getProperty(Logging.LEVEL_PROPERTY));
        Logging.configure(new String[] {"kernel"}, "DEBUG");
        assertEquals("debug", System.getProperty(Logging.LEVEL_PROPERTY));
    }

    @Test
    void everyCommandTakesTheFlagsBeforeOrAfterItsName() {
        assertEquals(
                List.of(KernelCommand.class), Main.subcommandsFor(new String[] {"--log-level", "debug", "kernel"}));
        for (Class<?> c : Main.SUBCOMMANDS) {
            String name = c.getAnnotation(picocli.CommandLine.Command.class).name();
            for (String[] flags : new String[][] {{"--quiet"}, {"--log-level", "info"}, {"--log-level=debug"}}) {
                List<String> after = new ArrayList<>(List.of(name));
                after.addAll(List.of(flags));
                after.add("--help");
                CliRun r = CliRun.of(after.toArray(String[]::new));
                assertEquals(0, r.code(), name + " " + after + ": " + r.err());
                List<String> before = new ArrayList<>(List.of(flags));
                before.addAll(List.of(name, "--help"));
                assertEquals(0, CliRun.of(before.toArray(String[]::new)).code(), name + " " + before);
            }
            assertTrue(CliRun.of(name, "--help").out().contains("--log-level"), name);
        }
    }

    @Test
    void badFlagValuesAreUsageErrors() {
        CliRun.of("info", "--log-level", "loud").fails(2, "--log-level");
        CliRun.of("info", "--log-level", "loud").fails(2, "'loud' is not one of error, warn, info, debug");
        CliRun.of("--quiet", "info", "--log-level", "debug")
                .fails(2, "--quiet: cannot be combined with --log-level debug");
        assertEquals(0, CliRun.of("--quiet", "info", "--log-level", "error").code());
    }

    /** The CLI in a child JVM (fresh slf4j) with NTK4J_LOG as given; the native CPU library off, which logs one DEBUG line. */
    record Child(int code, String err) {}

    Child child(String ntk4jLog, String... flags) throws Exception {
        Path x = dir.resolve("x.npy");
        Npy.write(x, CliKernelTest.random(3, 2, 1));
        List<String> cmd = CliRun.childJava();
        cmd.addAll(List.of(
                "-XX:TieredStopAtLevel=1",
                "-Dntk4j.native.cpu=false",
                "-Dntk4j.gpu.disable=true",
                "-cp",
                System.getProperty("java.class.path"),
                "org.ntk4j.cli.Main",
                "kernel",
                "--arch",
                ARCH,
                "--x1",
                x.toString(),
                "--out",
                dir.resolve("out").toString()));
        cmd.addAll(List.of(flags));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().remove(Logging.ENV);
        if (ntk4jLog != null) pb.environment().put(Logging.ENV, ntk4jLog);
        Process p = pb.start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return new Child(p.exitValue(), err);
    }

    @Test
    void theLevelChosenIsTheLevelLoggedAt() throws Exception {
        String debugLine = "native CPU kernels disabled";
        Child quietDefault = child(null);
        assertEquals(0, quietDefault.code(), quietDefault.err());
        assertFalse(quietDefault.err().contains(debugLine), quietDefault.err());
        Child flag = child(null, "--log-level", "debug");
        assertEquals(0, flag.code(), flag.err());
        assertTrue(flag.err().contains("[DEBUG]") && flag.err().contains(debugLine), flag.err());
        Child env = child("debug");
        assertTrue(env.err().contains(debugLine), env.err());
        Child quiet = child("debug", "--quiet");
        assertEquals(0, quiet.code(), quiet.err());
        assertEquals("", quiet.err());
        Child bad = child("chatty");
        assertEquals(2, bad.code(), bad.err());
        assertEquals(
                List.of("ntk4j: error: NTK4J_LOG: 'chatty' is not one of error, warn, info, debug;"
                        + " set one of them, or unset it for the default (warn)"),
                bad.err().lines().toList());
    }
}
