package org.ntk4j.spark;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * A Spark session whose driver listens on 127.0.0.1 only, without the web UI: what {@code ntk4j spark}
 * and the tests start (Spark otherwise binds the driver to the machine's external address). On a cluster
 * the session comes from {@code spark-submit} instead.
 */
public final class LoopbackSpark {
    private LoopbackSpark() {}

    /**
     * A session for {@code master} (local[*], local[N] or spark://HOST:PORT). For a cluster master the
     * executors are sent ntk4j's jar and the jars of its {@code lib/} folder (where {@code bin/ntk4j}
     * runs from: {@code target/ntk4j.jar}, {@code target/lib}), which they do not have otherwise.
     */
    public static SparkSession session(String master, String appName) {
        SparkSession.Builder b = SparkSession.builder()
                .master(master)
                .appName(appName)
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false");
        if (!master.startsWith("local")) b = b.config("spark.jars", String.join(",", ownJars()));
        return b.getOrCreate();
    }

    /** This jar and the jars beside it in lib/ (none when running from a classes directory). */
    static List<String> ownJars() {
        try {
            Path self = Path.of(LoopbackSpark.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            if (!Files.isRegularFile(self)) return List.of();
            List<String> jars = new ArrayList<>(List.of(self.toString()));
            Path lib = self.resolveSibling("lib");
            if (Files.isDirectory(lib))
                try (Stream<Path> s = Files.list(lib)) {
                    s.filter(f -> f.toString().endsWith(".jar")).sorted().forEach(f -> jars.add(f.toString()));
                }
            return jars;
        } catch (URISyntaxException | IOException e) {
            throw new IllegalStateException("cannot locate ntk4j's jar for the executors", e);
        }
    }
}
