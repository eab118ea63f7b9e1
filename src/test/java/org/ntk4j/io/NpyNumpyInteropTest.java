package org.ntk4j.io;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.Matrix;

/**
 * Interoperability with numpy itself (skipped when python3 with numpy is absent): numpy must load
 * what ntk4j writes bit for bit, and ntk4j must read what numpy writes in every layout it offers.
 * Values cross the boundary a second time as hex floats, which both sides parse exactly.
 */
class NpyNumpyInteropTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void needNumpy() {
        assumeTrue(run(null, "import numpy").ok, "python3 with numpy not available");
    }

    record Result(boolean ok, String output) {}

    static Result run(Path cwd, String script) {
        try {
            ProcessBuilder pb = new ProcessBuilder("python3", "-c", script).redirectErrorStream(true);
            if (cwd != null) pb.directory(cwd.toFile());
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes());
            boolean done = p.waitFor(60, TimeUnit.SECONDS);
            return new Result(done && p.exitValue() == 0, out);
        } catch (IOException e) {
            return new Result(false, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(false, e.toString());
        }
    }

    static void writeHex(Path f, Matrix m) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < m.rows(); i++)
            for (int j = 0; j < m.cols(); j++) lines.add(Double.toHexString(m.get(i, j)));
        Files.write(f, lines);
    }

    @Test
    void numpyLoadsWhatNtk4jWritesBitForBit() throws IOException {
        Matrix m = NpyTest.random(37, 23, 11);
        Npy.write(dir.resolve("a.npy"), m);
        writeHex(dir.resolve("a.hex"), m);
        Npy.write(dir.resolve("b.npy"), m, DType.FLOAT32);
        double[] v = NpyTest.random(13, 1, 12).toColumnMajor();
        Npy.writeVector(dir.resolve("v.npy"), v);
        writeHex(dir.resolve("v.hex"), Matrix.column(v));
        Result r = run(dir, """
            import numpy as np
            a = np.load('a.npy'); b = np.load('b.npy'); v = np.load('v.npy')
            ea = np.array([float.fromhex(s) for s in open('a.hex').read().split()]).reshape(37, 23)
            ev = np.array([float.fromhex(s) for s in open('v.hex').read().split()])
            assert a.dtype == np.float64 and a.shape == (37, 23) and a.flags.c_contiguous, (a.dtype, a.shape)
            assert np.array_equal(a, ea), 'float64 values differ'
            assert b.dtype == np.float32 and np.array_equal(b, ea.astype(np.float32)), 'float32 values differ'
            assert v.dtype == np.float64 and v.shape == (13,) and np.array_equal(v, ev), 'vector differs'
            print('ok')
            """);
        assertTrue(r.ok && r.output.strip().equals("ok"), r.output);
    }

    @Test
    void ntk4jReadsEveryLayoutNumpyWrites() throws IOException {
        Result r = run(dir, """
            import numpy as np
            from numpy.lib import format as fmt
            rng = np.random.default_rng(5)
            a = rng.standard_normal((29, 17)) * np.exp(5 * rng.standard_normal((29, 17)))
            np.save('c.npy', a)
            np.save('f.npy', np.asfortranarray(a))
            np.save('c32.npy', a.astype(np.float32))
            np.save('f32.npy', np.asfortranarray(a.astype(np.float32)))
            np.save('vec.npy', a[:, 0].copy())
            np.save('i8.npy', np.arange(-5, 7, dtype=np.int64).reshape(3, 4))
            np.save('i4.npy', np.arange(6, dtype=np.int32))
            for ver in [(2, 0), (3, 0)]:
                with open('v%d.npy' % ver[0], 'wb') as fh:
                    fmt.write_array(fh, a, version=ver)
            with open('a.hex', 'w') as fh:
                fh.write('\\n'.join(float.hex(float(x)) for x in a.ravel()))
            print('ok')
            """);
        assertTrue(r.ok, r.output);
        List<String> hex = Files.readAllLines(dir.resolve("a.hex"));
        double[][] e = new double[29][17];
        for (int k = 0; k < hex.size(); k++) e[k / 17][k % 17] = Double.parseDouble(hex.get(k));
        Matrix expect = Matrix.of(e);
        for (String f : List.of("c.npy", "f.npy", "v2.npy", "v3.npy"))
            assertEquals(expect, Npy.read(dir.resolve(f)), f);
        for (String f : List.of("c32.npy", "f32.npy")) {
            assertEquals(
                    expect.as(DType.FLOAT32),
                    Npy.read(dir.resolve(f), ReadOptions.defaults().withKeepFloat32(true)),
                    f);
            assertEquals(expect.as(DType.FLOAT32).as(DType.FLOAT64), Npy.read(dir.resolve(f)), f);
        }
        double[] col0 = new double[29];
        for (int i = 0; i < 29; i++) col0[i] = e[i][0];
        assertArrayEquals(col0, Npy.readVector(dir.resolve("vec.npy")));
        Matrix i8 = Npy.read(dir.resolve("i8.npy"));
        for (int i = 0; i < 3; i++) for (int j = 0; j < 4; j++) assertEquals(-5 + i * 4 + j, i8.get(i, j));
        assertArrayEquals(new double[] {0, 1, 2, 3, 4, 5}, Npy.readVector(dir.resolve("i4.npy")));
    }
}
