package org.ntk4j.io;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.ntk4j.NativeCpu;

/** {@link Sha256}: the C code (with and without the SHA extensions) equals the JDK's MessageDigest on every padding case. */
class Sha256Test {
    static String jdk(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    static Sha256.Sum nat(byte[] b, boolean portable) throws IOException {
        return Sha256.ofNative(Channels.newChannel(new ByteArrayInputStream(b)), portable); // reads of 8 KiB at most
    }

    @Test
    void cMatchesTheJdkOnEveryLengthAroundTheBlockAndBufferBoundaries() throws Exception {
        assumeTrue(NativeCpu.loaded(), "the native library is not in this build: Sha256 uses MessageDigest");
        Random r = new Random(7);
        int[] big = {(1 << 20) - 9, 1 << 20, (1 << 20) + 56, 2 * (1 << 20) + 17}; // around the 1 MiB read buffer
        int checked = 0;
        for (int n = 0; n < 300 + big.length; n++) {
            byte[] b = new byte[n < 300 ? n : big[n - 300]];
            r.nextBytes(b);
            String want = jdk(b);
            for (boolean portable : new boolean[] {false, true}) {
                Sha256.Sum s = nat(b, portable);
                assertEquals(b.length, s.size());
                assertEquals(
                        want,
                        s.hex(),
                        "length " + b.length
                                + (portable ? " (portable C)" : " (SHA extensions: " + Sha256.accelerated() + ")"));
                checked++;
            }
        }
        assertEquals(2 * (300 + big.length), checked);
    }

    @Test
    void knownAnswersAndTheJdkFallback() throws Exception {
        byte[] abc = "abc".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        String fips = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"; // FIPS 180-2, B.1
        assertEquals(
                fips,
                Sha256.ofJdk(Channels.newChannel(new ByteArrayInputStream(abc))).hex());
        assertEquals(
                fips,
                Sha256.of(Channels.newChannel(new ByteArrayInputStream(abc))).hex());
        byte[] million = new byte[1_000_000];
        java.util.Arrays.fill(million, (byte) 'a'); // FIPS 180-2, B.3
        assertEquals(
                "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
                Sha256.of(Channels.newChannel(new ByteArrayInputStream(million)))
                        .hex());
    }
}
