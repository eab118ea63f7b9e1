package org.ntk4j.linalg;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Misuse of a {@link NativeMatrix} is a Java exception, never a read or write of freed memory. */
class NativeMatrixLifecycleTest {
    /** Every accessor, each of which must refuse a closed or handed-over matrix (and a borrowed one whose owner freed it). */
    static final List<Consumer<NativeMatrix>> ACCESSES = List.of(
            m -> m.get(0, 0),
            m -> m.set(0, 0, 1),
            m -> m.at(0),
            m -> m.setAt(0, 1),
            m -> m.putRun(0, new double[2], 0, 2),
            m -> m.getRun(0, new double[2], 0, 2),
            NativeMatrix::pointer,
            m -> m.byteView(0, 2),
            NativeMatrix::diagonal,
            m -> m.addToDiagonal(1),
            NativeMatrix::mirrorUpperToLower,
            NativeMatrix::symmetrize,
            NativeMatrix::allFinite,
            NativeMatrix::toMatrix,
            m -> m.copy("copy"),
            m -> m.scaleColumns(new double[] {1, 1}),
            NativeMatrix::pin,
            NativeMatrix::takeOwnership);

    @Test
    void everyAccessAfterCloseThrowsIllegalState() {
        for (int shift : new int[] {NativeMatrix.CHUNK_SHIFT, 1}) { // one buffer, and chunks of 2 entries
            for (Consumer<NativeMatrix> access : ACCESSES) {
                NativeMatrix m = NativeMatrix.allocate(2, 2, "test matrix", shift);
                m.close();
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> access.accept(m));
                assertTrue(e.getMessage().contains("'test matrix' is closed"), e.getMessage());
            }
        }
    }

    @Test
    void aSecondCloseThrows() {
        NativeMatrix m = NativeMatrix.zeros(3, 3, "twice");
        m.close();
        assertThrows(IllegalStateException.class, m::close);
    }

    @Test
    void aPinnedMatrixCannotBeClosedOrHandedOver() {
        NativeMatrix m = NativeMatrix.zeros(3, 3, "pinned");
        NativeMatrix.Pin a = m.pin(), b = m.pin();
        IllegalStateException e = assertThrows(IllegalStateException.class, m::close);
        assertTrue(e.getMessage().contains("in use by 2 computations"), e.getMessage());
        assertThrows(IllegalStateException.class, m::takeOwnership);
        m.set(1, 1, 7); // still open and usable
        a.close();
        a.close(); // a pin released twice counts once
        assertThrows(IllegalStateException.class, m::close);
        b.close();
        assertEquals(7, m.get(1, 1));
        m.close();
        assertNull(NativeMatrix.pinIfPresent(null));
    }

    @Test
    void takeOwnershipMovesTheMemoryAndEmptiesTheOldHandle() {
        NativeMatrix old = NativeMatrix.zeros(2, 3, "moved");
        old.set(1, 2, 5);
        NativeMatrix moved = old.takeOwnership();
        assertEquals(5, moved.get(1, 2));
        assertEquals(2, moved.rows());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> old.get(0, 0));
        assertTrue(e.getMessage().contains("handed over"), e.getMessage());
        old.close(); // the old handle owns nothing: closing it (e.g. by its earlier holder) does nothing
        assertEquals(5, moved.get(1, 2));
        moved.close();
        assertThrows(IllegalStateException.class, moved::close);
    }

    @Test
    void indicesAreCheckedPerDimension() {
        try (NativeMatrix m = NativeMatrix.zeros(3, 2, "bounds")) {
            // (3, 0) would be entry 3 = (0, 1) if only the flat index were checked
            assertThrows(IndexOutOfBoundsException.class, () -> m.get(3, 0));
            assertThrows(IndexOutOfBoundsException.class, () -> m.set(-1, 1, 0));
            assertThrows(IndexOutOfBoundsException.class, () -> m.get(0, 2));
            assertThrows(IndexOutOfBoundsException.class, () -> m.at(6));
            assertThrows(IndexOutOfBoundsException.class, () -> m.setAt(-1, 0));
            assertThrows(IndexOutOfBoundsException.class, () -> m.putRun(5, new double[2], 0, 2));
            assertThrows(IndexOutOfBoundsException.class, () -> m.getRun(Long.MAX_VALUE, new double[1], 0, 1));
        }
    }

    /**
     * Workers write a pinned matrix while another thread tries to close it: every close fails until
     * the workers are done, and then succeeds; nothing is freed under a writer.
     */
    @Test
    void closeDuringConcurrentUseThrowsUntilTheWorkIsDone() throws Exception {
        NativeMatrix m = NativeMatrix.zeros(256, 256, "shared");
        NativeMatrix.Pin pin = m.pin();
        CountDownLatch started = new CountDownLatch(1), refusedOnce = new CountDownLatch(1);
        AtomicInteger refused = new AtomicInteger();
        Thread writer = Thread.ofPlatform().start(() -> {
            started.countDown();
            double[] col = new double[256];
            for (int pass = 0; pass < 200; pass++)
                for (int j = 0; j < 256; j++) {
                    java.util.Arrays.fill(col, pass);
                    m.putRun((long) j * 256, col, 0, 256);
                }
            try {
                refusedOnce.await(10, TimeUnit.SECONDS); // the pin outlives at least one attempt to close
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            pin.close();
        });
        assertTrue(started.await(10, TimeUnit.SECONDS));
        while (true) {
            try {
                m.close();
                break;
            } catch (IllegalStateException e) {
                refused.incrementAndGet();
                refusedOnce.countDown();
                Thread.onSpinWait();
            }
        }
        writer.join();
        assertTrue(refused.get() > 0);
        assertThrows(IllegalStateException.class, () -> m.get(0, 0));
    }
}
