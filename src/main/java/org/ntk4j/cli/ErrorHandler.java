package org.ntk4j.cli;

import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ntk4j.error.ComputationInterruptedException;
import org.ntk4j.error.DeviceUnavailableException;
import org.ntk4j.error.IllPosedProblemException;
import org.ntk4j.error.InputText;
import org.ntk4j.error.InsufficientMemoryException;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.error.Ntk4jException;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
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
    static final int USAGE = 2,
            INVALID_INPUT = 3,
            MEMORY = 4,
            ILL_POSED = 5,
            DEVICE = 6,
            NTK4J = 7,
            INTERNAL = 70,
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

    private boolean verbose() {
        return verboseArg || main.verbose();
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        String msg = oneLine(ex.getMessage());
        if (ex instanceof CommandLine.UnmatchedArgumentException u
                && ex.getCommandLine().getParent() == null
                && !u.getUnmatched().isEmpty()
                && !u.getUnmatched().get(0).startsWith("-")) {
            msg = "unknown command '" + u.getUnmatched().get(0) + "'; commands: "
                    + String.join(", ", ex.getCommandLine().getSubcommands().keySet());
        }
        if (!msg.contains("--help"))
            msg += " (see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')";
        err.println("ntk4j: error: " + msg);
        if (verbose()) ex.printStackTrace(err);
        return USAGE;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parseResult) {
        return handle(ex, cl);
    }

    /** Prints the one-line report of {@code t} and returns its exit code. */
    int handle(Throwable t, CommandLine cl) {
        Throwable e = unwrap(t);
        int code = exitCode(e);
        if (e instanceof Ntk4jException && e.getMessage() != null) {
            err.println("ntk4j: error: " + oneLine(inCommandTerms(e, cl)));
        } else if (code == INTERNAL) {
            err.println("ntk4j: internal error: " + e.getClass().getName()
                    + (e.getMessage() == null ? "" : ": " + oneLine(e.getMessage()))
                    + (verbose() ? "" : " (rerun with --verbose for the stack trace, and please report it)"));
        } else if (e instanceof OutOfMemoryError) {
            err.println("ntk4j: error: out of memory (" + oneLine(String.valueOf(e.getMessage()))
                    + "); use smaller inputs, --dtype float32, or a larger heap, e.g. NTK4J_OPTS=-Xmx16g");
        } else {
            err.println("ntk4j: error: "
                    + oneLine(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
        if (verbose()) t.printStackTrace(err);
        err.flush();
        return code;
    }

    /**
     * The message of {@code e} in the terms of the command being run: library names become the
     * command's flags. This is the one place where that happens; the library names its arguments
     * as its Java API does ({@code xTrain}, {@code diagReg}, {@code Device.CPU}) and never spells a
     * flag. Three rules, each tied to an option of {@code cl} (a name the command has no flag for
     * stays as it is):
     * <ol>
     *   <li>the argument an {@link InvalidInputException} starts with: {@code xTrain: ...} →
     *       {@code --x-train: ...}, {@code arch: ...} → {@code --arch: ...};</li>
     *   <li>in the rest of the message, a whole word spelled as a flag's library name, when that name
     *       is a compound identifier (an inner capital or a digit: {@code xTrain}, {@code diagReg},
     *       {@code x1}): {@code but xTrain has 3} → {@code but --x-train has 3}. Single lowercase
     *       words ({@code time}, {@code device}, {@code seed}) are English too and stay;</li>
     *   <li>a constant of an option's enum type, {@code Type.CONSTANT}: {@code Device.CPU} →
     *       {@code --device cpu}, {@code DType.FLOAT64} → {@code --dtype float64}.</li>
     * </ol>
     * A flag's library name is its long name in camelCase ({@code --x-train} → {@code xTrain},
     * {@code --fx-train-0} → {@code fxTrain0}), or an entry of {@link #FLAG_ALIASES}. A word that is
     * part of a path or file name (after {@code /}, {@code .} or {@code -}, or before {@code .ext})
     * is not a name.
     */
    static String inCommandTerms(Throwable e, CommandLine cl) {
        String msg = e.getMessage();
        if (cl == null || msg == null) return msg;
        Map<String, OptionSpec> flags = flagsByLibraryName(cl);
        String head = "";
        if (e instanceof InvalidInputException iie
                && iie.argument() != null
                && msg.startsWith(iie.argument() + ":")
                && flags.containsKey(iie.argument())) {
            head = flags.get(iie.argument()).longestName();
            msg = msg.substring(iie.argument().length());
        }
        Matcher m = NAME.matcher(msg);
        StringBuilder b = new StringBuilder(head);
        while (m.find()) m.appendReplacement(b, Matcher.quoteReplacement(inCommandTerms(m, flags)));
        return m.appendTail(b).toString();
    }

    /** The replacement of one {@link #NAME} match: the flag (and value) it names, or itself. */
    private static String inCommandTerms(Matcher m, Map<String, OptionSpec> flags) {
        if (m.group("type") != null) {
            for (OptionSpec o : flags.values()) {
                if (o.type().isEnum()
                        && o.type().getSimpleName().equals(m.group("type"))
                        && isConstant(o.type(), m.group("constant")))
                    return o.longestName() + " " + m.group("constant").toLowerCase(Locale.ROOT);
            }
            return m.group();
        }
        String word = m.group("word");
        OptionSpec o = flags.get(word);
        boolean compound = word.chars().skip(1).anyMatch(Character::isUpperCase)
                || word.chars().anyMatch(Character::isDigit);
        return o != null && compound ? o.longestName() : word;
    }

    private static boolean isConstant(Class<?> type, String name) {
        for (Object c : type.getEnumConstants()) if (((Enum<?>) c).name().equals(name)) return true;
        return false;
    }

    /**
     * A candidate name: {@code Type.CONSTANT} or a word, not inside a path or a flag (not after
     * a letter, digit, {@code _ . / \ -}) and not before a file extension or a member ({@code .x}).
     */
    private static final Pattern NAME = Pattern.compile(
            "(?<![A-Za-z0-9_./\\\\-])(?:(?<type>[A-Z][A-Za-z0-9]*)\\.(?<constant>[A-Z][A-Z0-9_]*)|(?<word>[A-Za-z][A-Za-z0-9_]*))"
                    + "(?![A-Za-z0-9_])(?!\\.[A-Za-z0-9_])");

    /** The command's options by library name: each flag's camelCase name, and the aliases that name it. */
    private static Map<String, OptionSpec> flagsByLibraryName(CommandLine cl) {
        Map<String, OptionSpec> byName = new LinkedHashMap<>();
        for (OptionSpec o : cl.getCommandSpec().options()) byName.put(libraryName(o.longestName()), o);
        FLAG_ALIASES.forEach((name, flag) -> {
            OptionSpec o = cl.getCommandSpec().findOption(flag);
            if (o != null) byName.putIfAbsent(name, o);
        });
        return byName;
    }

    /** The library's spelling of a flag: {@code --x-train} → {@code xTrain}, {@code --fx-train-0} → {@code fxTrain0}. */
    static String libraryName(String flag) {
        String[] parts = flag.replaceFirst("^-+", "").split("-");
        StringBuilder b = new StringBuilder(parts[0]);
        for (int i = 1; i < parts.length; i++)
            if (!parts[i].isEmpty())
                b.append(Character.toUpperCase(parts[i].charAt(0))).append(parts[i], 1, parts[i].length());
        return b.toString();
    }

    /**
     * Library names that are not their flag's camelCase spelling: {@code architecture} is
     * {@code --arch}, {@code covariance} (of the utilities, {@code utility.JointSamples}) is {@code --cov},
     * {@code modelDir} (where {@code predict.FittedPosterior} saves) is {@code --save-model}.
     */
    private static final Map<String, String> FLAG_ALIASES =
            Map.of("architecture", "--arch", "covariance", "--cov", "modelDir", "--save-model");

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
        while ((e instanceof ExecutionException
                        || e instanceof CompletionException
                        || e instanceof UndeclaredThrowableException
                        || e instanceof InvocationTargetException
                        || e instanceof CommandLine.ExecutionException)
                && e.getCause() != null) {
            e = e.getCause();
        }
        for (Throwable c = e; c != null && c.getCause() != c; c = c.getCause()) {
            if (c instanceof Ntk4jException) return c;
        }
        return e;
    }

    /** A message as one line of printable text: line breaks collapsed, control characters escaped, cut if huge. */
    static String oneLine(String s) {
        return InputText.oneLine(s, MESSAGE_LIMIT);
    }

    /** Longest error line printed (an option value echoed by picocli can be arbitrarily long). */
    private static final int MESSAGE_LIMIT = 2000;
}
