package org.ntk4j.finite;

import java.util.HashMap;
import java.util.Map;

/**
 * Reusable native buffers by slot. Fresh native memory page-faults on first touch (slow on
 * virtual machines), so loops such as gradient descent keep their per-layer buffers here instead
 * of allocating them in every step. Not thread-safe; close it to free everything.
 */
final class Scratch implements AutoCloseable {
    private final Map<Integer, NativeBuffer> slots = new HashMap<>();

    /** A buffer of at least {@code length} values for {@code slot} (contents undefined). */
    NativeBuffer get(int slot, long length) {
        NativeBuffer b = slots.get(slot);
        if (b == null || b.length() < length) {
            if (b != null) b.close();
            b = NativeBuffer.allocate(length);
            slots.put(slot, b);
        }
        return b;
    }

    /** {@link #get} filled with {@code data}. */
    NativeBuffer copyOf(int slot, double[] data) {
        NativeBuffer b = get(slot, data.length);
        b.put(data);
        return b;
    }

    @Override
    public void close() {
        for (NativeBuffer b : slots.values()) b.close();
        slots.clear();
    }
}
