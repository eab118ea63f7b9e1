/**
 * ntk4j's GPU path: JCuda's driver API plus ntk4j's own CUDA kernels (native/, packaged as
 * fatbins in the jar), with no cuBLAS/cuSOLVER and no ND4J. {@link org.ntk4j.gpu.GpuRuntime}
 * probes the machine once; {@link org.ntk4j.gpu.GpuKernelEngine} computes NNGP/NTK kernels (the
 * kernel backend {@link org.ntk4j.gpu.GpuKernelBackend}); {@link org.ntk4j.gpu.GpuTrainKernel} holds a
 * training kernel in device memory as a kernel operator, and {@link org.ntk4j.gpu.GpuPosterior}, the
 * accelerated posterior solver, factors it there for the exact NNGP / NTKGP posterior (mean and
 * variances) and the NTK ensemble's mean. Both are found at run time through
 * {@link java.util.ServiceLoader}; which device runs is chosen by {@link org.ntk4j.device.Device}.
 */
package org.ntk4j.gpu;
