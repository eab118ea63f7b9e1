package org.ntk4j.gpu;

import org.ntk4j.device.Accelerator;

/**
 * The GPU as an {@link Accelerator}: {@link GpuRuntime}'s probe (once per JVM, cached, never
 * throwing), registered in {@code META-INF/services/org.ntk4j.device.Accelerator} so that
 * {@code Device} finds it at run time without depending on this package.
 */
public final class GpuAccelerator implements Accelerator {
    /** For {@link java.util.ServiceLoader}. */
    public GpuAccelerator() {}

    @Override
    public Status probe() {
        GpuInfo i = GpuRuntime.probe();
        return new Status(i.usable(), i.name(), i.reason());
    }
}
