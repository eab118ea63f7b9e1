package org.ntk4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The library speaks its own vocabulary: no string literal outside {@code org.ntk4j.cli} spells a
 * flag of the command line ({@code --diag-reg}, {@code --device cpu}) or a flag's name with
 * dashes or underscores ({@code x-train}, {@code x_train}). Messages name {@code xTrain},
 * {@code diagReg}, {@code Device.CPU}, and {@link ErrorHandler#inCommandTerms} turns those into
 * flags for the CLI. The flags are read from the commands themselves, so a new option is covered.
 */
class LibraryVocabularyTest {
    private static final Path MAIN = Path.of("src/main/java");

    /**
     * Literals allowed to spell the CLI, as "file: literal". A report about a CLI run (the demo's
     * markdown says how to regenerate it) may name its command.
     */
    private static final Set<String> ALLOWED = Set.of(
            "org/ntk4j/demo/DemoReport.java: %nPlots show seed %d. Regenerate with `bin/ntk4j demo --seed %d`.%n",
            "org/ntk4j/demo/DemoReport.java: %nPlots show seed %d. Regenerate with `bin/ntk4j demo --seed %d --worlds %d`.%n");

    @Test
    void libraryLiteralsDoNotSpellTheCommandLine() throws IOException {
        List<Pattern> spellings = cliSpellings();
        Set<String> found = new TreeSet<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String rel = MAIN.relativize(f).toString().replace('\\', '/');
                if (rel.startsWith("org/ntk4j/cli/")) continue;
                for (String literal : stringLiterals(Files.readString(f))) {
                    if (spellings.stream().anyMatch(p -> p.matcher(literal).find())) found.add(rel + ": " + literal);
                }
            }
        }
        found.removeAll(ALLOWED);
        assertTrue(
                found.isEmpty(),
                "library literals in CLI vocabulary (name the library's argument, e.g. xTrain, "
                        + "diagReg, Device.CPU; cli.ErrorHandler maps it to the flag):\n" + String.join("\n", found));
    }

    @Test
    void everyAllowedLiteralStillExists() throws IOException {
        // an entry whose literal is gone (fixed or reworded) must go too, so the list only shrinks
        Set<String> present = new TreeSet<>();
        for (String entry : ALLOWED) {
            String file = entry.substring(0, entry.indexOf(": "));
            if (stringLiterals(Files.readString(MAIN.resolve(file))).contains(entry.substring(file.length() + 2)))
                present.add(entry);
        }
        assertEquals(new TreeSet<>(ALLOWED), present, "stale entries in ALLOWED");
    }

    @Test
    void theLiteralScannerSkipsCommentsAndReadsEscapes() {
        String src =
                "// \"--x-train\" in a comment\n/* \"x_train\" */ String a = \"but \\\"xTrain\\\" has\"; char c = '\"'; String b = \"--dtype\";"
                        + " String t = \"\"\"\n  text block --diag-reg\n  \"\"\";";
        assertEquals(List.of("but \"xTrain\" has", "--dtype", "  text block --diag-reg\n  "), stringLiterals(src));
    }

    /**
     * Patterns for every long flag of every command: the flag itself, and for a flag of several
     * words its name with dashes or underscores as a word ({@code --x-train}, {@code x-train},
     * {@code x_train}). One-word names ({@code time}, {@code seed}) are English, so only their
     * {@code --} form counts.
     */
    private static List<Pattern> cliSpellings() {
        Set<String> flags = new TreeSet<>();
        CommandLine cl = Main.commandLine(new Main(), new String[0]);
        addFlags(cl, flags);
        List<Pattern> out = new ArrayList<>();
        for (String flag : flags) {
            String name = flag.substring(2);
            out.add(Pattern.compile("(?<![\\w-])" + Pattern.quote(flag) + "(?![\\w-])"));
            if (name.contains("-"))
                out.add(Pattern.compile("(?<![\\w-])" + String.join("[-_]", name.split("-")) + "(?![\\w-])"));
        }
        return out;
    }

    private static void addFlags(CommandLine cl, Set<String> flags) {
        for (CommandLine.Model.OptionSpec o : cl.getCommandSpec().options())
            if (o.longestName().startsWith("--")) flags.add(o.longestName());
        for (CommandLine sub : cl.getSubcommands().values()) addFlags(sub, flags);
    }

    /** The string literals of Java source {@code src} (text blocks included), unescaped; comments skipped. */
    static List<String> stringLiterals(String src) {
        List<String> out = new ArrayList<>();
        int i = 0, n = src.length();
        while (i < n) {
            char c = src.charAt(i);
            if (src.startsWith("//", i)) {
                int e = src.indexOf('\n', i);
                i = e < 0 ? n : e + 1;
            } else if (src.startsWith("/*", i)) {
                int e = src.indexOf("*/", i + 2);
                i = e < 0 ? n : e + 2;
            } else if (src.startsWith("\"\"\"", i)) {
                int start = src.indexOf('\n', i) + 1, e = src.indexOf("\"\"\"", start);
                out.add(src.substring(start, e));
                i = e + 3;
            } else if (c == '"' || c == '\'') {
                StringBuilder b = new StringBuilder();
                int j = i + 1;
                for (; j < n && src.charAt(j) != c; j++) {
                    if (src.charAt(j) == '\\') j++; // an escape: keep the escaped character
                    b.append(src.charAt(j));
                }
                if (c == '"') out.add(b.toString());
                i = j + 1;
            } else {
                i++;
            }
        }
        return out;
    }
}
