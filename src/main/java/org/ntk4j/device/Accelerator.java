package org.ntk4j.device;

/**
 * A provider of an accelerator ({@link Device#GPU}), found at run time with
 * {@link java.util.ServiceLoader} so that {@code Device}, and everything that chooses a device,
 * does not depend on the code that drives the accelerator. The GPU package registers one in
 * {@code META-INF/services/org.ntk4j.device.Accelerator}; without one (or when it cannot be loaded)
 * only the CPU is used.
 */
public interface Accelerator {
    /**
     * What the accelerator's probe found. Implementations probe once and answer later calls from a
     * cache; they never throw.
     */
    Status probe();

    /**
     * A probe's outcome.
     *
     * @param usable whether the accelerator can run ntk4j's computations
     * @param name   the device's name, for logs (empty when not usable)
     * @param reason why it cannot be used (empty when usable)
     */
    record Status(boolean usable, String name, String reason) {}
}
