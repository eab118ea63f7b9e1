package org.ntk4j.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.ntk4j.Ntk4j;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code ntk4j} command line: subcommands {@code kernel}, {@code predict}, {@code softopt}, {@code info},
 * {@code demo}, {@code finite}, {@code fit}, {@code calibrate}, {@code example-data}.
 *
 * <p><b>Pattern for a new subcommand</b> (predict, finite, softopt follow it):
 * <ol>
 *   <li>A class {@code XxxCommand implements Callable<Integer>} annotated {@code @Command(name = "xxx")},
 *       listed in {@link #SUBCOMMANDS}, with {@code @ParentCommand Main main} for the streams
 *       ({@link #out()}, {@link #err()}) and {@link #verbose()}.</li>
 *   <li>Flags as {@code @Option}s; a required flag is {@code required = true}. Invalid flag values
 *       are usage errors (exit 2) that picocli reports.</li>
 *   <li>Read inputs with {@link InputFiles#matrix(String, java.nio.file.Path)} (or {@code vector}),
 *       passing the flag name so that errors read {@code --x1: file not found: a.npy}.</li>
 *   <li>A command that writes arrays takes the {@code --format} mixin ({@code @Mixin FormatOption})
 *       and passes its format to {@link #outputDir(String, java.nio.file.Path, org.ntk4j.io.ArrayFormat)};
 *       it names arrays by stem ({@code dir.writeMatrix("mean", ...)}), the format adds the extension.
 *       {@code --verbose}, {@code --quiet} and {@code --log-level} are Main's, inherited by every command.</li>
 *   <li>Validate shapes across inputs and throw {@link org.ntk4j.error.InvalidInputException}
 *       with the flag name; create the output with {@link #outputDir(String, java.nio.file.Path)}
 *       <em>before</em> the long computation, so a bad {@code --out} fails fast. Main writes the
 *       directory's {@code run.json} (the record that the set is complete) when {@code call()}
 *       returns 0, never otherwise.</li>
 *   <li>Compute through the Java API, passing {@link ProgressBar#of(Main, String)} as the
 *       {@code ProgressListener} for long steps; write results with {@code OutputDir.write...}.</li>
 *   <li>Never catch exceptions to print them, and never call {@code System.exit}: throw the typed
 *       exceptions of {@code org.ntk4j.error}; {@link ErrorHandler} prints one line and maps them to
 *       exit codes (2 usage, 3 invalid input, 4 memory, 5 ill-posed, 6 device, 7 other ntk4j error,
 *       70 internal error). Return 0 on success.</li>
 * </ol>
 * Test a command in-process through {@link #run(String[], PrintStream, PrintStream)}.
 */
@Command(
        name = "ntk4j",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Infinite-width NNGP/NTK kernels, predictions and soft optimization.",
        usageHelpAutoWidth = true)
public final class Main implements Callable<Integer> {
    @Option(
            names = "--verbose",
            scope = ScopeType.INHERIT,
            description = "Print a stack trace with errors (and more detail where a command has it).")
    boolean verbose;

    @Option(
            names = "--quiet",
            scope = ScopeType.INHERIT,
            description = "Log errors only (the same as --log-level error); no progress bar.")
    boolean quiet;

    @Option(
            names = "--log-level",
            scope = ScopeType.INHERIT,
            paramLabel = "error|warn|info|debug",
            converter = LogLevelConverter.class,
            description = "Library logging on stderr (default: warn, or NTK4J_LOG).")
    String logLevel;

    @Spec
    CommandSpec spec;

    private PrintStream out = System.out;
    private PrintStream err = System.err;
    private final List<OutputDir> outputDirs = new java.util.ArrayList<>();

    /**
     * Creates a command's output directory ({@link OutputDir#create}: its old {@code run.json} is
     * deleted now) and registers it for the run record that {@link #run} writes on success.
     */
    public OutputDir outputDir(String flag, java.nio.file.Path dir) {
        return outputDir(flag, dir, org.ntk4j.io.ArrayFormat.NPY);
    }

    /** {@link #outputDir(String, java.nio.file.Path)} writing arrays in {@code format} ({@code --format}). */
    public OutputDir outputDir(String flag, java.nio.file.Path dir, org.ntk4j.io.ArrayFormat format) {
        OutputDir d = OutputDir.create(flag, dir, format);
        outputDirs.add(d);
        return d;
    }

    /** Standard output of this invocation. */
    public PrintStream out() {
        return out;
    }

    /** Standard error of this invocation (errors, progress, verbose diagnostics). */
    public PrintStream err() {
        return err;
    }

    /** Whether {@code --verbose} was given. */
    public boolean verbose() {
        return verbose;
    }

    /** Whether {@code --quiet} was given (or {@code --log-level error}): no progress bar. */
    public boolean quiet() {
        return quiet || "error".equals(logLevel);
    }

    /** {@code --log-level}: one of {@link Logging#LEVELS}, any case. */
    static final class LogLevelConverter implements CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String s) {
            String l = Logging.level(s);
            if (l == null)
                throw new CommandLine.TypeConversionException(
                        "'" + s + "' is not one of " + String.join(", ", Logging.LEVELS));
            return l;
        }
    }

    /** {@code --quiet} with another {@code --log-level} than error asks for two things: a usage error. */
    private int execute(CommandLine.ParseResult parsed) {
        if (quiet && logLevel != null && !logLevel.equals("error"))
            throw new CommandLine.ParameterException(
                    parsed.subcommand() == null
                            ? parsed.commandSpec().commandLine()
                            : parsed.subcommand().commandSpec().commandLine(),
                    "--quiet: cannot be combined with --log-level " + logLevel
                            + " (--quiet means --log-level error); give one of them");
        return new CommandLine.RunLast().execute(parsed);
    }

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(
                spec.commandLine(),
                "missing command (kernel, predict, softopt, info, demo, finite, fit, calibrate or example-data); see 'ntk4j --help'");
    }

    /** The subcommands, in the order of the help. */
    static final List<Class<?>> SUBCOMMANDS = withSpark(
            KernelCommand.class,
            PredictCommand.class,
            SoftoptCommand.class,
            InfoCommand.class,
            DemoCommand.class,
            FiniteCommand.class,
            FitCommand.class,
            CalibrateCommand.class,
            ExampleDataCommand.class,
            CorrectionCommand.class);

    /**
     * The commands plus {@code spark}, found by name: it is compiled after the module (src/spark/java, see
     * the POM) and loads Spark only when it runs, from the jars that {@code bin/ntk4j spark} adds.
     */
    private static List<Class<?>> withSpark(Class<?>... commands) {
        List<Class<?>> all = new java.util.ArrayList<>(List.of(commands));
        try {
            all.add(Class.forName("org.ntk4j.cli.SparkCommand", false, Main.class.getClassLoader()));
        } catch (ClassNotFoundException e) {
            // a build without src/spark/java: no spark command
        }
        return List.copyOf(all);
    }

    /**
     * The subcommands a command line needs: only the one it names, or all of them (help, version,
     * errors). why: picocli builds the model of every subcommand it is given, by reflection over its
     * annotations, before parsing; for one kernel/predict run the other five cost start-up time.
     * Of Main's own options only --log-level takes a value (skipped), so the first other argument not
     * starting with '-' is the subcommand.
     */
    static List<Class<?>> subcommandsFor(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--log-level")) i++;
            if (a.startsWith("-")) continue;
            for (Class<?> c : SUBCOMMANDS)
                if (c.getAnnotation(Command.class).name().equals(a)) return List.of(c);
            break;
        }
        return SUBCOMMANDS;
    }

    /** The command line for {@code args}: {@code main} with the subcommands they need ({@link #subcommandsFor}). */
    static CommandLine commandLine(Main main, String[] args) {
        CommandLine cl = new CommandLine(main);
        for (Class<?> c : subcommandsFor(args)) cl.addSubcommand(c);
        return cl;
    }

    /** Supplies {@code --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"ntk4j " + Ntk4j.VERSION};
        }
    }

    /**
     * Runs the command line in-process and returns its exit code (0 success, 1..125 errors).
     * Never calls {@code System.exit}.
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, System.getenv(Logging.ENV));
    }

    /**
     * {@link #run(String[], PrintStream, PrintStream)} with {@code ntk4jLog} for the environment's
     * {@code NTK4J_LOG}: an invalid value is a usage error (exit 2), before anything else.
     */
    static int run(String[] args, PrintStream out, PrintStream err, String ntk4jLog) {
        java.time.Instant start = java.time.Instant.now();
        String badEnvironment = Logging.checkEnvironment(ntk4jLog);
        if (badEnvironment != null) {
            err.println("ntk4j: error: " + badEnvironment);
            err.flush();
            return ErrorHandler.USAGE;
        }
        Logging.configure(args, ntk4jLog); // first: before any logger is created
        Main main = new Main();
        main.out = out;
        main.err = err;
        CommandLine cl = commandLine(main, args);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        ErrorHandler handler = new ErrorHandler(main, err, args);
        cl.setParameterExceptionHandler(handler);
        cl.setExecutionExceptionHandler(handler);
        cl.setExecutionStrategy(main::execute);
        cl.setAllowSubcommandsAsOptionParameters(true); // `--log-level info info`: the level, then the command
        try {
            int code = cl.execute(args);
            if (code == 0) {
                // last of all: the record that each output set is complete (OutputDir)
                for (OutputDir d : main.outputDirs) d.writeRunRecord(Ntk4j.VERSION, List.of(args), start);
            }
            return code;
        } catch (Throwable t) { // Errors (OutOfMemoryError, ...) pass through picocli's handlers
            return handler.handle(t, null);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /**
     * The process entry point. Ctrl-C (SIGINT; also SIGTERM) makes the JVM exit with 130 (143), and
     * a shutdown hook first interrupts the command and waits (up to {@link #UNWIND_MILLIS}) for it to
     * unwind: the computation stops within about one tile (or at the end of the BLAS/LAPACK call in
     * progress), its workers are joined, temporary files are removed and the one-line report is
     * printed, so that no output set is left looking complete.
     */
    public static void main(String[] args) {
        Thread command = Thread.currentThread();
        java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> unwind(command, finished), "ntk4j-shutdown"));
        int code;
        try {
            code = run(args, System.out, System.err);
        } finally {
            finished.countDown();
        }
        // during a signal's shutdown this blocks, and the JVM exits with the signal's status (130 for SIGINT)
        System.exit(code);
    }

    /**
     * How long the shutdown hook waits for an interrupted command to unwind: long enough for the
     * step in progress to end (a BLAS or LAPACK call cannot be stopped; the command checks between
     * them). why not a few seconds: a JVM that exits while OpenBLAS is mid-call can hang for good in
     * OpenBLAS's exit handler (seen: a SIGINT during the posterior's solves, n = 6000, after a 5 s
     * wait), so the exit should come after the command has stopped.
     */
    static final long UNWIND_MILLIS = 60_000;

    /** In the shutdown hook: interrupts the command if it is still running and waits (bounded) for it to finish. */
    static void unwind(Thread command, java.util.concurrent.CountDownLatch finished) {
        if (finished.getCount() == 0) return; // a normal exit: the command is done
        command.interrupt();
        try {
            finished.await(UNWIND_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
