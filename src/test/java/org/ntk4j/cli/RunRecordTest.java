package org.ntk4j.cli;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntk4j.io.Npy;

/**
 * The output set's contract: every command's {@code run.json} lists exactly the files it wrote with
 * their true sizes and SHA-256; the old record goes before anything is written; stale temporaries of
 * dead processes go, those of live ones stay; a failed write exits 7 naming the file and leaves no
 * temporary and no record.
 */
class RunRecordTest {
    static final String ARCH = "Dense(16,W_std=1.5,b_std=0.1)->Relu->Dense(1,W_std=1.5,b_std=0.1)";

    @TempDir
    Path dir;

    Path npy(String name, int rows, int cols, long seed) {
        Path f = dir.resolve(name);
        Npy.write(f, CliKernelTest.random(rows, cols, seed));
        return f;
    }

    CliRun kernel(Path out, String... more) {
        String[] base = {
            "kernel", "--arch", ARCH, "--x1", npy("x1.npy", 6, 3, 1).toString(), "--out", out.toString()
        };
        String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return CliRun.of(all);
    }

    @Test
    void everyCommandRecordsExactlyTheFilesItWrote() {
        String x = npy("x.npy", 6, 3, 2).toString(),
                xt = npy("xt.npy", 4, 3, 3).toString(),
                y = npy("y.npy", 6, 1, 4).toString();
        Path k = dir.resolve("k"),
                k32 = dir.resolve("k32"),
                p = dir.resolve("p"),
                pf = dir.resolve("pf"),
                f = dir.resolve("f"),
                s = dir.resolve("s");
        RunRecords.assertComplete(k, kernel(k, "--x2", xt), "nngp.npy", "ntk.npy", "cov1.npy", "cov2.npy");
        RunRecords.assertComplete(k32, kernel(k32, "--dtype", "float32"), "nngp.npy", "ntk.npy", "cov1.npy");
        String[] predict = {
            "predict", "--arch", ARCH, "--x-train", x, "--y-train", y, "--x-test", xt, "--diag-reg", "1e-3", "--out"
        };
        RunRecords.assertComplete(p, CliRun.of(cat(predict, p.toString())), "mean.npy", "var.npy");
        RunRecords.assertComplete(pf, CliRun.of(cat(predict, pf.toString(), "--cov", "full")), "mean.npy", "cov.npy");
        RunRecords.assertComplete(
                f,
                CliRun.of(
                        "finite",
                        "--arch",
                        ARCH,
                        "--width",
                        "8",
                        "--seed",
                        "1",
                        "--x1",
                        xt,
                        "--x2",
                        x,
                        "--x-train",
                        x,
                        "--y-train",
                        y,
                        "--steps",
                        "2",
                        "--learning-rate",
                        "0.1",
                        "--out",
                        f.toString()),
                "f0_x1.npy",
                "f0_x2.npy",
                "nngp.npy",
                "ntk.npy",
                "trained_x1.npy",
                "trained_x2.npy");
        Path u = dir.resolve("u.npy");
        Npy.writeVector(u, new double[] {0, 1, 2, 3});
        RunRecords.assertComplete(
                s,
                CliRun.of("softopt", "--utility", u.toString(), "--epsilon", "0.3", "--out", s.toString()),
                "policy.npy",
                "summary.json");
    }

    @Test
    void anyCommandLineIsRecordedAsValidJson() {
        Path out = dir.resolve("o \"quoted\" back\\slash\ttab é ☃ \uD83D\uDE00");
        RunRecords.assertComplete(out, kernel(out, "--verbose"), "nngp.npy", "ntk.npy", "cov1.npy");
    }

    @Test
    void theOldRecordIsGoneOnceANewRunStartsAndAFailedRunLeavesNone() throws IOException {
        Path out = dir.resolve("out");
        RunRecords.assertComplete(out, kernel(out), "nngp.npy", "ntk.npy", "cov1.npy");
        // make the next run fail midway: ntk.npy cannot be renamed onto a non-empty directory
        Files.delete(out.resolve("ntk.npy"));
        Files.createDirectories(out.resolve("ntk.npy"));
        Files.writeString(out.resolve("ntk.npy").resolve("keep"), "x");
        kernel(out).fails(7, "cannot write " + out.resolve("ntk.npy") + ": ");
        assertFalse(Files.exists(out.resolve("run.json")), "a failed run leaves no record");
        assertTrue(
                java.util.Set.of("nngp.npy", "cov1.npy").containsAll(RunRecords.filesIn(out)),
                RunRecords.filesIn(out).toString());
        assertNoTemporaries(out);
        // a run that fails before writing anything also removes the record: it goes first
        Path p = dir.resolve("p");
        String x = npy("x.npy", 3, 2, 2).toString(), y = npy("y.npy", 3, 1, 3).toString();
        String[] predict = {
            "predict", "--arch", ARCH, "--x-train", x, "--y-train", y, "--x-test", x, "--out", p.toString()
        };
        RunRecords.assertComplete(p, CliRun.of(predict), "mean.npy", "var.npy");
        Npy.write(dir.resolve("dup.npy"), org.ntk4j.linalg.Matrix.of(new double[][] {{1, 2}, {3, 4}, {1, 2}}));
        predict[4] = dir.resolve("dup.npy").toString();
        CliRun.of(predict).fails(5, "identical"); // a singular kernel, found after --out is set up
        assertFalse(Files.exists(p.resolve("run.json")));
    }

