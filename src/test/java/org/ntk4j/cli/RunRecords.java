package org.ntk4j.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/** Checks a directory's {@code run.json} against the files themselves, computing sizes and SHA-256 independently. */
final class RunRecords {
    private RunRecords() {}

    /** The record of {@code dir}, parsed. */
    static JsonNode read(Path dir) {
        try {
            return new ObjectMapper().readTree(dir.resolve("run.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The names of the regular files in {@code dir} other than run.json. */
    static Set<String> filesIn(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            Set<String> names = new TreeSet<>();
            s.filter(Files::isRegularFile)
                    .map(p -> p.getFileName().toString())
                    .filter(n -> !n.equals("run.json"))
                    .forEach(names::add);
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha256(Path f) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Asserts that run {@code r} succeeded and left a complete record in {@code dir}: the version, its
     * argv, start ≤ end, and exactly {@code expected} files (also exactly the directory's files, none
     * other, no temporaries) with their true sizes and SHA-256.
     */
    static void assertComplete(Path dir, CliRun r, String... expected) {
        assertEquals(0, r.code(), r.err());
        JsonNode rec = read(dir);
        assertEquals(org.ntk4j.Ntk4j.VERSION, rec.get("ntk4j_version").asText());
        List<String> argv = new ArrayList<>();
        rec.get("command").forEach(a -> argv.add(a.asText()));
        assertEquals(r.args(), argv);
        Instant start = Instant.parse(rec.get("start").asText()),
                end = Instant.parse(rec.get("end").asText());
        assertFalse(end.isBefore(start), start + " .. " + end);
        assertTrue(rec.get("start").asText().endsWith("Z"), "UTC: " + rec.get("start"));
        Set<String> listed = new TreeSet<>();
        for (JsonNode f : rec.get("files")) {
            String name = f.get("name").asText();
            assertTrue(listed.add(name), "listed twice: " + name);
            Path p = dir.resolve(name);
            try {
                assertEquals(Files.size(p), f.get("size").asLong(), name);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            assertEquals(sha256(p), f.get("sha256").asText(), name);
        }
        assertEquals(new TreeSet<>(List.of(expected)), listed);
        assertEquals(listed, filesIn(dir), "the directory holds exactly the files listed");
    }
}
