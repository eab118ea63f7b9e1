package org.ntk4j.device;

import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The accelerator provider on the class path, looked up once. A provider that is missing or
 * cannot be loaded (e.g. its native binding is absent) stands for "no accelerator", so choosing a
 * device never crashes on a CPU-only installation.
 */
final class Accelerators {
    private Accelerators() {}

    /** Initialized on first use (the holder idiom): one lookup per JVM. */
    private static final class Holder {
        static final Accelerator PROVIDER = load();
    }

    /** The provider, or one that reports the accelerator as unusable. */
    static Accelerator provider() {
        return Holder.PROVIDER;
    }

    /** The probe of the provider, never throwing (a provider's linkage failure reads as "unusable"). */
    static Accelerator.Status probe() {
        try {
            return provider().probe();
        } catch (LinkageError e) {
            return unusable("the GPU provider cannot be loaded (" + e + ")");
        }
    }

    private static Accelerator load() {
        try {
            return ServiceLoader.load(Accelerator.class, Accelerator.class.getClassLoader())
                    .findFirst()
                    .orElseGet(() -> () -> unusable("no GPU provider on the class path"));
        } catch (ServiceConfigurationError | LinkageError e) {
            String why = "the GPU provider cannot be loaded (" + e.getMessage() + ")";
            return () -> unusable(why);
        }
    }

    private static Accelerator.Status unusable(String reason) {
        return new Accelerator.Status(false, "", reason);
    }
}