    @Test
    void staleTemporariesOfDeadProcessesAreRemovedThoseOfLiveOnesKept() throws Exception {
        Path out = Files.createDirectories(dir.resolve("out"));
        Process dead = new ProcessBuilder("true").start();
        assertTrue(dead.waitFor(10, TimeUnit.SECONDS));
        Process live = new ProcessBuilder("sleep", "60").start();
        try {
            Path stale = Files.writeString(out.resolve(".ntk.npy." + dead.pid() + ".17.tmp"), "half");
            Path busy = Files.writeString(out.resolve(".ntk.npy." + live.pid() + ".18.tmp"), "writing");
            Path mine = Files.writeString(out.resolve("notes.tmp"), "not ours");
            CliRun r = kernel(out);
            assertEquals(0, r.code(), r.err());
            assertTrue(Files.exists(out.resolve("run.json")));
            assertFalse(Files.exists(stale), "the dead process's temporary is removed");
            assertTrue(Files.exists(busy), "a live process's temporary is kept");
            assertTrue(Files.exists(mine), "a file that is not one of our temporaries is kept");
        } finally {
            live.destroyForcibly().waitFor();
        }
    }

    @Test
    void outNamingARegularFileOrNothingIsInvalidInput() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");
        kernel(file).fails(3, "--out: " + file + " exists and is not a directory");
        kernel(file.resolve("sub")).fails(3, "--out: cannot create directory");
        kernel(Path.of("")).fails(3, "--out: no directory given (the value is empty)");
    }

    @Test
    void diskFullExits7NamingTheFileAndLeavesNoTemporary() throws Exception {
        Path mnt = Files.createDirectories(dir.resolve("small"));
        assumeTrue(
                mount(mnt, "size=1m"),
                "cannot mount a 1 MiB tmpfs here (needs root with CAP_SYS_ADMIN): disk-full case skipped");
        try {
            Path out = mnt.resolve("out");
            // finite writes f0_x1.npy (3 KB), then nngp.npy: 400 x 400 float64 = 1.28 MB > 1 MiB
            CliRun.of(
                            "finite",
                            "--arch",
                            ARCH,
                            "--width",
                            "2",
                            "--seed",
                            "1",
                            "--x1",
                            npy("big.npy", 400, 2, 5).toString(),
                            "--out",
                            out.toString())
                    .fails(7, "cannot write " + out.resolve("nngp.npy") + ": No space left on device");
            assertEquals(java.util.Set.of("f0_x1.npy"), RunRecords.filesIn(out));
            assertNoTemporaries(out);
            assertFalse(Files.exists(out.resolve("run.json")));
        } finally {
            umount(mnt);
        }
    }

    @Test
    void unwritableDirectoryExits7NamingIt() throws Exception {
        Path mnt = Files.createDirectories(dir.resolve("ro"));
        assumeTrue(
                mount(mnt, "ro,size=1m"),
                "cannot mount a read-only tmpfs here (needs root with CAP_SYS_ADMIN; root ignores mode bits): skipped");
        try {
            kernel(mnt).fails(7, "cannot write " + mnt + ": the directory is not writable");
            kernel(mnt.resolve("sub"))
                    .fails(
                            7,
                            "cannot write " + mnt.resolve("sub")
                                    + ": cannot create the directory: Read-only file system");
        } finally {
            umount(mnt);
        }
    }

    static void assertNoTemporaries(Path out) throws IOException {
        try (var s = Files.list(out)) {
            assertEquals(
                    java.util.List.of(),
                    s.map(p -> p.getFileName().toString())
                            .filter(n -> n.endsWith(".tmp"))
                            .toList());
        }
    }

    /** Mounts a tmpfs with {@code options} on {@code at}; false where that is not permitted. */
    static boolean mount(Path at, String options) throws InterruptedException {
        try {
            Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", options, "tmpfs", at.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false; // no mount command
        }
    }

    static void umount(Path at) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("umount", at.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "umount " + at + ": " + out);
    }

    static String[] cat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
