package org.ntk4j.error;

/** The GPU was explicitly requested but cannot be used (no driver, no device, failed CUDA call). */
public class DeviceUnavailableException extends Ntk4jException {
    public DeviceUnavailableException(String message) {
        super(message);
    }

    public DeviceUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
