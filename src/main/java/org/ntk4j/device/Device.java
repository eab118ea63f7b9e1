package org.ntk4j.device;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.ntk4j.error.DeviceFailureException;
import org.ntk4j.error.DeviceUnavailableException;
import org.ntk4j.error.InvalidInputException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where computations run. {@link #AUTO} (the default) uses the GPU when ntk4j's GPU path is usable
 * and the CPU otherwise, saying so in one logged line; {@link #CPU} never touches CUDA;
 * {@link #GPU} fails with {@link DeviceUnavailableException} (naming the reason) when the GPU
 * cannot be used.
 */
public enum Device {
    AUTO,
    CPU,
    GPU;

    private static final Logger LOG = LoggerFactory.getLogger(Device.class);
    private static final AtomicBoolean LOGGED_AUTO = new AtomicBoolean();

    /** Parses {@code auto}, {@code cpu} or {@code gpu} (case-insensitive). */
    public static Device parse(String s) {
        if (s == null) throw new InvalidInputException("device", "is missing; use auto, cpu or gpu");
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "auto" -> AUTO;
            case "cpu" -> CPU;
            case "gpu", "cuda" -> GPU;
            default -> throw new InvalidInputException("device", "must be auto, cpu or gpu, got '" + s + "'");
        };
    }

    /**
     * The concrete device: CPU or GPU. AUTO probes the GPU once (cached) and logs one line the
     * first time it decides; GPU throws {@link DeviceUnavailableException} when it is unusable.
     */
    public Device resolve() {
        return switch (this) {
            case CPU -> CPU;
            case GPU -> {
                Accelerator.Status i = Accelerators.probe();
                if (!i.usable())
                    throw new DeviceUnavailableException(
                            "Device.GPU: the GPU cannot be used: " + i.reason() + "; use Device.CPU or Device.AUTO");
                yield GPU;
            }
            case AUTO -> {
                Accelerator.Status i = Accelerators.probe();
                if (LOGGED_AUTO.compareAndSet(false, true))
                    LOG.info(
                            i.usable()
                                    ? "device auto: using the GPU (" + i.name() + ")"
                                    : "device auto: using the CPU (" + i.reason() + ")");
                yield i.usable() ? GPU : CPU;
            }
        };
    }

    /**
     * Runs {@code gpu} or {@code cpu} as this device choice says. With AUTO, a GPU that cannot take
     * this problem ({@code gpuReason} non-null, e.g. an activation without a GPU kernel) or that
     * fails mid-run with a {@link DeviceFailureException} (a CUDA error) falls back to the CPU with a
     * logged warning; with GPU both are errors.
     */
    public <T> T run(String what, String gpuReason, Supplier<T> gpu, Supplier<T> cpu) {
        Device d = resolve();
        if (d == CPU) return cpu.get();
        if (gpuReason != null) {
            if (this == GPU) throw new DeviceUnavailableException(what + " cannot run on the GPU: " + gpuReason);
            LOG.info("{}: running on the CPU ({})", what, gpuReason);
            return cpu.get();
        }
        try {
            return gpu.get();
        } catch (DeviceFailureException e) {
            if (this == GPU) throw e;
            LOG.warn("{}: the GPU failed ({}); falling back to the CPU", what, e.getMessage());
            return cpu.get();
        }
    }
}
