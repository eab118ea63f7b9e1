package org.ntk4j.kernel;

import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Function;
import org.ntk4j.arch.Architecture;
import org.ntk4j.device.Device;

/**
 * Which {@link KernelBackend} runs a call: the CPU engine, or the accelerated engine found once per
 * JVM with {@link ServiceLoader}, as the call's {@link Device} says. The choice is made once per
 * call (never per tile).
 */
final class KernelBackends {
    /** The built-in engine, used for {@link Device#CPU} and as the fallback. */
    static final KernelBackend CPU = new CpuKernelEngine();

    /** Why the GPU cannot compute kernels when no engine for it could be loaded. */
    private static final String NO_GPU_ENGINE = "no GPU kernel engine on the class path";

    private KernelBackends() {}

    /** Initialized on first use (the holder idiom): one lookup per JVM; null when there is none. */
    private static final class Accelerated {
        static final KernelBackend ENGINE = load();
    }

    /**
     * {@code call} on the engine {@code device} picks. AUTO falls back to the CPU (logged) when no
     * GPU is usable, the accelerated engine cannot take the architecture (e.g. Numerical) or the GPU
     * fails mid-run; GPU makes each of these an error ({@link Device#run}).
     */
    static <T> T run(Device device, Architecture architecture, Function<KernelBackend, T> call) {
        if (device == Device.CPU) return call.apply(CPU);
        KernelBackend gpu = Accelerated.ENGINE;
        String unsupported = gpu == null ? NO_GPU_ENGINE : gpu.unsupportedReason(architecture);
        return device.run("kernel", unsupported, () -> call.apply(gpu), () -> call.apply(CPU));
    }

    private static KernelBackend load() {
        try {
            return ServiceLoader.load(KernelBackend.class, KernelBackend.class.getClassLoader())
                    .findFirst()
                    .orElse(null);
        } catch (ServiceConfigurationError | LinkageError e) {
            // an engine that cannot be loaded (e.g. its native binding is missing) means "CPU only"
            return null;
        }
    }
}
