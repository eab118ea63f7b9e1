package org.ntk4j.error;

/**
 * An accelerator failed while a computation was running on it (for the GPU: a CUDA error). With
 * {@code Device.AUTO} the computation is repeated on the CPU; with {@code Device.GPU} this
 * propagates. The accelerator's own exception types extend this one, so that the device choice
 * can recognize them without depending on the accelerator's code.
 */
public class DeviceFailureException extends Ntk4jException {
    public DeviceFailureException(String message) {
        super(message);
    }
}
