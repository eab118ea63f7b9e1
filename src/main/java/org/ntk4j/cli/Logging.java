package org.ntk4j.cli;

import java.util.List;
import java.util.Locale;

/**
 * The CLI's logging: slf4j-simple on stderr at the level the user chose, and JavaCPP's loader routed
 * through slf4j instead of printing on its own.
 *
 * <p>The level, strongest first: the last {@code --quiet} ({@code error}) or {@code --log-level L}
 * on the command line; the environment variable {@code NTK4J_LOG}; a
 * {@code -Dorg.slf4j.simpleLogger.defaultLogLevel} JVM flag; {@code warn}. It is set from the raw
 * arguments, before picocli parses them: slf4j-simple reads its level once, when the first logger is
 * created, and building the command line may already create one; picocli then checks the same
 * flags (an invalid level is its usage error).
 *
 * <p>The binding's format (one short line per message, no thread names) is set here rather than in a
 * {@code simplelogger.properties} in the jar, which would configure the binding of every application
 * that depends on ntk4j too.
 */
final class Logging {
    /** The levels {@code --log-level} and {@code NTK4J_LOG} take, quietest first. */
    static final List<String> LEVELS = List.of("error", "warn", "info", "debug");

    static final String LEVEL_PROPERTY = "org.slf4j.simpleLogger.defaultLogLevel";

    /** The environment variable the launcher documents for the level. */
    static final String ENV = "NTK4J_LOG";

    private Logging() {}

    /**
     * What is wrong with {@code NTK4J_LOG}'s value, as the one-line message of a usage error, or null
     * when it is unset, empty or one of {@link #LEVELS} (any case).
     */
    static String checkEnvironment(String value) {
        if (value == null || value.isEmpty() || level(value) != null) return null;
        return ENV + ": '" + value + "' is not one of " + String.join(", ", LEVELS)
                + "; set one of them, or unset it for the default (warn)";
    }

    /** Sets the level for this run (see the class comment) and the JavaCPP logger; before any logger exists. */
    static void configure(String[] args, String environment) {
        String fromArgs = levelInArguments(args);
        String fromEnv = environment == null ? null : level(environment);
        if (fromArgs != null) System.setProperty(LEVEL_PROPERTY, fromArgs);
        else if (fromEnv != null) System.setProperty(LEVEL_PROPERTY, fromEnv);
        else setDefault(LEVEL_PROPERTY, "warn");
        setDefault("org.slf4j.simpleLogger.logFile", "System.err");
        setDefault("org.slf4j.simpleLogger.showThreadName", "false");
        setDefault("org.slf4j.simpleLogger.showShortLogName", "true");
        setDefault("org.slf4j.simpleLogger.levelInBrackets", "true");
        // why: on the module path JavaCPP's module does not read org.slf4j, and its slf4j logger then
        // fails with IllegalAccessError on first use; there it keeps its own logger (on the class
        // path, or with --add-reads org.bytedeco.javacpp=org.slf4j, it can read slf4j)
        if (org.bytedeco.javacpp.Loader.class.getModule().canRead(org.slf4j.LoggerFactory.class.getModule()))
            setDefault("org.bytedeco.javacpp.logger", "slf4j");
    }

    /** The level the last {@code --quiet} or valid {@code --log-level} before {@code --} asks for, or null. */
    static String levelInArguments(String[] args) {
        String level = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) break;
            if (a.equals("--quiet")) level = "error";
            else if (a.startsWith("--log-level=")) level = orElse(level(a.substring("--log-level=".length())), level);
            else if (a.equals("--log-level") && i + 1 < args.length) level = orElse(level(args[++i]), level);
        }
        return level;
    }

    /** {@code s} as one of {@link #LEVELS} (any case, surrounding blanks ignored), or null. */
    static String level(String s) {
        String l = s.strip().toLowerCase(Locale.ROOT);
        return LEVELS.contains(l) ? l : null;
    }

    private static String orElse(String a, String b) {
        return a != null ? a : b;
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) System.setProperty(key, value);
    }
}
