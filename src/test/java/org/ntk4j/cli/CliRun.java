package org.ntk4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Runs {@link Main} in-process and captures its arguments, exit code, stdout and stderr. */
record CliRun(List<String> args, int code, String out, String err) {
    /**
     * The start of a command line running Java in a child JVM as this one runs: the same runtime and
     * its native-access, unsafe-memory and add-opens flags (a mutable list; append JVM options, the
     * class path and the arguments).
     */
    static List<String> childJava() {
        List<String> cmd =
                new java.util.ArrayList<>(List.of(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java")
                        .toString()));
        for (String a :
                java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments())
            if (a.startsWith("--enable-native-access") || a.startsWith("--sun-misc") || a.startsWith("--add-opens"))
                cmd.add(a);
        return cmd;
    }

    static CliRun of(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        int code = Main.run(
                args,
                new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        return new CliRun(List.of(args), code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    /** Asserts a failure: the exit code, nothing on stdout, exactly one line on stderr containing {@code part}. */
    CliRun fails(int expectedCode, String part) {
        String where = "exit " + code + ", stderr: " + err + ", stdout: " + out;
        assertEquals(expectedCode, code, where);
        assertEquals("", out, where);
        assertEquals(1, err.lines().count(), where);
        assertTrue(err.startsWith("ntk4j: "), where);
        assertTrue(err.contains(part), "expected '" + part + "' in: " + err);
        return this;
    }
}
