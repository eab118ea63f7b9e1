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

// The block's dynamic shared memory (size set at launch; above 48 KB the host raises the
// function's limit first, see CudaDevice.launchDyn).
#ifdef NTK_EMU
#define NTK_DYNAMIC_SMEM(name) double* name = emu::dyn_smem
#else
#define NTK_DYNAMIC_SMEM(name) extern __shared__ __align__(16) double name[]
#endif

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

// Copies 16 bytes global -> shared asynchronously (cp.async.cg, sm_80+): the first srcBytes
// (0, 8 or 16) are read, the rest of the 16 are zero-filled. Both addresses must be 16-byte
// aligned; with srcBytes == 0 the source is not read (pass any valid pointer).
__device__ __forceinline__ void ntk_cp_async16(double* smem, const double* gmem, int srcBytes) {
#if defined(NTK_EMU)
  emu::check_aligned16(smem, "cp.async shared");
  emu::check_aligned16(gmem, "cp.async global");
  smem[0] = srcBytes >= 8 ? gmem[0] : 0.0;
  smem[1] = srcBytes >= 16 ? gmem[1] : 0.0;
#elif defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
  unsigned s = (unsigned)__cvta_generic_to_shared(smem);
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(s), "l"(gmem), "r"(srcBytes));
#else
  smem[0] = srcBytes >= 8 ? gmem[0] : 0.0;
  smem[1] = srcBytes >= 16 ? gmem[1] : 0.0;
#endif
}

// Two adjacent doubles from 16-byte aligned memory in one 128-bit access; `what` names the access
// in the emulator's alignment check. The address space (shared: LDS.128, global: LDG.128) is the
// pointer's, resolved by nvcc once this is inlined.
__device__ __forceinline__ void ntk_load2(const double* p, double& x, double& y, const char* what) {
#if defined(NTK_EMU)
  emu::check_aligned16(p, what);
  x = p[0];
  y = p[1];
#else
  (void)what;
  double2 v = *reinterpret_cast<const double2*>(p);
  x = v.x;
  y = v.y;
#endif
}

// Two adjacent doubles from 16-byte aligned shared memory in one 128-bit access (LDS.128).
__device__ __forceinline__ void ntk_lds2(const double* p, double& x, double& y) { ntk_load2(p, x, y, "128-bit shared load"); }

// Two adjacent doubles of 16-byte aligned global memory, read / written in one 128-bit access.
__device__ __forceinline__ void ntk_ldg2(const double* p, double& x, double& y) { ntk_load2(p, x, y, "128-bit global load"); }
__device__ __forceinline__ void ntk_stg2(double* p, double x, double y) {
#if defined(NTK_EMU)
  emu::check_aligned16(p, "128-bit global store");
  p[0] = x;
  p[1] = y;
#else
  *reinterpret_cast<double2*>(p) = make_double2(x, y);
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

// D(16x8) += A(16x8) B(8x8), one warp, in the m16n8k8 register layout (PTX ISA, "Matrix
// fragments for mma.m16n8k8", .f64; CUTLASS SM90_16x8x8_F64F64F64F64_TN): with g = lane/4 and
// t = lane%4, lane holds a = {A[g][t], A[g+8][t], A[g][t+4], A[g+8][t+4]}, b = {B[t][g], B[t+4][g]},
// d = {D[g][2t], D[g][2t+1], D[g+8][2t], D[g+8][2t+1]}.
//   NATIVE: one mma.sync.m16n8k8 on sm_90 (Hopper's larger DMMA shape); elsewhere, and when
//           !NATIVE, the same product as four m8n8k4 MMAs (D rows g / g+8, k halves t / t+4).
// The emulator models m16n8k8 from the layout above, independently of the m8n8k4 composition,
// so the two paths check each other.
template <bool NATIVE>
__device__ __forceinline__ void ntk_mma16x8x8(double (&d)[4], const double (&a)[4], const double (&b)[2]) {
#if defined(NTK_EMU)
  if (NATIVE) {
    emu::dmma1688(d, a, b);
    return;
  }
#elif defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
  if (NATIVE) {
    asm volatile("mma.sync.aligned.m16n8k8.row.col.f64.f64.f64.f64 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
                 : "+d"(d[0]), "+d"(d[1]), "+d"(d[2]), "+d"(d[3])
                 : "d"(a[0]), "d"(a[1]), "d"(a[2]), "d"(a[3]), "d"(b[0]), "d"(b[1]));
    return;
  }
#endif
  ntk_dmma884(d[0], d[1], a[0], b[0]);
  ntk_dmma884(d[0], d[1], a[2], b[1]);
  ntk_dmma884(d[2], d[3], a[1], b[0]);
  ntk_dmma884(d[2], d[3], a[3], b[1]);
}

// Warp shuffle (all 32 lanes take part).
template <typename T>
__device__ __forceinline__ T ntk_shfl(T v, int srcLane) {
#if defined(NTK_EMU)
  return emu::shfl(v, srcLane);
#else
  return __shfl_sync(0xffffffffu, v, srcLane);
#endif
}

// Flags between blocks of one grid (the sync-free triangular solves): a release store after the
// data it publishes, an acquire load before the data it guards is read (with ld.global.cg, which
// skips the non-coherent L1).
__device__ __forceinline__ int ntk_ld_acquire(const int* p) {
#if defined(NTK_EMU)
  return std::atomic_ref<int>(*const_cast<int*>(p)).load();
#else
  int v;
  asm volatile("ld.acquire.gpu.global.b32 %0, [%1];\n" : "=r"(v) : "l"(p) : "memory");
  return v;
#endif
}
__device__ __forceinline__ void ntk_st_release(int* p, int v) {
#if defined(NTK_EMU)
  std::atomic_ref<int>(*p).store(v);
#else
  asm volatile("st.release.gpu.global.b32 [%0], %1;\n" ::"l"(p), "r"(v) : "memory");
#endif
}
template <typename T>
__device__ __forceinline__ T ntk_ldcg(const T* p) {
#if defined(NTK_EMU)
  return *p;
#else
  return __ldcg(p);
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
