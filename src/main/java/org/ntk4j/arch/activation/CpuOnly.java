package org.ntk4j.arch.activation;

/**
 * Marks an activation that has no closed form on the GPU (the device backend refuses an
 * architecture containing one and the CPU runs it), as opposed to one that merely lacks a
 * {@link DeviceEncodable} encoding by oversight: a test requires every activation to be one of the two.
 */
public interface CpuOnly {}
