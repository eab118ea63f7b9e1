package org.ntk4j.arch.activation;

/**
 * An activation the GPU evaluates in closed form, declaring its device encoding next to its maths
 * so that a new activation brings its own (or says {@link CpuOnly}); the gpu package only copies
 * the code into the program it uploads.
 */
public interface DeviceEncodable {
    /** The id and constants the fused kernel's dual map reads for this activation. */
    DeviceCode deviceCode();
}
