package org.ntk4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Runs {@link Main} in-process and captures its arguments, exit code, stdout and stderr. */
record CliRun(List<String> args, int code, String out, String err) {
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
