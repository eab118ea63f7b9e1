package org.ntk4j.gpu;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.Dense;
import org.ntk4j.arch.activation.Numerical;
import org.ntk4j.arch.activation.Relu;
import org.ntk4j.device.Accelerator;
import org.ntk4j.kernel.KernelBackend;

/** The GPU's providers are registered for {@link ServiceLoader} and agree with the GPU classes they wrap. */
class GpuProvidersTest {
    @Test
    void kernelBackendIsRegistered() {
        KernelBackend b = ServiceLoader.load(KernelBackend.class).findFirst().orElseThrow();
        assertInstanceOf(GpuKernelBackend.class, b);
        Architecture relu = Architecture.of(Dense.of(4, 1.5, 0.1), new Relu(), Dense.of(1, 1.5, 0.1));
        assertNull(b.unsupportedReason(relu));
        Numerical tanh = new Numerical("tanh", Math::tanh, t -> 1 - Math.tanh(t) * Math.tanh(t), 32);
        Architecture numerical = Architecture.of(Dense.of(4, 1.5, 0.1), tanh, Dense.of(1, 1.5, 0.1));
        assertEquals(GpuKernelEngine.unsupportedReason(numerical), b.unsupportedReason(numerical));
        assertNotNull(b.unsupportedReason(numerical));
    }

    @Test
    void acceleratorIsRegisteredAndReportsTheProbe() {
        Accelerator a = ServiceLoader.load(Accelerator.class).findFirst().orElseThrow();
        assertInstanceOf(GpuAccelerator.class, a);
        GpuInfo i = GpuRuntime.probe();
        assertEquals(new Accelerator.Status(i.usable(), i.name(), i.reason()), a.probe());
    }
}
