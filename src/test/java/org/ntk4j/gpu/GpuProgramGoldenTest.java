package org.ntk4j.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ntk4j.arch.Activation;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.Dense;
import org.ntk4j.arch.Layer;
import org.ntk4j.arch.Parameterization;
import org.ntk4j.arch.activation.Identity;

/**
 * The program the device reads, bit for bit: a SHA-256 of the op records, the activation constants
 * and the host-side per-example rows for a set of architectures, captured before the GPU program
 * became a serialization of the kernel package's layer plan. A change here changes what the
 * kernels compute.
 */
class GpuProgramGoldenTest {
    static final String GOLDEN = "dcbcd4d4fe02b9b26b3a56b22a163ac043ab2fa395d2de5591c5399f04ec7592";

    @Test
    void serializedProgramsAreUnchanged() throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        double[] q0 = {0.3, 1.1, 0.02, 2.5};
        for (Parameterization p : Parameterization.values())
            for (Architecture a : architectures(p)) {
                GpuProgram prog = GpuProgram.compile(a, 6);
                GpuProgram.Rows rows = prog.rows(q0, "x1", true);
                feed(sha, prog.opArray);
                feed(sha, prog.params);
                for (double[] pre : rows.pre()) feed(sha, pre);
                feed(sha, rows.cov());
                feed(sha, rows.diagNtk());
                feed(sha, GpuProgram.flatten(rows.pre(), q0.length));
                feed(sha, new double[] {prog.ops.size()});
            }
        String got = HexFormat.of().formatHex(sha.digest());
        assertEquals(GOLDEN, got);
    }

    private static List<Architecture> architectures(Parameterization p) {
        List<Architecture> out = new ArrayList<>();
        for (Activation act : GpuProgramTest.ACTS) {
            out.add(new Architecture(
                    List.of(Dense.of(11, 1.4, 0.2), act, Dense.of(5, 0.9, 0.1), act, Dense.of(1, 1.2, 0.3)), p));
            out.add(new Architecture(
                    List.of(
                            new Identity(),
                            Dense.noBias(7, 1.1),
                            new Identity(),
                            act,
                            new Identity(),
                            Dense.noBias(2, 0.8)),
                    p));
        }
        List<Layer> mixed = new ArrayList<>();
        for (Activation act : GpuProgramTest.ACTS) {
            mixed.add(Dense.of(3 + mixed.size() % 5, 1.05, 0.05));
            mixed.add(act);
        }
        mixed.add(Dense.of(1, 1.0, 0.0));
        out.add(new Architecture(mixed, p));
        out.add(new Architecture(List.of(Dense.of(4, 1.3, 0.4)), p));
        out.add(new Architecture(List.of(Dense.of(4, 1.3, 0.4), Dense.noBias(3, 0.7), new Identity()), p));
        return out;
    }

    private static void feed(MessageDigest sha, double[] v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length + 4).putInt(v.length);
        for (double x : v) b.putLong(Double.doubleToRawLongBits(x));
        sha.update(b.array());
    }
}
