package org.ntk4j.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.ntk4j.error.InputText;
import org.ntk4j.error.InvalidInputException;

/**
 * Runs the tries of one fuzz family (a reader fed hostile input), classifies each outcome and counts
 * them for the robustness report.
 *
 * <p>Each try runs on a worker thread under a time bound, so that a hang is an outcome rather than
 * a stuck suite, and the heap bytes it allocates are measured on that thread. Outcomes:
 * {@link Outcome#PARSED} (a result the caller's oracle confirms), {@link Outcome#TYPED_ERROR} (an
 * {@link InvalidInputException} naming the expected argument whose message is one line of printable
 * text of at most {@value #MAX_MESSAGE} characters) are the good ones; everything else is a defect.
 * A JVM crash cannot be counted from inside the JVM: it would end the run before the counts are
 * written, so a written count file means no crash.
 *
 * <p>{@link #run} draws a family's tries from a seeded generator (plain JUnit 5, no property-testing
 * library): {@code -Dntk4j.fuzz.seed=S} picks the seed (default {@value #DEFAULT_SEED}, so every run
 * tries the same inputs), {@code -Dntk4j.fuzz.scale=K} multiplies the number of tries, and
 * {@code -Dntk4j.fuzz.try=I} reruns try {@code I} alone to reproduce a failure. {@link #write()} puts
 * the counts in {@code target/robustness/<family>.json}.
 */
public final class FuzzTally {
    /** What one try did. */
    public enum Outcome {
        PARSED,
        TYPED_ERROR,
        WRONG_RESULT,
        REJECTED_VALID,
        NON_FINITE_OUTPUT,
        BAD_MESSAGE,
        INTERNAL_ERROR,
        HANG,
        EXCESS_ALLOCATION;

        /** Whether this outcome is acceptable. */
        public boolean ok() {
            return this == PARSED || this == TYPED_ERROR;
        }
    }

    /** An outcome and what explains it (the result, the message or the exception). */
    public record Verdict(Outcome outcome, String detail) {}

    /** What a try's input calls for: a parse (a valid input), a typed error, or either. */
    public enum Expect {
        PARSE,
        FAIL,
        EITHER
    }

    /** {@code -Dntk4j.fuzz.tallyOnly=true}: count every outcome, fail nothing (to measure a reader's defects). */
    private static final boolean TALLY_ONLY = Boolean.getBoolean("ntk4j.fuzz.tallyOnly");

    /** Longest acceptable error message (a quoted input is cut well before this). */
    public static final int MAX_MESSAGE = 600;

    private static final long TIME_LIMIT_MS = 10_000;

    /** The seed of every family when {@code -Dntk4j.fuzz.seed} is not given. */
    public static final long DEFAULT_SEED = 20_260_601L;

    /** A failing run stops after this many unacceptable tries (unless only tallying), each listed. */
    private static final int MAX_FAILURES = 10;

    private final String family;
    private final Map<String, EnumMap<Outcome, Long>> byKind = new TreeMap<>();
    private final Map<String, Double> millis = new TreeMap<>();
    private ExecutorService worker = newWorker();
    private final Path scratch;
    private Long seed; // the seed of the tries run by run(), for the count file

