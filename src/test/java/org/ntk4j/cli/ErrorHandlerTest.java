package org.ntk4j.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.ntk4j.error.DeviceUnavailableException;
import org.ntk4j.error.IllPosedProblemException;
import org.ntk4j.error.InsufficientMemoryException;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.error.Ntk4jException;
import org.ntk4j.error.OutputWriteException;
import picocli.CommandLine;

class ErrorHandlerTest {
    @Test
    void exitCodesFollowTheContract() {
        assertEquals(3, ErrorHandler.exitCode(new InvalidInputException("x", "bad")));
        assertEquals(4, ErrorHandler.exitCode(new InsufficientMemoryException("kernel", 10, 5)));
        assertEquals(4, ErrorHandler.exitCode(new OutOfMemoryError("Java heap space")));
        assertEquals(5, ErrorHandler.exitCode(new IllPosedProblemException("singular")));
        assertEquals(6, ErrorHandler.exitCode(new DeviceUnavailableException("no gpu")));
        assertEquals(7, ErrorHandler.exitCode(new Ntk4jException("other")));
        assertEquals(7, ErrorHandler.exitCode(new OutputWriteException(Path.of("o/ntk.npy"), "No space left on device", null)));
        // a bare IllegalArgumentException is a bug (user input is validated into InvalidInputException)
        assertEquals(70, ErrorHandler.exitCode(new IllegalArgumentException("count is negative: -60")));
        assertEquals(70, ErrorHandler.exitCode(new IllegalStateException("closed")));
        assertEquals(70, ErrorHandler.exitCode(new NullPointerException()));
        assertEquals(70, ErrorHandler.exitCode(new StackOverflowError()));
    }

    @Test
    void unwrapFindsTheNtk4jCause() {
        var cause = new InsufficientMemoryException("tile", 1, 0);
        assertSame(cause, ErrorHandler.unwrap(new ExecutionException(new RuntimeException(cause))));
        assertSame(cause, ErrorHandler.unwrap(new CompletionException(cause)));
        var npe = new NullPointerException("x");
        assertSame(npe, ErrorHandler.unwrap(new ExecutionException(npe)));
    }

    @Test
    void libraryArgumentNamesBecomeTheCommandsFlags() {
        CommandLine predict = new CommandLine(new PredictCommand());
        assertEquals("--x-train: has 3 rows", ErrorHandler.asFlag(new InvalidInputException("xTrain", "has 3 rows"), predict));
        assertEquals("--diag-reg: must be >= 0", ErrorHandler.asFlag(new InvalidInputException("diagReg", "must be >= 0"), predict));
        assertEquals("--fx-train-0: is NaN", ErrorHandler.asFlag(new InvalidInputException("fxTrain0", "is NaN"), predict));
        // a library argument the command has no flag for keeps its library name
        assertNull(ErrorHandler.asFlag(new InvalidInputException("kTrainTrain", "is not square"), predict));
    }

    @Test
    void everyReportIsOneLine() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(b, true, StandardCharsets.UTF_8);
        ErrorHandler h = new ErrorHandler(new Main(), err, new String[0]);
        assertEquals(7, h.handle(new Ntk4jException("first line\nsecond line\r\n  third"), null));
        assertEquals(70, h.handle(new IllegalStateException("boom\nmore"), null));
        assertEquals(4, h.handle(new OutOfMemoryError("Java heap space"), null));
        String[] lines = b.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(3, lines.length, b.toString());
        assertEquals("ntk4j: error: first line; second line; third", lines[0]);
        assertTrue(lines[1].startsWith("ntk4j: internal error: java.lang.IllegalStateException: boom; more (rerun with --verbose"), lines[1]);
        assertTrue(lines[2].startsWith("ntk4j: error: out of memory (Java heap space); "), lines[2]);
    }

    /** A command whose work fails deep inside with a bare IllegalArgumentException, as a bug would. */
    @CommandLine.Command(name = "boom")
    static final class Boom implements java.util.concurrent.Callable<Integer> {
        @CommandLine.Option(names = "--n") int n = 1;

        @Override public Integer call() { return deep(-60); }

        private static int deep(int count) {
            return "x".repeat(count).length(); // IllegalArgumentException: count is negative: -60
        }
    }

    @Test
    void anIllegalArgumentExceptionFromDeepInsideACommandIsAnInternalError() {
        // the same wiring as Main.run: picocli wraps what call() throws, the handler maps it
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(b, true, StandardCharsets.UTF_8);
        Main main = new Main();
        CommandLine cl = new CommandLine(main).addSubcommand(new Boom());
        ErrorHandler h = new ErrorHandler(main, err, new String[] {"boom"});
        cl.setParameterExceptionHandler(h);
        cl.setExecutionExceptionHandler(h);
        assertEquals(70, cl.execute("boom", "--n", "2"));
        String line = b.toString(StandardCharsets.UTF_8);
        assertEquals(1, line.lines().count(), line);
        assertTrue(line.startsWith("ntk4j: internal error: java.lang.IllegalArgumentException: count is negative: -60 ("), line);
        assertTrue(line.contains("please report it"), line);
    }
}
