package org.ntk4j.cli;

/**
 * Keeps library logging out of the CLI's output: slf4j-simple at WARN on stderr, one short line per
 * message ({@code -D} flags and {@code NTK4J_LOG} in the launcher win), and JavaCPP's loader routed
 * through slf4j instead of printing on its own. Set here rather than in a
 * {@code simplelogger.properties} in the jar, which would configure the binding of every application
 * that depends on ntk4j too.
 */
final class Logging {
    private Logging() {}

    static void configure() {
        setDefault("org.slf4j.simpleLogger.defaultLogLevel", "warn");
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

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) System.setProperty(key, value);
    }
}
