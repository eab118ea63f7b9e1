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
        assertEquals(
                7,
                ErrorHandler.exitCode(new OutputWriteException(Path.of("o/ntk.npy"), "No space left on device", null)));
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
        assertEquals(
                "--x-train: has 3 rows",
                ErrorHandler.inCommandTerms(new InvalidInputException("xTrain", "has 3 rows"), predict));
        assertEquals(
                "--diag-reg: must be >= 0",
                ErrorHandler.inCommandTerms(new InvalidInputException("diagReg", "must be >= 0"), predict));
        assertEquals(
                "--fx-train-0: is NaN",
                ErrorHandler.inCommandTerms(new InvalidInputException("fxTrain0", "is NaN"), predict));
        assertEquals(
                "--time: must be >= 0",
                ErrorHandler.inCommandTerms(new InvalidInputException("time", "must be >= 0"), predict));
        assertEquals(
                "--arch: is required",
                ErrorHandler.inCommandTerms(new InvalidInputException("architecture", "is required"), predict));
        // a library argument the command has no flag for keeps its library name
        assertEquals(
                "kTrainTrain: is not square",
                ErrorHandler.inCommandTerms(new InvalidInputException("kTrainTrain", "is not square"), predict));
        CommandLine kernel = new CommandLine(new KernelCommand());
        assertEquals(
                "yTrain: has 3 rows",
                ErrorHandler.inCommandTerms(new InvalidInputException("yTrain", "has 3 rows"), kernel));
        // no command (an error before one was chosen): the library's message as it is
        assertEquals(
                "xTrain: has 3 rows",
                ErrorHandler.inCommandTerms(new InvalidInputException("xTrain", "has 3 rows"), null));
    }

    @Test
    void libraryNamesInsideTheMessageBecomeFlagsToo() {
        CommandLine predict = new CommandLine(new PredictCommand());
        assertEquals(
                "--y-train: has 5 rows but --x-train has 6",
                ErrorHandler.inCommandTerms(
                        new InvalidInputException("yTrain", "has 5 rows but xTrain has 6"), predict));
        // any ntk4j exception, not only invalid input: the remedy names the flag
        assertEquals(
                "--x-train: rows 0 and 2 are identical, so with --diag-reg = 0 ...; set --diag-reg > 0 (e.g. 1e-6)",
                ErrorHandler.inCommandTerms(
                        new IllPosedProblemException(
                                "xTrain: rows 0 and 2 are identical, so with diagReg = 0 ...; set diagReg > 0 (e.g. 1e-6)"),
                        predict));
        // an option's enum constant becomes the flag and its value
        assertEquals(
                "--device gpu: the GPU cannot be used; use --device cpu or --device auto",
                ErrorHandler.inCommandTerms(
                        new DeviceUnavailableException(
                                "Device.GPU: the GPU cannot be used; use Device.CPU or Device.AUTO"),
                        predict));
        assertEquals(
                "kernel (float32): too large; use float64 (--dtype float64)",
                ErrorHandler.inCommandTerms(
                        new Ntk4jException("kernel (float32): too large; use float64 (DType.FLOAT64)"), predict));
        assertEquals(
                "use --solver exact or --get nngp",
                ErrorHandler.inCommandTerms(new Ntk4jException("use SolverKind.EXACT or Get.NNGP"), predict));
        // not a constant of the option's type, or a type no option has: unchanged
        assertEquals(
                "use Device.TPU or SoftPolicy.P",
                ErrorHandler.inCommandTerms(new Ntk4jException("use Device.TPU or SoftPolicy.P"), predict));
        // single lowercase words are English as well as names; unknown compounds stay; flags stay flags
        assertEquals(
                "at a finite time on this device, kTestTrain, --x-train and --diag-reg",
                ErrorHandler.inCommandTerms(
                        new Ntk4jException("at a finite time on this device, kTestTrain, --x-train and --diag-reg"),
                        predict));
        // a name inside a path or a file name is not a name
        assertEquals(
                "cannot read data/xTrain: xTrain.npy, my-xTrain, xTrain_2",
                ErrorHandler.inCommandTerms(
                        new Ntk4jException("cannot read data/xTrain: xTrain.npy, my-xTrain, xTrain_2"), predict));
        // a sentence may end right after a name
        assertEquals("set --diag-reg.", ErrorHandler.inCommandTerms(new Ntk4jException("set diagReg."), predict));
        // the kernel command's x1 and x2 (a digit makes a compound name)
        CommandLine kernel = new CommandLine(new KernelCommand());
        assertEquals(
                "--x2: has 5 columns but --x1 has 4",
                ErrorHandler.inCommandTerms(new InvalidInputException("x2", "has 5 columns but x1 has 4"), kernel));
    }

    @Test
    void theLibraryNameOfAFlagIsItsCamelCase() {
        assertEquals("xTrain", ErrorHandler.libraryName("--x-train"));
        assertEquals("fxTrain0", ErrorHandler.libraryName("--fx-train-0"));
        assertEquals("diagRegAbsolute", ErrorHandler.libraryName("--diag-reg-absolute"));
        assertEquals("x1", ErrorHandler.libraryName("--x1"));
        assertEquals("q", ErrorHandler.libraryName("-q"));
    }

    @Test
    void theReportLineIsInTheCommandsTerms() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(b, true, StandardCharsets.UTF_8);
        ErrorHandler h = new ErrorHandler(new Main(), err, new String[0]);
        assertEquals(
                3,
                h.handle(
                        new InvalidInputException("xTest", "has 2 features but xTrain has 3"),
                        new CommandLine(new PredictCommand())));
        assertEquals(
                "ntk4j: error: --x-test: has 2 features but --x-train has 3",
                b.toString(StandardCharsets.UTF_8).strip());
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
        assertTrue(
                lines[1].startsWith(
                        "ntk4j: internal error: java.lang.IllegalStateException: boom; more (rerun with --verbose"),
                lines[1]);
        assertTrue(lines[2].startsWith("ntk4j: error: out of memory (Java heap space); "), lines[2]);
    }

    /** A command whose work fails deep inside with a bare IllegalArgumentException, as a bug would. */
    @CommandLine.Command(name = "boom")
    static final class Boom implements java.util.concurrent.Callable<Integer> {
        @CommandLine.Option(names = "--n")
        int n = 1;

        @Override
        public Integer call() {
            return deep(-60);
        }

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
        assertTrue(
                line.startsWith("ntk4j: internal error: java.lang.IllegalArgumentException: count is negative: -60 ("),
                line);
        assertTrue(line.contains("please report it"), line);
    }
}
