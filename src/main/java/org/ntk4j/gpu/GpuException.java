package org.ntk4j.gpu;

import org.ntk4j.error.DeviceFailureException;

/**
 * A CUDA call failed while the GPU was in use (launch failure, illegal address, driver error).
 * The message names the call and CUDA's error name. With {@code Device.AUTO} the caller logs it
 * and falls back to the CPU; with {@code Device.GPU} it propagates.
 */
public class GpuException extends DeviceFailureException {
    private final int cudaError;

    public GpuException(String message, int cudaError) {
        super(message);
        this.cudaError = cudaError;
    }

    /** CUDA's CUresult code (0 when the failure was detected by ntk4j itself). */
    public int cudaError() {
        return cudaError;
    }
}
