package org.ntk4j.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntk4j.io.Npy;

/**
 * kill -9 at random moments of a {@code kernel} run (a child JVM) into a directory that holds a
 * complete earlier set: afterwards either {@code run.json} is absent, or every file it lists has
 * the listed size and SHA-256 — never a mixed set presented as complete. A last run into the same
 * directory then removes the dead runs' temporaries and leaves a complete set. Prints how many kills
 * left which state. {@code -Dntk4j.kills=N} sets the number of kills (default 80).
 */
@Tag("slow")
class KillConsistencyTest {
    static final String ARCH =
            "Dense(512,W_std=1.5,b_std=0.1)->Relu->Dense(512,W_std=1.5,b_std=0.1)->Relu->Dense(1,W_std=1.5,b_std=0.1)";
    static final int N = 1000, D = 20;

    @TempDir
    Path dir;

    Path inputs(String name, long seed) {
        Path f = dir.resolve(name);
        Npy.write(f, CliKernelTest.random(N, D, seed));
        return f;
    }

    /** The CLI in a child JVM with this JVM's runtime, classpath and module flags (what bin/ntk4j runs). */
    static ProcessBuilder child(Path x1, Path out) {
        List<String> cmd = CliRun.childJava();
        cmd.addAll(List.of(
                "-Xmx2g",
                "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=error",
                "-cp",
                System.getProperty("java.class.path"),
                "org.ntk4j.cli.Main",
                "kernel",
                "--arch",
                ARCH,
                "--x1",
                x1.toString(),
                "--out",
                out.toString()));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    }

    static void runToCompletion(Path x1, Path out) throws Exception {
        Process p = child(x1, out).start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the child run did not finish");
        assertEquals(0, p.exitValue());
    }

    /** null when run.json is absent; else whether every file it lists has the listed size and SHA-256. */
    static Boolean recordHolds(Path out) throws IOException {
        if (!Files.exists(out.resolve("run.json"))) return null;
        JsonNode rec = RunRecords.read(out);
        for (JsonNode f : rec.get("files")) {
            Path p = out.resolve(f.get("name").asText());
            if (!Files.isRegularFile(p)
                    || Files.size(p) != f.get("size").asLong()
                    || !RunRecords.sha256(p).equals(f.get("sha256").asText())) return false;
        }
        return true;
    }

    static long temporaries(Path out) throws IOException {
        try (Stream<Path> s = Files.list(out)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".tmp")).count();
        }
    }

    static void copyFiles(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.list(to)) {
            for (Path p : s.toList()) Files.delete(p);
        }
        try (Stream<Path> s = Files.list(from)) {
            for (Path p : s.toList()) Files.copy(p, to.resolve(p.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
        }
    }

    @Test
    void aKilledRunNeverLeavesAMixedSetPresentedAsComplete() throws Exception {
        int kills = Integer.getInteger("ntk4j.kills", 80);
        Path earlier = inputs("earlier.npy", 1), x1 = inputs("x1.npy", 2);
        Path golden = Files.createDirectories(dir.resolve("golden")), out = Files.createDirectories(dir.resolve("out"));
        runToCompletion(earlier, golden);
        String oldRecord = Files.readString(golden.resolve("run.json"));
        // calibration: how long a run takes before it deletes the old record (start-up, reading, checks)
        // and after (computing and writing), from the earlier set each time
        long before = 0, after = 0;
        for (int i = 0; i < 2; i++) {
            copyFiles(golden, out);
            long t0 = System.nanoTime();
            Process p = child(x1, out).start();
            awaitRecordDeleted(p, out);
            long t1 = System.nanoTime();
            assertTrue(p.waitFor(300, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue());
            before += (t1 - t0) / 2;
            after += (System.nanoTime() - t1) / 2;
        }
        Map<String, String> oldHashes = hashes(golden), newHashes = hashes(out);
        Map<String, Integer> states = new TreeMap<>();
        long tmpLeft = 0;
        Random rnd = new Random(42);
        for (int k = 0; k < kills; k++) {
            copyFiles(golden, out); // a complete earlier set, every time
            Process p = child(x1, out).start();
            boolean finished;
            // one kill in four during start-up; the others at a uniform moment of the computation and writes
            if (k % 4 == 0) {
                finished = p.waitFor((long) (before * rnd.nextDouble()), TimeUnit.NANOSECONDS);
            } else {
                awaitRecordDeleted(p, out);
                finished = p.waitFor((long) (1.1 * after * rnd.nextDouble()), TimeUnit.NANOSECONDS);
            }
            if (!finished) p.destroyForcibly(); // SIGKILL
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            Boolean holds = recordHolds(out);
            assertNotEquals(Boolean.FALSE, holds, "kill " + k + " left a record that does not match its files");
            String state = holds == null
                    ? "no run.json, " + mix(out, oldHashes, newHashes)
                    : Files.readString(out.resolve("run.json")).equals(oldRecord)
                            ? "earlier set intact (killed before it started)"
                            : finished
                                    ? "new set complete (finished before the kill)"
                                    : "new set complete (killed after run.json)";
            states.merge(state, 1, Integer::sum);
            tmpLeft += temporaries(out);
        }
        // the next run into the directory removes the dead runs' temporaries and completes the set
        copyFiles(golden, out);
        Files.writeString(out.resolve(".ntk.npy." + deadPid() + ".1.tmp"), "left by a killed run");
        runToCompletion(x1, out);
        assertEquals(0, temporaries(out), "stale temporaries removed by the next run");
        assertEquals(Boolean.TRUE, recordHolds(out));
        System.out.printf(
                "kill -9 consistency: %d kills (a run: %.2f s to the record's deletion, %.2f s after): %s; "
                        + "%d temporary files left by the kills in total%n",
                kills, before / 1e9, after / 1e9, states, tmpLeft);
    }

    /** Waits (polling) until the child has deleted the old run.json, or has exited. */
    static void awaitRecordDeleted(Process p, Path out) throws InterruptedException {
        while (Files.exists(out.resolve("run.json")) && p.isAlive()) Thread.sleep(1);
    }

    /** SHA-256 of each data file (not run.json, not temporaries) of {@code d}, by name. */
    static Map<String, String> hashes(Path d) throws IOException {
        Map<String, String> h = new TreeMap<>();
        for (String f : RunRecords.filesIn(d)) if (!f.endsWith(".tmp")) h.put(f, RunRecords.sha256(d.resolve(f)));
        return h;
    }

    /** How the files of an unrecorded set compare to the earlier and the new complete sets. */
    static String mix(Path out, Map<String, String> oldHashes, Map<String, String> newHashes) throws IOException {
        int fresh = 0, stale = 0;
        for (Map.Entry<String, String> e : hashes(out).entrySet()) {
            if (e.getValue().equals(newHashes.get(e.getKey()))) fresh++;
            else if (e.getValue().equals(oldHashes.get(e.getKey()))) stale++;
            else fail(e.getKey() + " is neither the earlier nor the new file: a torn file under a final name");
        }
        return stale == 0
                ? "all files new"
                : fresh == 0 ? "all files earlier" : "mixed files (" + fresh + " new, " + stale + " earlier)";
    }

    static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        return p.pid();
    }
}
