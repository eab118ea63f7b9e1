package org.ntk4j.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.ntk4j.Ntk4j;

/**
 * examples/ is what a user's project looks like, and `verify` builds and runs it against the jar
 * (maven-invoker-plugin). On the class path nothing stops an example from importing an internal
 * package, so this test does: every org.ntk4j import of an example names an exported package. And
 * the examples' pom depends on ntk4j alone, plus the logging binding that is the application's own
 * choice, so that what compiles there compiles for any consumer.
 */
class ExamplesUseTheApiTest {
    private static final Path EXAMPLES = Path.of("examples");
    /** The package of an import: the components before the first capitalized one (a class) or '*'. */
    private static final Pattern IMPORT = Pattern.compile(
            "^import\\s+(?:static\\s+)?(org\\.ntk4j(?:\\.[a-z][a-z0-9_]*)*)\\.(?:[A-Z*]).*;", Pattern.MULTILINE);

    @Test
    void examplesImportOnlyExportedPackages() throws IOException, URISyntaxException {
        Set<String> exported = exportedPackages();
        Map<String, List<String>> internal = new TreeMap<>();
        int imports = 0;
        try (Stream<Path> files = Files.walk(EXAMPLES.resolve("src/main/java"))) {
            for (Path f :
                    files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                Matcher m = IMPORT.matcher(Files.readString(f, StandardCharsets.UTF_8));
                while (m.find()) {
                    imports++;
                    if (!exported.contains(m.group(1)))
                        internal.computeIfAbsent(f.getFileName().toString(), k -> new ArrayList<>())
                                .add(m.group(1));
                }
            }
        }
        assertFalse(imports == 0, "no org.ntk4j imports found under " + EXAMPLES.toAbsolutePath());
        assertEquals(Map.of(), internal, "examples importing packages module-info.java does not export");
    }

    @Test
    void examplesDependOnNtk4jAlonePlusALoggingBinding() throws IOException {
        // the project's own <dependencies>: comments, profiles and the build's plugins removed
        String pom = Files.readString(EXAMPLES.resolve("pom.xml"), StandardCharsets.UTF_8)
                .replaceAll("(?s)<!--.*?-->", "")
                .replaceAll("(?s)<profiles>.*?</profiles>", "")
                .replaceAll("(?s)<build>.*?</build>", "");
        List<String> deps = new ArrayList<>();
        Matcher d = Pattern.compile("(?s)<dependency>(.*?)</dependency>").matcher(pom);
        while (d.find())
            deps.add(tag(d.group(1), "groupId") + ":" + tag(d.group(1), "artifactId") + ":" + tag(d.group(1), "scope"));
        assertEquals(List.of("org.ntk4j:ntk4j:", "org.slf4j:slf4j-simple:runtime"), deps);
    }

    private static Set<String> exportedPackages() throws IOException, URISyntaxException {
        Path classes = Path.of(
                Ntk4j.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (InputStream in = Files.newInputStream(classes.resolve("module-info.class"))) {
            return ModuleDescriptor.read(in).exports().stream()
                    .map(ModuleDescriptor.Exports::source)
                    .collect(Collectors.toSet());
        }
    }

    private static String tag(String xml, String name) {
        Matcher m =
                Pattern.compile("<" + name + ">\\s*(.*?)\\s*</" + name + ">").matcher(xml);
        return m.find() ? m.group(1) : "";
    }
}
