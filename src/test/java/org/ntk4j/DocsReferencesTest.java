package org.ntk4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every document the code base cites is in the repository: in sources (src/, native/, benchmarks/),
 * the POM, the README and docs/, each {@code docs/...} path and each Markdown link must resolve to a
 * file (and a {@code #anchor} to a heading of that page), a bare page name outside docs/ must be
 * written with its {@code docs/} prefix, and nothing may cite the external notes the project was
 * started from (their file names, their directory, "spec §" sections, issue tables).
 */
class DocsReferencesTest {
    /** The scanned trees and root files. */
    private static final List<String> ROOTS = List.of("src", "native", "benchmarks", "docs", "README.md", "pom.xml");

    /** Text files that can hold a reference; data (JSON fixtures, .npy, logs) is not scanned. */
    private static final Set<String> EXTENSIONS =
            Set.of("java", "py", "sh", "md", "c", "h", "cpp", "cu", "cuh", "xml", "properties");

    /** Citations of documents outside the repository (lower case). */
    private static final List<String> FORBIDDEN = List.of(
            "../shared",
            "/work/shared",
            "shared/spec",
            "shared/reference",
            "kernels-and-prediction",
            "platform-notes",
            "architecture-guide",
            "seed-comments",
            "spec §",
            "issue 3's table");

    /** A path ending in .md; a token with a placeholder ($VAR, &lt;date&gt;, *) is not a citation. */
    private static final Pattern MD_TOKEN = Pattern.compile("[\\w./<>*$-]*\\.md(?![\\w])");

    private static final Pattern DOCS_PATH = Pattern.compile("(?<![\\w/.-])docs/[\\w./-]*[\\w/](#[\\w\\p{L}-]+)?");
    private static final Pattern MD_LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern ALL_CAPS_SEGMENT = Pattern.compile("(^|/)[A-Z][A-Z_]+(/|\\.md$)");

    @Test
    void everyCitedDocumentIsInTheRepository() {
        Path root = Path.of("").toAbsolutePath();
        assertTrue(Files.isRegularFile(root.resolve("pom.xml")), "run from the repository root: " + root);
        List<String> problems = problems(root);
        assertEquals(List.of(), problems, "dangling or external document references:\n" + String.join("\n", problems));
    }

    @Test
    void theCheckFindsEachKindOfDanglingReference(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve("docs"));
        Files.writeString(root.resolve("docs/page.md"), "# Page\n\n## 2. A section\n\nSee [other](other.md).\n");
        Path src = Files.createDirectories(root.resolve("src/main/java"));
        Files.writeString(
                src.resolve("A.java"),
                String.join(
                        "\n",
                        "/** Fine: docs/page.md, docs/page.md#2-a-section, [x](y) in Java is not a link. */",
                        "/** Missing page: docs/missing.md. */",
                        "/** Missing anchor: docs/page.md#9-nowhere. */",
                        "/** Bare page name: page.md §2. */",
                        "/** External: " + FORBIDDEN.get(4) + ".md and " + FORBIDDEN.get(8) + "4. */",
                        "/** Output names are not citations: DIR/report.md, $out.md, results-<date>.md. */"));

        List<String> problems = problems(root);

        assertEquals(6, problems.size(), String.join("\n", problems));
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("docs/page.md:5:") && p.contains("other.md")));
        assertTrue(problems.stream().anyMatch(p -> p.contains("A.java:2") && p.contains("docs/missing.md")));
        assertTrue(problems.stream().anyMatch(p -> p.contains("A.java:3") && p.contains("#9-nowhere")));
        assertTrue(problems.stream().anyMatch(p -> p.contains("A.java:4") && p.contains("page.md")));
        assertEquals(2, problems.stream().filter(p -> p.contains("A.java:5")).count(), String.join("\n", problems));
    }

    /** One line per problem: {@code file:line: what}, in file order. */
    static List<String> problems(Path root) {
        List<String> out = new ArrayList<>();
        Set<String> docPages = new HashSet<>();
        Path docs = root.resolve("docs");
        if (Files.isDirectory(docs))
            try (Stream<Path> s = Files.list(docs)) {
                s.forEach(p -> docPages.add(p.getFileName().toString()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        for (Path file : files(root)) {
            String rel = root.relativize(file).toString().replace('\\', '/');
            boolean inDocs = rel.startsWith("docs/"), markdown = rel.endsWith(".md");
            List<String> lines = read(file);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i), at = rel + ":" + (i + 1) + ": ";
                String lower = line.toLowerCase(Locale.ROOT);
                for (String f : FORBIDDEN)
                    if (lower.contains(f))
                        out.add(at + "cites \"" + f + "\", which is not in the repository; cite a docs/ page");
                Matcher d = DOCS_PATH.matcher(line);
                while (d.find()) checkTarget(root, root, d.group(), at, out);
                if (markdown) {
                    Matcher l = MD_LINK.matcher(line);
                    while (l.find()) {
                        String target = l.group(1);
                        if (!target.contains("://") && !target.startsWith("mailto:"))
                            checkTarget(
                                    root,
                                    file.getParent(),
                                    target.startsWith("#") ? file.getFileName() + target : target,
                                    at,
                                    out);
                    }
                }
                Matcher m = MD_TOKEN.matcher(line);
                while (m.find()) {
                    String name = m.group();
                    if (name.contains("/") || name.equals(".md") || inDocs) continue; // paths: checked above
                    if (docPages.contains(name))
                        out.add(at + "cites " + name + " without its folder; write docs/" + name);
                }
            }
        }
        return out;
    }

    /** Checks that {@code target} (a path, optionally with #anchor) exists relative to {@code base}. */
    private static void checkTarget(Path root, Path base, String target, String at, List<String> out) {
        int hash = target.indexOf('#');
        String path = hash < 0 ? target : target.substring(0, hash);
        Path p = base.resolve(path).normalize();
        // an all-caps segment is a placeholder (DIR/report.md) unless the file exists (README.md)
        if (path.contains("$")
                || path.contains("<")
                || path.contains("*")
                || (ALL_CAPS_SEGMENT.matcher(path).find() && !Files.exists(p))) return;
        if (!p.startsWith(root) || !Files.exists(p)) {
            out.add(at + "cites " + target + ", which does not exist");
            return;
        }
        if (hash >= 0 && path.endsWith(".md") && !anchors(p).contains(target.substring(hash + 1)))
            out.add(at + "cites " + target + ": no heading of " + path + " has that anchor");
    }

    /** The GitHub anchors of a Markdown page's headings: lower case, punctuation dropped, spaces as '-'. */
    static Set<String> anchors(Path page) {
        Set<String> out = new HashSet<>();
        boolean fenced = false;
        for (String line : read(page)) {
            if (line.startsWith("```")) fenced = !fenced;
            if (fenced || !line.startsWith("#")) continue;
            String title = line.replaceFirst("^#+\\s*", "").toLowerCase(Locale.ROOT);
            out.add(title.replaceAll("[^\\p{L}\\p{N}\\s_-]", "").trim().replaceAll("\\s", "-"));
        }
        return out;
    }

    private static List<Path> files(Path root) {
        List<Path> out = new ArrayList<>();
        for (String r : ROOTS) {
            Path p = root.resolve(r);
            if (Files.isRegularFile(p)) out.add(p);
            else if (Files.isDirectory(p))
                try (Stream<Path> s = Files.walk(p)) {
                    s.filter(Files::isRegularFile)
                            .filter(DocsReferencesTest::scanned)
                            .sorted()
                            .forEach(out::add);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
        }
        return out;
    }

    private static boolean scanned(Path p) {
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        // this file's own fixtures cite missing pages on purpose
        return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1)) && !name.equals("DocsReferencesTest.java");
    }

    private static List<String> read(Path p) {
        try {
            return Files.readAllLines(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(p + ": " + e.getMessage(), e);
        }
    }
}
