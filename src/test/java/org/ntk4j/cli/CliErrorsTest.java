package org.ntk4j.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntk4j.io.Npy;
import org.ntk4j.linalg.Matrix;

/** Every documented failure of {@code ntk4j kernel}: its exit code and its one line on stderr. */
class CliErrorsTest {
    static final String ARCH = "Dense(64,W_std=1.5,b_std=0.1)->Relu->Dense(1,W_std=1.5,b_std=0.1)";

    @TempDir
    Path dir;

    Path x(String name, double[][] v) {
        Path f = dir.resolve(name);
        Npy.write(f, Matrix.of(v));
        return f;
    }

    Path x1() {
        return x("x1.npy", new double[][] {{1, 2, 3}, {0, 0, 0}, {-1, 0.5, 2}});
    }

    CliRun kernel(String arch, Path x1, String... more) {
        String[] base = {
            "kernel",
            "--arch",
            arch,
            "--x1",
            x1.toString(),
            "--out",
            dir.resolve("out").toString()
        };
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return CliRun.of(all);
    }

    @Test
    void usageErrorsExit2() {
        CliRun.of().fails(2, "missing command");
        CliRun.of("frobnicate")
                .fails(2, "unknown command 'frobnicate'; commands: kernel, predict, softopt, info, demo");
        CliRun.of("--bogus").fails(2, "Unknown option: '--bogus'");
        CliRun.of("kernel", "--x1", "a.npy").fails(2, "Missing required options: '--arch=ARCH', '--out=DIR'");
        kernel(ARCH, x1(), "--dtype", "float16")
                .fails(2, "'float16' is not one of float64, float32 (see 'ntk4j kernel --help')");
        kernel(ARCH, x1(), "--parameterization", "mup").fails(2, "'mup' is not one of ntk, standard");
        kernel(ARCH, x1(), "--device", "tpu").fails(2, "'tpu' is not one of auto, cpu, gpu");
        assertFalse(Files.exists(dir.resolve("out")));
    }

    @Test
    void helpAndVersionSucceed() {
        CliRun v = CliRun.of("--version");
        assertEquals(0, v.code());
        assertEquals("ntk4j " + org.ntk4j.Ntk4j.VERSION, v.out().strip());
        CliRun h = CliRun.of("kernel", "--help");
        assertEquals(0, h.code());
        for (String flag : new String[] {
            "--arch", "--parameterization", "--x1", "--x2", "--dtype", "--device", "--out", "--verbose"
        }) assertTrue(h.out().contains(flag), flag + " missing from help:\n" + h.out());
    }

    @Test
    void helpListsEveryCommandInOrderWhileARunBuildsOnlyItsOwn() {
        CliRun h = CliRun.of("--help");
        assertEquals(0, h.code());
        int at = -1;
        for (String c : new String[] {"kernel", "predict", "softopt", "info", "demo", "finite"}) {
            int next = h.out().indexOf("\n  " + c + " ");
            assertTrue(next > at, c + " missing or out of order in the help:\n" + h.out());
            at = next;
        }
        assertEquals(
                java.util.List.of(KernelCommand.class),
                Main.subcommandsFor(new String[] {"--verbose", "kernel", "--x1", "a.npy"}));
        assertEquals(java.util.List.of(FiniteCommand.class), Main.subcommandsFor(new String[] {"finite", "--help"}));
        assertEquals(Main.SUBCOMMANDS, Main.subcommandsFor(new String[] {"--help"}));
        assertEquals(Main.SUBCOMMANDS, Main.subcommandsFor(new String[] {"kernl", "--x1", "a.npy"}));
    }

    @Test
    void architectureErrorsExit3NamingArch() {
        kernel("Dense(8)->Swish->Dense(1)", x1()).fails(3, "--arch: unknown layer 'Swish'");
        kernel("Dense(8,W_std=-1)->Relu->Dense(1)", x1()).fails(3, "--arch: Dense: W_std must be >= 0, got -1.0");
        kernel("Dense(8)->Relu->Erf->Dense(1)", x1()).fails(3, "two nonlinearities in a row");
        kernel("Dense(8)->Relu->", x1()).fails(3, "--arch: ");
        assertFalse(Files.exists(dir.resolve("out")), "nothing is created before the inputs are valid");
    }

    @Test
    void inputFileErrorsExit3NamingFlagAndFile() throws IOException {
        kernel(ARCH, dir.resolve("missing.npy")).fails(3, "--x1: file not found: " + dir.resolve("missing.npy"));
        Path text = dir.resolve("text.npy");
        Files.writeString(text, "1,2,3\n");
        kernel(ARCH, text).fails(3, "--x1: " + text + " is not a .npy file");
        Path txt = dir.resolve("x.txt");
        Files.writeString(txt, "1,2,3\n");
        kernel(ARCH, txt).fails(3, "unsupported file type '.txt'");
        Path c16 = NpyRaw.file(dir.resolve("c16.npy"), "<c16", "(2, 3)", new byte[96]);
        kernel(ARCH, c16).fails(3, "--x1: " + c16 + ": dtype '<c16' (complex, 16 bytes) is not supported");
        Path be = NpyRaw.file(dir.resolve("be.npy"), ">f8", "(2, 3)", new byte[48]);
        kernel(ARCH, be).fails(3, "big-endian dtype '>f8'");
        Path x2 = x("x2.npy", new double[][] {{1, 2, 3}});
        kernel(ARCH, x1(), "--x2", dir.resolve("nope.csv").toString()).fails(3, "--x2: file not found");
        kernel(ARCH, x1(), "--x2", x("x2bad.npy", new double[][] {{1, 2}}).toString())
                .fails(3, "--x2: has 2 features (columns) but --x1 has 3");
        assertTrue(Files.exists(x2));
    }

    @Test
    void nonFiniteInputExits3WithRowAndColumn() throws IOException {
        Path nan = x("nan.npy", new double[][] {{1, 2, 3}, {4, Double.NaN, 6}});
        kernel(ARCH, nan).fails(3, "--x1: " + nan + " has NaN at row 1, column 1 (0-based)");
        Path csv = dir.resolve("inf.csv");
        Files.writeString(csv, "a,b,c\n1,2,3\n4,5,inf\n");
        kernel(ARCH, x1(), "--x2", csv.toString())
                .fails(3, "--x2: " + csv + " line 3, column 3: 'inf'; inputs must be finite");
    }

    @Test
    void outputDirectoryThatIsAFileExits3() throws IOException {
        Path file = dir.resolve("out");
        Files.writeString(file, "not a directory");
        kernel(ARCH, x1()).fails(3, "--out: " + file + " exists and is not a directory");
    }

    @Test
    void gpuDeviceIsUnavailableExit6() {
        kernel(ARCH, x1(), "--device", "gpu").fails(6, "--device gpu: the GPU cannot be used");
    }

    @Test
    void verboseIsGlobalBeforeOrAfterTheCommand() {
        for (String[] args : new String[][] {{"--verbose", "info"}, {"info", "--verbose"}}) {
            Main main = new Main();
            Main.commandLine(main, args).parseArgs(args);
            assertTrue(main.verbose(), String.join(" ", args));
        }
    }

    @Test
    void verboseAddsTheStackTrace() {
        CliRun r = kernel(ARCH, dir.resolve("missing.npy"), "--verbose");
        assertEquals(3, r.code());
        assertTrue(r.err().startsWith("ntk4j: error: --x1: file not found"), r.err());
        assertTrue(r.err().contains("at org.ntk4j.io."), r.err());
    }
}
