package org.ntk4j.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ntk4j.Ntk4j;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * What a project that depends on ntk4j gets is what the numerical API uses (issue 16): the
 * launcher's libraries (picocli, the logging binding, Jackson's databind, XChart and its PDF/AWT stack) and ND4J
 * stay out of the exported packages, are optional in the POM (so Maven does not pass them on) and
 * {@code requires static} in the module descriptor. If an exported class starts using one of them,
 * a consumer without it would fail with {@code NoClassDefFoundError}: move that use behind the CLI
 * ({@code org.ntk4j.cli}, {@code demo}, {@code plot}) instead. The class-path sizes this keeps are in
 * {@code benchmarks/results/artifact-2026-12-07.md}. Jackson's streaming core is allowed: saved models
 * read and write their {@code model.json} with it (0.6 MB).
 */
class LeanArtifactTest {
    /** Packages of the launcher's libraries: no exported class may reference them. */
    static final String[] LAUNCHER_ONLY = {
        "picocli..",
        "com.fasterxml.jackson.databind..",
        "com.fasterxml.jackson.annotation..",
        "org.knowm.xchart..",
        "org.apache.pdfbox..",
        "de.rototor..",
        "org.slf4j.simple..",
        "java.awt..",
        "javax.imageio..",
        "javax.swing.."
    };

    /** The exported package that may use ND4J (its interop), whose users add ND4J themselves. */
    static final String ND4J_INTEROP = "org.ntk4j.nd4j";

    /**
     * groupId:artifactId of the dependencies a consumer must not inherit, as the POM writes them
     * ({@code ${nd4j.backend}} is nd4j-native, or nd4j-cuda-11.6 under -Pcuda).
     */
    static final Set<String> NOT_INHERITED = Set.of(
            "info.picocli:picocli",
            "org.slf4j:slf4j-simple",
            "com.fasterxml.jackson.core:jackson-databind",
            "org.knowm.xchart:xchart",
            "org.nd4j:nd4j-api",
            "org.nd4j:${nd4j.backend}");

    /** Module names of the launcher's libraries and ND4J, which the module may only read statically. */
    static final Set<String> STATIC_ONLY =
            Set.of("info.picocli", "com.fasterxml.jackson.databind", "org.knowm.xchart", "java.desktop", "nd4j.api");

    private static Path classes;
    private static ModuleDescriptor module;
    private static JavaClasses main;

    @BeforeAll
    static void read() throws IOException, URISyntaxException {
        classes = Path.of(
                Ntk4j.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (InputStream in = Files.newInputStream(classes.resolve("module-info.class"))) {
            module = ModuleDescriptor.read(in);
        }
        main = MainClasses.get();
    }

    private static String[] exported() {
        return module.exports().stream().map(ModuleDescriptor.Exports::source).toArray(String[]::new);
    }

    @Test
    void exportedPackagesDoNotUseTheLaunchersLibraries() {
        noClasses()
                .that()
                .resideInAnyPackage(exported())
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(LAUNCHER_ONLY)
                .because("picocli, the logging binding, Jackson and XChart are optional dependencies: a consumer"
                        + " of the API does not have them (move the use into org.ntk4j.cli, demo or plot)")
                .check(main);
    }

    @Test
    void onlyTheInteropPackageUsesNd4j() {
        String[] exported = module.exports().stream()
                .map(ModuleDescriptor.Exports::source)
                .filter(p -> !p.equals(ND4J_INTEROP))
                .toArray(String[]::new);
        noClasses()
                .that()
                .resideInAnyPackage(exported)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.nd4j..")
                .because("ND4J is an optional dependency: only " + ND4J_INTEROP + ", whose callers pass INDArrays,"
                        + " may use it")
                .check(main);
    }

    /** The binding's configuration belongs to the application too (the CLI sets its own in cli.Logging). */
    @Test
    void jarCarriesNoLoggingConfiguration() {
        for (String f : List.of("simplelogger.properties", "logback.xml", "log4j2.xml"))
            assertFalse(
                    Files.exists(classes.resolve(f)), f + " in the library's jar configures every consumer's logging");
    }

    @Test
    void launcherLibrariesAndNd4jAreReadStatically() {
        Map<String, Set<ModuleDescriptor.Requires.Modifier>> requires = new TreeMap<>();
        for (ModuleDescriptor.Requires r : module.requires()) requires.put(r.name(), r.modifiers());
        for (String name : STATIC_ONLY) {
            assertTrue(requires.containsKey(name), "module-info.java no longer reads " + name + ": drop it here");
            assertEquals(
                    Set.of(ModuleDescriptor.Requires.Modifier.STATIC),
                    requires.get(name),
                    "module-info.java must say `requires static " + name + "` (an optional dependency)");
        }
    }

    @Test
    void launcherLibrariesAndNd4jAreNotInheritedFromThePom() throws Exception {
        Element project = DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(Path.of("pom.xml").toFile())
                .getDocumentElement();
        Set<String> seen = new TreeSet<>();
        for (Element d : children(child(project, "dependencies"), "dependency")) {
            String id = text(d, "groupId") + ":" + text(d, "artifactId");
            if (!NOT_INHERITED.contains(id)) continue;
            seen.add(id);
            boolean optional = "true".equals(text(d, "optional"));
            boolean testOnly = "test".equals(text(d, "scope"));
            assertTrue(optional || testOnly, id + " must be <optional>true</optional> or test-scoped in pom.xml");
        }
        assertEquals(NOT_INHERITED, seen, "dependencies this test expects in pom.xml");
    }

    private static Element child(Element e, String name) {
        List<Element> c = children(e, name);
        assertEquals(1, c.size(), "<" + name + "> in <" + e.getTagName() + ">");
        return c.get(0);
    }

    private static List<Element> children(Element e, String name) {
        NodeList nodes = e.getChildNodes();
        return java.util.stream.IntStream.range(0, nodes.getLength())
                .mapToObj(nodes::item)
                .filter(n ->
                        n.getNodeType() == Node.ELEMENT_NODE && n.getNodeName().equals(name))
                .map(Element.class::cast)
                .collect(Collectors.toList());
    }

    private static String text(Element e, String name) {
        List<Element> c = children(e, name);
        return c.isEmpty() ? null : c.get(0).getTextContent().trim();
    }
}