    /** A tally for {@code family}, with a scratch directory for the files its tries write. */
    public FuzzTally(String family) {
        this.family = family;
        try {
            scratch = Files.createTempDirectory("ntk4j-fuzz-" + family);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A file in the scratch directory (removed by {@link #write()}). */
    public Path scratchFile(String name) {
        return scratch.resolve(name);
    }

    /** One try of a family: draws an input of {@code kind} from {@code random} and classifies it with {@link #check}. */
    @FunctionalInterface
    public interface Try<K> {
        Tried run(K kind, RandomGenerator random) throws Exception;
    }

    /** What a try checked: its kind and settings, its input (escaped in a failure report) and the verdict. */
    public record Tried(String what, CharSequence input, Verdict verdict) {}

    /** One of {@code choices}, drawn from {@code r}. */
    @SafeVarargs
    public static <T> T pick(RandomGenerator r, T... choices) {
        return choices[r.nextInt(choices.length)];
    }

    /**
     * Runs {@code tries} × {@code -Dntk4j.fuzz.scale} tries, try {@code i} of kind
     * {@code kinds[i mod kinds.length]} (every kind tried equally often) drawing from a
     * {@link SplittableRandom} seeded with the {@code i}-th number of one seeded with
     * {@code -Dntk4j.fuzz.seed}; writes the counts, and fails listing the seed, index, kind, verdict
     * and escaped input of each unacceptable try. Without {@code -Dntk4j.fuzz.tallyOnly=true} it stops
     * after {@value #MAX_FAILURES} of them; with {@code -Dntk4j.fuzz.try=I} it runs try {@code I} alone
     * and writes no counts.
     */
    public <K> void run(int tries, K[] kinds, Try<K> body) {
        long familySeed = longProperty("ntk4j.fuzz.seed", DEFAULT_SEED);
        int total = tries * (int) longProperty("ntk4j.fuzz.scale", 1);
        int only = (int) longProperty("ntk4j.fuzz.try", -1);
        if (only >= total)
            throw new IllegalArgumentException("-Dntk4j.fuzz.try=" + only + ": " + family + " has " + total + " tries");
        SplittableRandom seeds = new SplittableRandom(familySeed);
        List<String> failures = new ArrayList<>();
        seed = familySeed;
        try {
            for (int i = 0; i < total && (TALLY_ONLY || failures.size() < MAX_FAILURES); i++) {
                long trySeed = seeds.nextLong();
                if (only >= 0 && i != only) continue;
                String where = "try " + i + " of " + total + " (-Dntk4j.fuzz.seed=" + familySeed + " -Dntk4j.fuzz.try="
                        + i + ")";
                Tried t;
                try {
                    t = body.run(kinds[i % kinds.length], new SplittableRandom(trySeed));
                } catch (Exception e) {
                    throw new AssertionError(family + " " + where + ": the try itself failed", e);
                }
                if (!t.verdict().outcome().ok())
                    failures.add(where + " " + t.what() + ": " + t.verdict() + "\n    input: "
                            + InputText.quote(t.input(), 400));
            }
        } finally {
            if (only < 0) write();
        }
        if (!failures.isEmpty() && !TALLY_ONLY)
            throw new AssertionError(family + ": " + failures.size() + " unacceptable outcome(s)"
                    + (failures.size() >= MAX_FAILURES ? " (the run stops at " + MAX_FAILURES + ")" : "") + ":\n"
                    + String.join("\n", failures));
    }

    private static long longProperty(String name, long otherwise) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) return otherwise;
        try {
            return Long.decode(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + name + " must be an integer, not " + InputText.quote(v), e);
        }
    }

    /**
     * Runs {@code attempt} and classifies its outcome: {@code judge} rates a result ({@link Outcome#PARSED}
     * when its oracle confirms it, else {@link Outcome#WRONG_RESULT} or {@link Outcome#NON_FINITE_OUTPUT});
     * an exception must be a clean {@link InvalidInputException} for {@code argument}; the try may
     * allocate at most {@code maxAllocatedBytes} on the heap. A parse of an input that {@code expect}s
     * failure is a {@link Outcome#WRONG_RESULT}, a typed error for one that must parse a
     * {@link Outcome#REJECTED_VALID}.
     */
    public synchronized <T> Verdict check(
            String kind,
            String argument,
            Expect expect,
            Callable<T> attempt,
            Function<T, Outcome> judge,
            long maxAllocatedBytes) {
        long start = System.nanoTime();
        Verdict v = classify(argument, attempt, judge, maxAllocatedBytes);
        if (expect == Expect.FAIL && v.outcome() == Outcome.PARSED)
            v = new Verdict(Outcome.WRONG_RESULT, "accepted an input that must be rejected: " + v.detail());
        if (expect == Expect.PARSE && v.outcome() == Outcome.TYPED_ERROR)
            v = new Verdict(Outcome.REJECTED_VALID, v.detail());
        byKind.computeIfAbsent(kind, k -> new EnumMap<>(Outcome.class)).merge(v.outcome(), 1L, Long::sum);
        millis.merge(kind, (System.nanoTime() - start) / 1e6, Double::sum);
        return v;
    }

    private record Run<T>(T value, Throwable error, long allocated) {}

    private <T> Verdict classify(String argument, Callable<T> attempt, Function<T, Outcome> judge, long maxAllocated) {
        Future<Run<T>> f = worker.submit(() -> {
            long before = allocatedByThisThread();
            try {
                T value = attempt.call();
                return new Run<>(value, null, allocatedByThisThread() - before);
            } catch (Throwable t) { // every outcome is classified, Errors (OOM, StackOverflow) included
                return new Run<>(null, t, allocatedByThisThread() - before);
            }
        });
        Run<T> run;
        try {
            run = f.get(TIME_LIMIT_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            worker.shutdownNow();
            worker = newWorker(); // the stuck thread is a daemon and is left behind
            return new Verdict(Outcome.HANG, "no outcome after " + TIME_LIMIT_MS + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while fuzzing", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the fuzz harness failed", e);
        }
        if (run.allocated() > maxAllocated)
            return new Verdict(
                    Outcome.EXCESS_ALLOCATION,
                    run.allocated() + " bytes allocated, at most " + maxAllocated + " justified; "
                            + (run.error() == null ? "parsed" : run.error().toString()));
        if (run.error() == null) return new Verdict(judge.apply(run.value()), String.valueOf(run.value()));
        if (!(run.error() instanceof InvalidInputException e) || !argument.equals(e.argument()))
            return new Verdict(Outcome.INTERNAL_ERROR, stackTrace(run.error()));
        String problem = messageProblem(e.getMessage());
        return problem == null
                ? new Verdict(Outcome.TYPED_ERROR, e.getMessage())
                : new Verdict(Outcome.BAD_MESSAGE, problem + ": " + e.getMessage());
    }

    /** Whether outcomes are only counted ({@code -Dntk4j.fuzz.tallyOnly=true}), not failed. */
    public static boolean tallyOnly() {
        return TALLY_ONLY;
    }

    /** Why a message is not one bounded line of printable text, or null when it is. */
    public static String messageProblem(String m) {
        if (m == null || m.isBlank()) return "empty message";
        if (m.length() > MAX_MESSAGE) return m.length() + " characters";
        for (int i = 0; i < m.length(); ) {
            int cp = m.codePointAt(i);
            int type = Character.getType(cp);
            if (Character.isISOControl(cp)
                    || !Character.isDefined(cp)
                    || type == Character.FORMAT
                    || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR
                    || type == Character.SURROGATE
                    || type == Character.PRIVATE_USE
                    || (type == Character.SPACE_SEPARATOR && cp != ' '))
                return String.format("unprintable character U+%04X at %d", cp, i);
            i += Character.charCount(cp);
        }
        return null;
    }

    /**
     * Writes the counts to {@code target/robustness/<family>.json}, prints a summary line and removes
     * the scratch directory.
     */
    public synchronized void write() {
        EnumMap<Outcome, Long> total = new EnumMap<>(Outcome.class);
        StringBuilder kinds = new StringBuilder();
        for (Map.Entry<String, EnumMap<Outcome, Long>> e : byKind.entrySet()) {
            e.getValue().forEach((o, n) -> total.merge(o, n, Long::sum));
            String counts = json(e.getValue());
            kinds.append(kinds.isEmpty() ? "" : ",\n")
                    .append("    \"")
                    .append(e.getKey())
                    .append("\": ")
                    .append(counts, 0, counts.length() - 1)
                    .append(String.format(java.util.Locale.ROOT, ", \"ms\": %.0f}", millis.get(e.getKey())));
        }
        String text = "{\n  \"family\": \"" + family + "\",\n" + (seed == null ? "" : "  \"seed\": " + seed + ",\n")
                + "  \"total\": " + json(total)
                + ",\n  \"crash\": 0,\n  \"byKind\": {\n" + kinds + "\n  }\n}\n";
        try {
            Path dir = Path.of("target", "robustness");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(family + ".json"), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.println("robustness " + family + ": " + json(total));
        worker.shutdownNow();
        removeScratch();
    }

    private void removeScratch() {
        try (var files = Files.list(scratch)) {
            for (Path f : files.toList()) Files.deleteIfExists(f);
            Files.deleteIfExists(scratch);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String json(EnumMap<Outcome, Long> counts) {
        long tried = counts.values().stream().mapToLong(Long::longValue).sum();
        StringBuilder b = new StringBuilder("{\"tried\": " + tried);
        for (Outcome o : Outcome.values())
            b.append(", \"").append(o.name().toLowerCase()).append("\": ").append(counts.getOrDefault(o, 0L));
        return b.append('}').toString();
    }

    private static long allocatedByThisThread() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-try");
            t.setDaemon(true);
            return t;
        });
    }

    private static String stackTrace(Throwable t) {
        java.io.StringWriter w = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(w));
        return w.toString();
    }
}
