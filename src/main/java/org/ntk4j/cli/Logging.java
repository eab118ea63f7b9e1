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
