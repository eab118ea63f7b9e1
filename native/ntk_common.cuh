// Shared device helpers for ntk4j's CUDA kernels: async copies, the fp64 tensor-core MMA,
// index types. Every .cu file in native/ includes this first.
//
// Built for the GPU by native/build.sh (SASS sm_80 + sm_90, PTX compute_90). With NTK_EMU
// defined the same sources compile as plain C++ against emu/cuda_emu.h, which runs each
// block's threads as host threads; native/emu/run-tests.sh uses that to check indexing and
// synchronisation on a machine without a GPU.
#pragma once

#ifdef NTK_EMU
#include "emu/cuda_emu.h"
#endif

typedef long long ll;

#if defined(NTK_EMU) || (defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800)
#define NTK_HAS_SM80 1
#else
#define NTK_HAS_SM80 0
#endif

// Copies one element global -> shared asynchronously (cp.async on sm_80+); writes 0 when
// !pred (the source is then not read; pass any valid pointer).
template <typename T>
__device__ __forceinline__ void ntk_cp_async(T* smem, const T* gmem, bool pred) {
#if defined(NTK_EMU)
  *smem = pred ? *gmem : T(0);
#elif defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
  unsigned s = (unsigned)__cvta_generic_to_shared(smem);
  int src = pred ? (int)sizeof(T) : 0;
  asm volatile("cp.async.ca.shared.global [%0], [%1], %2, %3;\n" ::"r"(s), "l"(gmem), "n"(sizeof(T)), "r"(src));
#else
  *smem = pred ? *gmem : T(0);
#endif
}

__device__ __forceinline__ void ntk_cp_commit() {
#if !defined(NTK_EMU) && defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
  asm volatile("cp.async.commit_group;\n" ::);
#endif
}

// Waits until at most N committed groups are still in flight.
template <int N>
__device__ __forceinline__ void ntk_cp_wait() {
#if !defined(NTK_EMU) && defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
  asm volatile("cp.async.wait_group %0;\n" ::"n"(N));
#endif
}

// D(8x8) += A(8x4) B(4x8) on the fp64 tensor cores, one warp. Lane l holds
// A[l/4][l%4], B[l%4][l/4] and D[l/4][2(l%4) + {0,1}].
__device__ __forceinline__ void ntk_dmma884(double& d0, double& d1, double a, double b) {
#if defined(NTK_EMU)
  emu::dmma884(d0, d1, a, b);
#elif defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
  asm volatile("mma.sync.aligned.m8n8k4.row.col.f64.f64.f64.f64 {%0,%1}, {%2}, {%3}, {%0,%1};\n"
               : "+d"(d0), "+d"(d1)
               : "d"(a), "d"(b));
#else
  // Never launched below sm_80 (the host checks the compute capability).
  (void)a; (void)b; d0 = d1 = 0.0 / 0.0;
#endif
}

// Block-wide sum of one double per thread (NT threads, power of two); every thread gets it.
template <int NT>
__device__ __forceinline__ double ntk_block_sum(double v, double* scratch /* NT entries */) {
  scratch[threadIdx.x] = v;
  __syncthreads();
#pragma unroll
  for (int s = NT / 2; s > 0; s >>= 1) {
    if ((int)threadIdx.x < s) scratch[threadIdx.x] += scratch[threadIdx.x + s];
    __syncthreads();
  }
  double r = scratch[0];
  __syncthreads();
  return r;
}
