package org.ntk4j.cli;

import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.ntk4j.error.ComputationInterruptedException;
import org.ntk4j.error.DeviceUnavailableException;
import org.ntk4j.error.IllPosedProblemException;
import org.ntk4j.error.InputText;
import org.ntk4j.error.InsufficientMemoryException;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.error.Ntk4jException;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns every failure into one line on stderr and an exit code; a stack trace only with
 * {@code --verbose}. The codes are part of the CLI's contract (README):
 * 2 usage, 3 invalid input, 4 insufficient memory, 5 ill-posed problem, 6 device unavailable,
 * 7 other ntk4j error (among them an output that could not be written), 70 internal error (a bug:
 * please report it), 130 interrupted (Ctrl-C, as a shell reports SIGINT). Only the typed exceptions
 * of {@code org.ntk4j.error} are the user's fault or the environment's; any other exception
 * (a bare {@code IllegalArgumentException} too) is an internal error.
 */
final class ErrorHandler implements CommandLine.IParameterExceptionHandler, CommandLine.IExecutionExceptionHandler {
    static final int USAGE = 2, INVALID_INPUT = 3, MEMORY = 4, ILL_POSED = 5, DEVICE = 6, NTK4J = 7, INTERNAL = 70,
        INTERRUPTED = 130;

    private final Main main;
    private final PrintStream err;
    private final boolean verboseArg;

    ErrorHandler(Main main, PrintStream err, String[] args) {
        this.main = main;
        this.err = err;
        boolean v = false;
        for (String a : args) {
            if (a.equals("--")) break;
            if (a.equals("--verbose")) v = true;
        }
        this.verboseArg = v; // also known when parsing failed before the option was bound
    }

    private boolean verbose() { return verboseArg || main.verbose(); }

    @Override public int handleParseException(ParameterException ex, String[] args) {
        String msg = oneLine(ex.getMessage());
        if (ex instanceof CommandLine.UnmatchedArgumentException u && ex.getCommandLine().getParent() == null
                && !u.getUnmatched().isEmpty() && !u.getUnmatched().get(0).startsWith("-")) {
            msg = "unknown command '" + u.getUnmatched().get(0) + "'; commands: "
                + String.join(", ", ex.getCommandLine().getSubcommands().keySet());
        }
        if (!msg.contains("--help")) msg += " (see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')";
        err.println("ntk4j: error: " + msg);
        if (verbose()) ex.printStackTrace(err);
        return USAGE;
    }

    @Override public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parseResult) {
        return handle(ex, cl);
    }

    /** Prints the one-line report of {@code t} and returns its exit code. */
    int handle(Throwable t, CommandLine cl) {
        Throwable e = unwrap(t);
        int code = exitCode(e);
        String flagged = e instanceof InvalidInputException iie ? asFlag(iie, cl) : null;
        if (flagged != null) {
            err.println("ntk4j: error: " + oneLine(flagged));
        } else if (code == INTERNAL) {
            err.println("ntk4j: internal error: " + e.getClass().getName()
                + (e.getMessage() == null ? "" : ": " + oneLine(e.getMessage()))
                + (verbose() ? "" : " (rerun with --verbose for the stack trace, and please report it)"));
        } else if (e instanceof OutOfMemoryError) {
            err.println("ntk4j: error: out of memory (" + oneLine(String.valueOf(e.getMessage()))
                + "); use smaller inputs, --dtype float32, or a larger heap, e.g. NTK4J_OPTS=-Xmx16g");
        } else {
            err.println("ntk4j: error: " + oneLine(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
        if (verbose()) t.printStackTrace(err);
        err.flush();
        return code;
    }

    /**
     * The message of {@code e} with its library argument name replaced by the command's flag for it
     * ({@code arch: ...} → {@code --arch: ...}, {@code xTrain: ...} → {@code --x-train: ...}), or null
     * when no flag matches. This is the one place where library names become flags: the library names
     * its arguments as its Java API does, and names match flags ignoring case and punctuation (or
     * through {@link #FLAG_ALIASES}, for an API name that is not its flag's spelling).
     */
    static String asFlag(InvalidInputException e, CommandLine cl) {
        String arg = e.argument(), msg = e.getMessage();
        if (cl == null || arg == null || arg.startsWith("-") || msg == null || !msg.startsWith(arg + ":")) return null;
        String key = FLAG_ALIASES.getOrDefault(normalize(arg), normalize(arg));
        for (CommandLine.Model.OptionSpec o : cl.getCommandSpec().options()) {
            if (normalize(o.longestName()).equals(key)) return o.longestName() + msg.substring(arg.length());
        }
        return null;
    }

    /** Library argument names (normalized) whose flag is spelled otherwise: {@code architecture} is {@code --arch}. */
    private static final java.util.Map<String, String> FLAG_ALIASES = java.util.Map.of("architecture", "arch");

    private static String normalize(String s) { return s.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]", ""); }

    /** The exit code of an exception (after {@link #unwrap}). */
    static int exitCode(Throwable e) {
        if (e instanceof InvalidInputException) return INVALID_INPUT;
        if (e instanceof InsufficientMemoryException || e instanceof OutOfMemoryError) return MEMORY;
        if (e instanceof IllPosedProblemException) return ILL_POSED;
        if (e instanceof DeviceUnavailableException) return DEVICE;
        if (e instanceof ComputationInterruptedException) return INTERRUPTED;
        if (e instanceof Ntk4jException) return NTK4J;
        // Everything else is a bug, IllegalArgumentException and IllegalStateException included:
        // the commands validate what the user gives into InvalidInputExceptions naming the flag, so
        // a bare one comes from code the user cannot reach with a bad value (e.g. a progress bar
        // given a negative count) and must not be reported as "invalid input".
        return INTERNAL;
    }

    /**
     * The exception to report: wrappers from thread pools and reflection are peeled off, and an
     * ntk4j exception anywhere in the cause chain wins over what wraps it.
     */
    static Throwable unwrap(Throwable t) {
        Throwable e = t;
        while ((e instanceof ExecutionException || e instanceof CompletionException
                || e instanceof UndeclaredThrowableException || e instanceof InvocationTargetException
                || e instanceof CommandLine.ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        for (Throwable c = e; c != null && c.getCause() != c; c = c.getCause()) {
            if (c instanceof Ntk4jException) return c;
        }
        return e;
    }

    /** A message as one line of printable text: line breaks collapsed, control characters escaped, cut if huge. */
    static String oneLine(String s) { return InputText.oneLine(s, MESSAGE_LIMIT); }

    /** Longest error line printed (an option value echoed by picocli can be arbitrarily long). */
    private static final int MESSAGE_LIMIT = 2000;
}
