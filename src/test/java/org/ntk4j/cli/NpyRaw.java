package org.ntk4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Hand-made .npy files with any header, for error tests. */
final class NpyRaw {
    private NpyRaw() {}

    static Path file(Path f, String descr, String shape, byte[] data) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int total = (10 + dict.length() + 1 + 63) / 64 * 64;
        String h = dict + " ".repeat(total - 10 - dict.length() - 1) + "\n";
        ByteBuffer b = ByteBuffer.allocate(total + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) h.length());
        b.put(h.getBytes(StandardCharsets.ISO_8859_1)).put(data);
        try {
            Files.write(f, b.array());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return f;
    }
}
