package org.ntk4j.linalg;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.ref.WeakReference;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bytedeco.javacpp.DoublePointer;
import org.junit.jupiter.api.Test;

/**
 * A borrowed {@link NativeMatrix} ({@link NativeMatrix#borrow}) uses memory it does not own: it keeps
 * the lender reachable, never frees the memory, and refuses every access once the lender has freed it.
 */
class NativeMatrixBorrowTest {
    /** A lender that owns a DoublePointer and frees it when told to. */
    static final class Owner implements NativeMatrix.Lender {
        final DoublePointer memory;
        final AtomicBoolean freed = new AtomicBoolean();

        Owner(long n) {
            memory = new DoublePointer(n);
        }

        void free() {
            freed.set(true);
            memory.close();
        }

        @Override
        public boolean released() {
            return freed.get();
        }
    }

    @Test
    void writesThroughTheMatrixAreTheOwnersMemoryAndBack() {
        Owner owner = new Owner(6);
        NativeMatrix m = NativeMatrix.borrow(owner.memory, 2, 3, owner, "borrowed");
        assertEquals(owner.memory.address(), m.pointer().address(), "same memory, not a copy");
        m.set(1, 2, 7.5); // column-major: index 1 + 2*2 = 5
        assertEquals(7.5, owner.memory.get(5));
        owner.memory.put(2, -3.0); // (0, 1)
        assertEquals(-3.0, m.get(0, 1));
        assertSame(owner, m.lender());
        assertNull(NativeMatrix.zeros(1, 1, "own").lender());
        m.close();
        owner.free();
    }

    @Test
    void closingABorrowedMatrixFreesNothingAndASecondCloseThrows() {
        Owner owner = new Owner(4);
        owner.memory.put(new double[] {1, 2, 3, 4});
        NativeMatrix m = NativeMatrix.borrow(owner.memory, 2, 2, owner, "borrowed");
        m.close();
        assertEquals(4.0, owner.memory.get(3), "the owner's memory is intact after the view's close");
        assertThrows(IllegalStateException.class, () -> m.get(0, 0));
        assertThrows(IllegalStateException.class, m::close);
        owner.free(); // the one and only free
    }

    @Test
    void everyAccessAfterTheOwnerFreedItsMemoryThrows() {
        for (var access : NativeMatrixLifecycleTest.ACCESSES) {
            Owner owner = new Owner(4);
            NativeMatrix m = NativeMatrix.borrow(owner.memory, 2, 2, owner, "view");
            owner.free();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> access.accept(m));
            assertTrue(e.getMessage().contains("has freed"), e.getMessage());
            m.close(); // ends the use; frees nothing (the owner already did, once)
        }
    }

    @Test
    void aHandedOverBorrowedMatrixStillBorrowsAndStillFreesNothing() {
        Owner owner = new Owner(4);
        NativeMatrix m = NativeMatrix.borrow(owner.memory, 2, 2, owner, "view");
        NativeMatrix moved = m.takeOwnership();
        assertSame(owner, moved.lender());
        moved.set(0, 0, 9);
        moved.close();
        assertEquals(9.0, owner.memory.get(0));
        owner.free();
    }

    @Test
    void theMatrixKeepsItsLenderReachable() throws InterruptedException {
        Owner owner = new Owner(4);
        DoublePointer memory = owner.memory;
        NativeMatrix m = NativeMatrix.borrow(memory, 2, 2, owner, "view");
        WeakReference<Owner> ref = new WeakReference<>(owner);
        owner = null;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(10);
        }
        assertNotNull(ref.get(), "the lender was collected while a matrix borrowed its memory");
        m.set(1, 1, 4);
        assertEquals(4, m.get(1, 1));
        m.close();
        ref.get().free();
    }

    @Test
    void misuseIsRefusedUpFront() {
        Owner owner = new Owner(4);
        assertThrows(IllegalArgumentException.class, () -> NativeMatrix.borrow(null, 2, 2, owner, "x"));
        assertThrows(IllegalArgumentException.class, () -> NativeMatrix.borrow(owner.memory, 2, 2, null, "x"));
        assertThrows(IllegalArgumentException.class, () -> NativeMatrix.borrow(owner.memory, 0, 2, owner, "x"));
        assertThrows(
                IllegalArgumentException.class,
                () -> NativeMatrix.borrow(new DoublePointer(owner.memory).position(1), 1, 2, owner, "x"));
        owner.free();
    }
}
