package org.ntk4j.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.ntk4j.NativeCpu;

/**
 * SHA-256 (FIPS 180-4) of a stream, for the checksums of the output files. The compression runs in
 * C ({@code native/cpu/sha256.c}, with the x86 SHA extensions where the processor has them) when
 * {@link NativeCpu} is loaded, else in the JDK's {@link MessageDigest}. why: {@code bin/ntk4j} runs
 * the C1 compiler only, which has no SHA intrinsic: MessageDigest hashed ~110 MB/s there, ~2.3 CPU-s
 * for the two 128 MB files of a 4000² kernel run, against ~0.2 s in C with the SHA extensions.
 */
final class Sha256 {
    private static final int[] H0 = {
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
    };
    private static final int BUFFER = 1 << 20; // a multiple of the 64-byte block

    private Sha256() {}

    /** A stream's length in bytes and SHA-256 (lower-case hex). */
    record Sum(long size, String hex) {}

    /** Reads {@code ch} to its end and returns its length and SHA-256. */
    static Sum of(ReadableByteChannel ch) throws IOException {
        return NativeCpu.loaded() ? ofNative(ch, false) : ofJdk(ch);
    }

    /** In C; {@code portable} forces the code without the SHA extensions (tests compare both). */
    static Sum ofNative(ReadableByteChannel ch, boolean portable) throws IOException {
        int[] state = H0.clone();
        ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER);
        long size = 0;
        for (int r = 0; r >= 0; ) {
            r = ch.read(buf);
            if (r > 0) size += r;
            if (r < 0 || !buf.hasRemaining()) { // full, or the end: compress the whole blocks, keep the rest
                int blocks = buf.position() / 64;
                compress(state, buf, 0, blocks, portable);
                buf.limit(buf.position()).position(blocks * 64);
                buf.compact();
            }
        }
        // padding: 0x80, zeros up to 56 mod 64, the length in bits (big-endian); the tail is < 64 bytes
        buf.put((byte) 0x80);
        while (buf.position() % 64 != 56) buf.put((byte) 0);
        buf.putLong(size << 3);
        compress(state, buf, 0, buf.position() / 64, portable);
        ByteBuffer out = ByteBuffer.allocate(32);
        for (int s : state) out.putInt(s);
        return new Sum(size, HexFormat.of().formatHex(out.array()));
    }

    static Sum ofJdk(ReadableByteChannel ch) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
        ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER);
        long size = 0;
        for (int r; (r = ch.read(buf)) >= 0; ) {
            size += r;
            buf.flip();
            sha.update(buf);
            buf.clear();
        }
        return new Sum(size, HexFormat.of().formatHex(sha.digest()));
    }

    /** Whether the C code uses the processor's SHA extensions. */
    static native boolean accelerated();

    /** Compresses {@code blocks} 64-byte blocks of the direct buffer {@code buf} from byte {@code offset} into {@code state}. */
    private static void compress(int[] state, ByteBuffer buf, long offset, long blocks, boolean portable) {
        if (!buf.isDirect() || state.length != 8 || offset < 0 || blocks < 0 || offset + 64 * blocks > buf.capacity())
            throw new IllegalArgumentException("compress: bad arguments"); // never: the callers above
        if (blocks > 0) compress0(state, buf, offset, blocks, portable);
    }

    private static native void compress0(int[] state, ByteBuffer buf, long offset, long blocks, boolean portable);
}
