package org.ntk4j.kernel;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ntk4j.arch.Parameterization;
import org.ntk4j.arch.text.ArchParser;
import org.ntk4j.device.Device;
import org.ntk4j.error.InsufficientMemoryException;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.linalg.NativeMatrix;

/** {@link KernelFunction#computeOffHeap} stores exactly the bits {@link KernelFunction#compute} returns. */
class OffHeapKernelTest {
    private static void assertSameBits(Matrix heap, NativeMatrix off, String what) {
        assertNotNull(off, what);
        assertEquals(heap.rows(), off.rows(), what);
        assertEquals(heap.cols(), off.cols(), what);
        for (int j = 0; j < heap.cols(); j++)
            for (int i = 0; i < heap.rows(); i++)
                if (Double.doubleToRawLongBits(heap.get(i, j)) != Double.doubleToRawLongBits(off.get(i, j)))
                    fail(what + ": entry (" + i + ", " + j + ") heap " + heap.get(i, j) + " off-heap " + off.get(i, j));
    }

    private static void assertSame(Kernels heap, NativeKernels off, boolean nngp, String what) {
        if (nngp) assertSameBits(heap.nngp(), off.nngp(), what + " nngp");
        else assertNull(off.nngp(), what);
        if (heap.ntk() != null) assertSameBits(heap.ntk(), off.ntk(), what + " ntk");
        else assertNull(off.ntk(), what);
        assertArrayEquals(heap.cov1(), off.cov1(), 0.0, what);
        assertArrayEquals(heap.cov2(), off.cov2(), 0.0, what);
    }

    @Test
    void offHeapKernelsAreBitIdenticalToHeapKernels() {
        Matrix x1 = KernelPropertiesTest.random(21, 150, 13), x2 = KernelPropertiesTest.random(22, 97, 13);
        List<String> archs = new ArrayList<>(KernelPropertiesTest.ARCHS);
        archs.add("Dense(4,W_std=1.2,b_std=0.1)->Numerical(fn=tanh,deg=8)->Dense(1)"); // full-matrix (unmirrored) path
        for (String text : archs)
            for (Parameterization p : Parameterization.values()) {
                KernelFunction f = KernelFunction.of(ArchParser.parse(text, p));
                for (Matrix b : new Matrix[] {null, x2})
                    for (DType t : DType.values())
                        for (int tile : new int[] {0, 7})
                            for (boolean ntk : new boolean[] {true, false}) {
                                KernelOptions o = KernelOptions.defaults()
                                        .withDevice(Device.CPU)
                                        .withDtype(t)
                                        .withTileSize(tile)
                                        .withThreads(tile == 0 ? 0 : 3)
                                        .withComputeNtk(ntk);
                                String what = text + " " + p + " x2=" + (b != null) + " " + t + " tile=" + tile
                                        + " ntk=" + ntk;
                                Kernels heap = f.compute(x1, b, o);
                                try (NativeKernels off = f.computeOffHeap(x1, b, o, true)) {
                                    assertSame(heap, off, true, what);
                                }
                                if (ntk)
                                    try (NativeKernels off = f.computeOffHeap(x1, b, o, false)) {
                                        assertSame(heap, off, false, what + " keepNngp=false");
                                    }
                            }
            }
    }

    @Test
    void severalGramPanelsOffHeap() {
        Matrix x1 = KernelPropertiesTest.random(23, 300, 5);
        KernelFunction f = KernelFunction.of(ArchParser.parse(KernelPropertiesTest.ARCHS.get(0)));
        long saved = GramPanels.panelBytes;
        try {
            GramPanels.panelBytes = 8L * 300 * 70;
            KernelOptions o = KernelOptions.defaults()
                    .withDevice(Device.CPU)
                    .withTileSize(9)
                    .withThreads(3);
            Kernels heap = f.compute(x1, null, o);
            try (NativeKernels off = f.computeOffHeap(x1, null, o, true)) {
                assertSame(heap, off, true, "panels");
            }
        } finally {
            GramPanels.panelBytes = saved;
        }
    }

    @Test
    void nothingToStoreIsAnError() {
        KernelFunction f = KernelFunction.of(ArchParser.parse("Dense(3)->Relu->Dense(1)"));
        Matrix x = KernelPropertiesTest.random(24, 5, 2);
        assertThrows(
                IllegalArgumentException.class,
                () -> f.computeOffHeap(x, null, KernelOptions.defaults().withComputeNtk(false), false));
    }

    @Test
    void tooLargeOffHeapFailsBeforeAllocatingWithTheByteCount() {
        KernelFunction f = KernelFunction.of(ArchParser.parse("Dense(3)->Relu->Dense(1)"));
        Matrix x = Matrix.wrapColumnMajor(40_000, 1, new double[40_000]);
        // NNGP + NTK off-heap: 2 × 40000² × 8 bytes = 25.6 GB, beyond JavaCPP's limit (the -Xmx8g max heap) and this
        // RAM
        InsufficientMemoryException e = assertThrows(
                InsufficientMemoryException.class,
                () -> f.computeOffHeap(x, null, KernelOptions.defaults().withDevice(Device.CPU), true));
        assertTrue(e.bytesNeeded() >= 40_000L * 40_000 * 16 && e.bytesNeeded() < 40_000L * 40_000 * 17, e.getMessage());
        assertTrue(e.bytesNeeded() > e.bytesAvailable());
        assertTrue(e.getMessage().contains("off-heap"), e.getMessage());
    }
}
