/**
 * ntk4j's GPU path: JCuda's driver API plus ntk4j's own CUDA kernels (native/, packaged as
 * fatbins in the jar), with no cuBLAS/cuSOLVER and no ND4J. {@link org.ntk4j.gpu.GpuRuntime}
 * probes the machine once; {@link org.ntk4j.gpu.GpuKernelEngine} computes NNGP/NTK kernels and
 * {@link org.ntk4j.gpu.GpuGpInference} the exact NNGP / NTK-GP posterior (mean and variances)
 * on the device. Which backend runs is chosen by {@link org.ntk4j.device.Device}.
 */
package org.ntk4j.gpu;
