package org.ntk4j.gpu;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import org.junit.jupiter.api.Test;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.Dense;
import org.ntk4j.arch.activation.Relu;
import org.ntk4j.device.Device;
import org.ntk4j.error.DeviceUnavailableException;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.kernel.KernelOptions;
import org.ntk4j.linalg.Matrix;

/** Without a usable GPU (as on CI): no crash, AUTO picks the CPU, GPU fails with a clear reason. */
class GpuFallbackTest {
    private static final Architecture ARCH = Architecture.of(Dense.of(8, 1.5, 0.1), new Relu(), Dense.of(1, 1.5, 0.1));

    @Test
    void probeNeverThrowsAndIsCached() {
        GpuInfo a = GpuRuntime.probe(), b = GpuRuntime.probe();
        assertSame(a, b, "the probe result is cached");
        assertNotNull(a.describe());
        if (!a.usable()) {
            assertFalse(a.reason().isBlank(), "an unusable GPU says why");
            assertTrue(a.describe().startsWith("GPU: not used ("), a.describe());
        }
    }

    @Test
    void withoutGpuAutoUsesCpuAndGpuThrows() {
        assumeFalse(GpuRuntime.usable(), "a GPU is usable here: the fallback is not exercised");
        assertEquals(Device.CPU, Device.AUTO.resolve());
        assertEquals(Device.CPU, Device.AUTO.resolve(), "second call: same answer, no new probe");
        DeviceUnavailableException e = assertThrows(DeviceUnavailableException.class, Device.GPU::resolve);
        assertTrue(
                e.getMessage().contains("GPU cannot be used")
                        && e.getMessage().contains(GpuRuntime.probe().reason()),
                e.getMessage());
        // the engines fail the same way, repeatedly, without a JVM crash or NoClassDefFoundError
        Matrix x = Matrix.of(new double[][] {{1, 2}, {3, 4}});
        for (int i = 0; i < 2; i++)
            assertThrows(
                    DeviceUnavailableException.class,
                    () -> GpuKernelEngine.compute(ARCH, x, null, KernelOptions.defaults()));
        assertThrows(DeviceUnavailableException.class, () -> GpuLinalg.cholesky(Matrix.of(new double[][] {{2}})));
        // Device.run: AUTO takes the CPU branch, GPU refuses
        assertEquals("cpu", Device.AUTO.run("test", null, () -> "gpu", () -> "cpu"));
        assertThrows(DeviceUnavailableException.class, () -> Device.GPU.run("test", null, () -> "gpu", () -> "cpu"));
        assertEquals("cpu", Device.CPU.run("test", null, () -> "gpu", () -> "cpu"));
    }

    @Test
    void invalidInputsAreReportedBeforeTouchingTheDevice() {
        Matrix x = Matrix.of(new double[][] {{1, Double.NaN}});
        InvalidInputException e =
                assertThrows(InvalidInputException.class, () -> GpuKernelEngine.compute(ARCH, x, null, null));
        assertEquals("x1", e.argument());
        Matrix a = Matrix.of(new double[][] {{1, 2}}), b = Matrix.of(new double[][] {{1, 2, 3}});
        assertEquals(
                "x2",
                assertThrows(InvalidInputException.class, () -> GpuKernelEngine.compute(ARCH, a, b, null))
                        .argument());
    }

    @Test
    void deviceParse() {
        assertEquals(Device.AUTO, Device.parse("auto"));
        assertEquals(Device.GPU, Device.parse(" GPU "));
        assertEquals(Device.CPU, Device.parse("cpu"));
        assertEquals(
                "device",
                assertThrows(InvalidInputException.class, () -> Device.parse("tpu"))
                        .argument());
    }
}
