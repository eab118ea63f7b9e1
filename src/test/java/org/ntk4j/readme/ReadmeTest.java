package org.ntk4j.readme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's blocks keep their promises without running anything (ReadmeIT runs them): every
 * {@code bash} block is copy-pastable (no placeholders), every {@code text} block is a labelled
 * synopsis, skips are rare and say why, the tour's blocks are found, and the "Use ntk4j from Java"
 * example is, character for character, the file the examples project compiles and runs.
 */
class ReadmeTest {
    static final Path README = Path.of("README.md");

    /** The Java example the README shows; the examples project (examples/) compiles and runs it. */
    static final Path QUICK_START = Path.of("examples/src/main/java/org/ntk4j/examples/QuickStart.java");

    /**
     * What cannot be pasted into bash: an ellipsis, an optional {@code [--flag]}, an alternative
     * {@code (a | b)}, a {@code <placeholder>}, or a capitalized placeholder file such as {@code X.npy}.
     */
    static final List<Pattern> PLACEHOLDERS = List.of(
            Pattern.compile("\\.\\.\\.|…"),
            Pattern.compile("\\[\\s*--"),
            Pattern.compile("\\(\\s*--[^)]*\\|"),
            Pattern.compile("<[A-Za-z_][\\w-]*>"),
            Pattern.compile("(?<![\\w/.-])[A-Z][A-Z0-9_]*\\.(npy|csv|json)\\b"));

    @Test
    void everyBashBlockIsCopyPastable() {
        List<String> problems = new ArrayList<>();
        for (ReadmeBlocks.Block b : ReadmeBlocks.of(README).of("bash"))
            for (String line : b.text().split("\n"))
                for (Pattern p : PLACEHOLDERS)
                    if (p.matcher(line).find()) problems.add(b.where() + ": placeholder " + p + " in: " + line);
        assertEquals(List.of(), problems, "bash blocks must run as they are; put synopses in ```text blocks");
    }

    @Test
    void everyTextBlockIsALabelledSynopsis() {
        for (ReadmeBlocks.Block b : ReadmeBlocks.of(README).of("text"))
            assertEquals("Synopsis:", b.before(), b.where() + " must follow a line 'Synopsis:'");
    }

    @Test
    void skipsAreRareAndSayWhy() {
        List<ReadmeBlocks.Block> bash = ReadmeBlocks.of(README).of("bash");
        List<ReadmeBlocks.Block> marked =
                bash.stream().filter(ReadmeBlocks.Block::marked).toList();
        for (ReadmeBlocks.Block b : marked)
            assertTrue(
                    b.before().matches("<!-- readme-test: skip \\(.+\\) -->"),
                    b.where() + ": give the reason: " + b.before());
        long skipped = bash.stream().filter(b -> !b.runs()).count();
        assertTrue(skipped <= 2, "only the set-up blocks may be skipped, found " + skipped);
        assertTrue(bash.stream().filter(ReadmeBlocks.Block::runs).count() >= 8, "the tour's blocks must run");
    }

    @Test
    void theJavaExampleIsTheExamplesProjectsQuickStart() throws IOException {
        String readme = Files.readString(README);
        ReadmeBlocks.Block java = ReadmeBlocks.firstAfterHeading(readme, "Use ntk4j from Java", "java");
        assertNotNull(java, "README.md: no ```java block after the heading 'Use ntk4j from Java'");
        // why an assumption: the examples project and the README are written on separate branches;
        // once examples/ exists (after their merge) the check is live and a missing file fails
        assumeTrue(Files.isRegularFile(Path.of("examples/pom.xml")), "no examples/ project in this checkout");
        assertTrue(
                Files.isRegularFile(QUICK_START),
                QUICK_START + " is missing: the README's Java example must be the file the examples project runs");
        assertEquals(
                Files.readString(QUICK_START).strip(),
                java.text().strip(),
                "README.md:" + java.line() + " must show " + QUICK_START + " verbatim (copy the file into the block)");
    }

    @Test
    void theParserFindsBlocksCommandsFilesAndSkips() {
        String md = String.join(
                "\n",
                "# T",
                "<!-- readme-test: skip (set-up) -->",
                "```bash",
                "bin/ntk4j demo",
                "```",
                "Synopsis:",
                "```text",
                "ntk4j kernel --x1 X1 [--x2 X2]",
                "```",
                "```bash",
                "bin/mvn21 install -DskipTests",
                "```",
                "## Use ntk4j from Java",
                "```java",
                "class A {}",
                "```",
                "```bash",
                "# a comment naming out/run.json",
                "bin/ntk4j kernel --arch 'Dense(1)' \\",
                "  --x1 d/x.npy --out out",
                "```",
                "");
        ReadmeBlocks r = ReadmeBlocks.parse(md);
        assertEquals(5, r.blocks().size());
        ReadmeBlocks.Block setUp = r.blocks().get(0),
                install = r.of("bash").get(1),
                tour = r.of("bash").get(2);
        assertTrue(setUp.marked());
        assertFalse(setUp.runs());
        assertTrue(install.setUpOnly());
        assertFalse(install.runs());
        assertTrue(tour.runs());
        assertEquals(List.of("bin/ntk4j kernel --arch 'Dense(1)' --x1 d/x.npy --out out"), tour.commands());
        assertEquals(List.of("out/run.json", "d/x.npy"), List.copyOf(tour.files()));
        assertEquals(List.of("out"), List.copyOf(tour.outDirs()));
        assertEquals("Synopsis:", r.of("text").get(0).before());
        assertEquals(
                "class A {}\n",
                ReadmeBlocks.firstAfterHeading(md, "Use ntk4j from Java", "java")
                        .text());
        assertThrows(IllegalArgumentException.class, () -> ReadmeBlocks.parse("```bash\nls\n"));
        for (Pattern p : PLACEHOLDERS.subList(1, 5))
            assertTrue(p.matcher("ntk4j x [--a A] (--b | --c) <dir> X.npy").find(), p.toString());
        assertFalse(PLACEHOLDERS
                .get(4)
                .matcher("--x1 tour/x_train.npy --out tour/kernel")
                .find());
    }
}
