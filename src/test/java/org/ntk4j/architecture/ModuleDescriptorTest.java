package org.ntk4j.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ntk4j.Ntk4j;

/**
 * The module descriptor ({@code src/main/java/module-info.java}) says what is API: every package of
 * the library is either exported or one of the internal packages below, so that a new package is a
 * decision rather than an accident; and the services it provides are exactly those of
 * {@code META-INF/services}, so that the class path (where the tests and {@code bin/ntk4j} run) and
 * the module path find the same engines.
 */
class ModuleDescriptorTest {
    /** Not API: the CUDA engine (found through ServiceLoader), the command line, the demo. */
    static final Set<String> INTERNAL = Set.of("org.ntk4j.gpu", "org.ntk4j.cli", "org.ntk4j.demo", "org.ntk4j.plot");

    /**
     * API on the class path only: the Spark estimator (src/spark/java, compiled after the module into the
     * same jar). Spark's jars are not modules and their automatic names (e.g. {@code spark.sql.2.13}) are
     * not valid module names, so the named module cannot read Spark; spark-submit and {@code bin/ntk4j
     * spark} put ntk4j on the class path, where the package is public.
     */
    static final Set<String> CLASS_PATH_ONLY = Set.of("org.ntk4j.spark");

    private static Path classes;
    private static ModuleDescriptor module;

    @BeforeAll
    static void readDescriptor() throws IOException, URISyntaxException {
        classes = Path.of(
                Ntk4j.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (InputStream in = Files.newInputStream(classes.resolve("module-info.class"))) {
            module = ModuleDescriptor.read(in);
        }
    }

    @Test
    void everyPackageIsExportedOrInternal() throws IOException {
        Set<String> exported = module.exports().stream()
                .map(ModuleDescriptor.Exports::source)
                .collect(Collectors.toCollection(TreeSet::new));
        assertTrue(
                module.exports().stream().noneMatch(ModuleDescriptor.Exports::isQualified),
                "exports to named modules only: " + module.exports());
        Set<String> packages = packages();
        Set<String> undecided = new TreeSet<>(packages);
        undecided.removeAll(exported);
        undecided.removeAll(INTERNAL);
        undecided.removeAll(CLASS_PATH_ONLY);
        assertEquals(Set.of(), undecided, "packages neither exported in module-info.java nor listed as internal here");
        Set<String> leaked = new TreeSet<>(exported);
        leaked.retainAll(INTERNAL);
        leaked.addAll(CLASS_PATH_ONLY.stream().filter(exported::contains).toList());
        assertEquals(Set.of(), leaked, "internal packages exported");
        assertEquals("org.ntk4j", module.name());
    }

    @Test
    void providesWhatMetaInfServicesLists() throws IOException {
        Map<String, List<String>> files = new TreeMap<>();
        Path services = classes.resolve("META-INF/services");
        try (Stream<Path> s = Files.list(services)) {
            for (Path f : s.sorted().toList())
                files.put(
                        f.getFileName().toString(),
                        Files.readAllLines(f, StandardCharsets.UTF_8).stream()
                                .map(l -> l.replaceFirst("#.*", "").trim())
                                .filter(l -> !l.isEmpty())
                                .sorted()
                                .toList());
        }
        Map<String, List<String>> provides = new TreeMap<>();
        for (ModuleDescriptor.Provides p : module.provides())
            provides.put(p.service(), p.providers().stream().sorted().toList());
        assertEquals(files, provides, "module-info.java's provides and META-INF/services disagree");
        assertTrue(
                module.uses().containsAll(provides.keySet()),
                "a provided service the library does not declare it uses: " + module.uses());
    }

    /** The packages with classes under the library's class output. */
    private static Set<String> packages() throws IOException {
        try (Stream<Path> s = Files.walk(classes)) {
            return s.filter(p -> p.toString().endsWith(".class")
                            && !p.getFileName().toString().equals("module-info.class"))
                    .map(p -> classes.relativize(p.getParent())
                            .toString()
                            .replace(p.getFileSystem().getSeparator(), "."))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }
}
