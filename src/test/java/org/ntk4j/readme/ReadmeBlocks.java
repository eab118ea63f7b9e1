package org.ntk4j.readme;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fenced code blocks of a Markdown page, in order, with what the README test needs to know about
 * each: its language, its first line number, the line before its fence (a "Synopsis:" label or a
 * {@code <!-- readme-test: skip (why) -->} marker), the commands it runs and the files it names.
 */
record ReadmeBlocks(List<ReadmeBlocks.Block> blocks) {
    /** The marker that keeps a bash block out of the README test; a reason in parentheses must follow. */
    static final String SKIP_MARKER = "<!-- readme-test: skip";

    /**
     * The set-up commands the README test never runs: it runs under them (they build the jar and run
     * the tests), so a bash block made only of these is set-up, not tour.
     */
    static final Set<String> SET_UP_COMMANDS =
            Set.of("bin/ntk4j demo", "bin/mvn21 verify", "bin/mvn21 install -DskipTests");

    /** A file a block names: a path-like token with one of the extensions ntk4j reads or writes. */
    private static final Pattern FILE =
            Pattern.compile("(?<![\\w./=-])([\\w-]+(?:/[\\w.=-]+)*\\.(?:npy|json|png|md|csv))(?![\\w])");

    /** An output directory: the value of {@code --out}. */
    private static final Pattern OUT = Pattern.compile("--out[ =]([\\w./-]+)");

    /**
     * One fenced block.
     *
     * @param language  the info string after the opening fence ("bash", "text", "java", ...)
     * @param line      the 1-based line of the opening fence
     * @param before    the last non-blank line before the fence ("" at the top)
     * @param text      the block's content, lines joined with '\n', ending in '\n'
     */
    record Block(String language, int line, String before, String text) {
        /** Whether a {@code readme-test: skip} marker stands right before the fence. */
        boolean marked() {
            return before.startsWith(SKIP_MARKER);
        }

        /**
         * The commands of a bash block: lines joined across trailing backslashes, comments and blank
         * lines dropped, whitespace collapsed.
         */
        List<String> commands() {
            List<String> out = new ArrayList<>();
            StringBuilder cur = new StringBuilder();
            for (String raw : text.split("\n")) {
                String l = raw.strip();
                if (cur.isEmpty() && (l.isEmpty() || l.startsWith("#"))) continue;
                boolean continued = l.endsWith("\\");
                cur.append(continued ? l.substring(0, l.length() - 1) : l).append(' ');
                if (!continued) {
                    out.add(cur.toString().strip().replaceAll("\\s+", " "));
                    cur.setLength(0);
                }
            }
            if (!cur.isEmpty()) out.add(cur.toString().strip().replaceAll("\\s+", " "));
            return out;
        }

        /** Whether this bash block consists of set-up commands only. */
        boolean setUpOnly() {
            List<String> c = commands();
            return !c.isEmpty() && SET_UP_COMMANDS.containsAll(c);
        }

        /** Whether the README test runs this block: a bash block that is neither marked nor set-up. */
        boolean runs() {
            return language.equals("bash") && !marked() && !setUpOnly();
        }

        /** The files the block names, in its commands or its comments (inputs and outputs alike). */
        Set<String> files() {
            Set<String> out = new LinkedHashSet<>();
            Matcher m = FILE.matcher(text);
            while (m.find()) out.add(m.group(1));
            return out;
        }

        /** The {@code --out} directories of the block's commands. */
        Set<String> outDirs() {
            Set<String> out = new LinkedHashSet<>();
            for (String c : commands()) {
                Matcher m = OUT.matcher(c);
                while (m.find()) out.add(m.group(1));
            }
            return out;
        }

        /** Where the block is, for messages. */
        String where() {
            return "README.md:" + line + " (```" + language + ")";
        }
    }

    /** Reads the blocks of {@code page}. */
    static ReadmeBlocks of(Path page) {
        try {
            return parse(Files.readString(page, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses Markdown text; an unclosed fence is an error. */
    static ReadmeBlocks parse(String markdown) {
        List<Block> out = new ArrayList<>();
        String[] lines = markdown.split("\n", -1);
        String before = "";
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            if (!l.startsWith("```")) {
                if (!l.isBlank()) before = l.strip();
                continue;
            }
            int start = i;
            StringBuilder text = new StringBuilder();
            for (i++; i < lines.length && !lines[i].startsWith("```"); i++)
                text.append(lines[i]).append('\n');
            if (i == lines.length) throw new IllegalArgumentException("unclosed fence at line " + (start + 1));
            out.add(new Block(l.substring(3).strip(), start + 1, before, text.toString()));
            before = "";
        }
        return new ReadmeBlocks(List.copyOf(out));
    }

    /** The blocks of one language. */
    List<Block> of(String language) {
        return blocks.stream().filter(b -> b.language().equals(language)).toList();
    }

    /**
     * The first block of {@code language} after the heading whose text is {@code heading} (any
     * level), or null when there is none.
     */
    static Block firstAfterHeading(String markdown, String heading, String language) {
        String[] lines = markdown.split("\n", -1);
        int from = -1;
        for (int i = 0; i < lines.length && from < 0; i++)
            if (lines[i].matches("#+ " + Pattern.quote(heading))) from = i + 1;
        if (from < 0) return null;
        for (Block b : parse(markdown).blocks())
            if (b.line() > from && b.language().equals(language)) return b;
        return null;
    }
}
