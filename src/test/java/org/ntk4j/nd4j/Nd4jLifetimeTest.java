package org.ntk4j.nd4j;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.ref.WeakReference;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.linalg.NativeMatrix;

/**
 * Who frees shared memory, and when: never twice, never while someone still uses it, and a use after
 * the owner freed it is an exception rather than a read of freed memory.
 */
class Nd4jLifetimeTest {
    /** Collects garbage until {@code done} holds, at most {@code times} times; returns whether it held. */
    static boolean gcUntil(BooleanSupplier done, int times) throws InterruptedException {
        for (int i = 0; i < times && !done.getAsBoolean(); i++) {
            System.gc();
            Thread.sleep(20);
        }
        return done.getAsBoolean();
    }

    /** Enough collections for an unreachable object to be found (each System.gc() is a full collection). */
    private static final int A_FEW = 3, MANY = 200;

    @Test
    void aViewKeepsItsArrayAliveAfterTheCallerDropsIt() throws InterruptedException {
        INDArray a = Nd4jArraysTest.distinct(200, 100, 'f');
        WeakReference<INDArray> ref = new WeakReference<>(a);
        NativeMatrix view = Nd4jArrays.toNative(a, "a");
        a = null;
        assertFalse(gcUntil(() -> ref.get() == null, A_FEW), "the array was collected while a view used its memory");
        assertEquals(10 * 199 + 99 + 0.25, view.get(199, 99));
        view.close();
        view = null;
        assertTrue(gcUntil(() -> ref.get() == null, MANY), "the closed view still kept the array reachable");
    }

    @Test
    void closingTheArrayMakesTheViewThrowInsteadOfReadingFreedMemory() {
        INDArray a = Nd4jArraysTest.distinct(4, 4, 'f');
        NativeMatrix view = Nd4jArrays.toNative(a, "kernel");
        a.close(); // ND4J frees the memory now
        List<Consumer<NativeMatrix>> uses = List.of(
                m -> m.get(0, 0),
                m -> m.set(1, 1, 0),
                NativeMatrix::pointer,
                NativeMatrix::pin,
                NativeMatrix::diagonal,
                NativeMatrix::toMatrix);
        for (Consumer<NativeMatrix> use : uses) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> use.accept(view));
            assertTrue(
                    e.getMessage().contains("ND4J array [4x4] double")
                            && e.getMessage().contains("has freed"),
                    e.getMessage());
        }
        view.close(); // ends the use; frees nothing a second time
    }

    @Test
    void closingTheViewLeavesTheArrayUsableAndItsOwnCloseIsTheOnlyFree() {
        INDArray a = Nd4jArraysTest.distinct(3, 3, 'f');
        NativeMatrix view = Nd4jArrays.toNative(a, "a");
        view.set(0, 0, 5);
        view.close();
        assertThrows(IllegalStateException.class, view::close, "a double close is a bug of ownership");
        assertEquals(5, a.getDouble(0, 0));
        assertEquals(
                5 + 1.25 + 2.25 + 10.25 + 11.25 + 12.25 + 20.25 + 21.25 + 22.25,
                a.sumNumber().doubleValue());
        a.close();
    }

    /**
     * A matrix handed to ND4J stays allocated while the array is reachable (through GCs) and is freed
     * once, by JavaCPP, after the array is gone: JavaCPP's count of allocated bytes drops by its size.
     */
    @Test
    void aHandedOverMatrixLivesAsLongAsItsArrayAndIsFreedOnce() throws InterruptedException {
        int n = 1000; // 8 MB: large enough to see in the allocated-bytes count
        long bytes = 8L * n * n;
        long before = Pointer.totalBytes();
        NativeMatrix m = NativeMatrix.zeros(n, n, "kernel");
        m.set(n - 1, n - 1, 42);
        INDArray a = Nd4jArrays.of(m);
        m = null;
        assertFalse(
                gcUntil(() -> Pointer.totalBytes() < before + bytes / 2, A_FEW),
                "freed while the ND4J array still uses the memory");
        assertEquals(42, a.getDouble(n - 1, n - 1));
        assertEquals(42, a.sumNumber().doubleValue());
        a = null;
        assertTrue(
                gcUntil(() -> Pointer.totalBytes() < before + bytes / 2, MANY),
                "not freed after the ND4J array was collected: " + Pointer.totalBytes() + " bytes vs " + before);
    }

    /**
     * Closing such an array (ND4J's explicit release) does not free ntk4j's allocation a second time:
     * the small allocations sit in malloc's tcache, where a double free aborts the JVM. JavaCPP frees
     * them (its allocated-bytes count falls back, give or take a few unrelated bytes) once the arrays
     * are collected.
     */
    @Test
    void closingAHandedOverArrayDoesNotFreeTwice() throws InterruptedException {
        long before = Pointer.totalBytes();
        for (int k = 0; k < 20; k++) {
            NativeMatrix m = NativeMatrix.zeros(3, 3, "small");
            m.set(2, 2, k);
            INDArray a = Nd4jArrays.of(m);
            assertEquals(k, a.getDouble(2, 2));
            a.close();
        }
        assertTrue(
                gcUntil(() -> Pointer.totalBytes() <= before + 512, MANY), // 20 x 72 bytes were allocated
                "the closed arrays' memory was never freed: " + Pointer.totalBytes() + " bytes vs " + before);
        NativeMatrix probe = NativeMatrix.zeros(3, 3, "after"); // malloc still consistent
        probe.set(1, 1, 1);
        probe.close();
    }
}
