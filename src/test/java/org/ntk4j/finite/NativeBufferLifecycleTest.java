package org.ntk4j.finite;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** Misuse of a {@link NativeBuffer} is an IllegalStateException, never an access to freed memory. */
class NativeBufferLifecycleTest {
    @Test
    void useAfterCloseAndDoubleCloseThrow() {
        NativeBuffer b = NativeBuffer.copyOf(new double[] {1, 2, 3});
        assertEquals(2, b.view().get(1));
        b.close();
        assertThrows(IllegalStateException.class, b::view);
        assertThrows(IllegalStateException.class, () -> b.put(new double[] {1}));
        assertThrows(IllegalStateException.class, () -> b.get(new double[1]));
        assertThrows(IllegalStateException.class, b::toArray);
        try (NativeBuffer c = NativeBuffer.allocate(3)) {
            assertThrows(
                    IllegalStateException.class,
                    () -> NativeBuffer.gemm(false, false, 1, 1, 1, 1.0, b, 0, 1, c, 0, 1, 0.0, c, 0, 1));
        }
        assertThrows(IllegalStateException.class, b::close);
    }
}
