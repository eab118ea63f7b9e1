package org.ntk4j.cli;

/**
 * Keeps library logging out of the CLI's output: slf4j-simple at WARN on stderr (also set in
 * {@code simplelogger.properties}; {@code -D} flags and {@code NTK4J_LOG} in the launcher win), and
 * JavaCPP's loader routed through slf4j instead of printing on its own.
 */
final class Logging {
    private Logging() {}

    static void configure() {
        setDefault("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        setDefault("org.slf4j.simpleLogger.logFile", "System.err");
        setDefault("org.bytedeco.javacpp.logger", "slf4j");
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) System.setProperty(key, value);
    }
}
