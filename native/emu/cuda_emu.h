// Host emulation of the CUDA execution model, for testing native/ kernels without a GPU.
// Each block runs as blockDim host threads (blocks one after another, so `__shared__` can be a
// function-static array); __syncthreads is a std::barrier; the m8n8k4 fp64 MMA is emulated per
// warp. Only what ntk4j's kernels use is provided. Test-only: never part of the fatbin.
#pragma once
#include <atomic>
#include <barrier>
#include <cmath>
#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <thread>
#include <vector>

struct dim3 {
  unsigned x, y, z;
  dim3(unsigned x_ = 1, unsigned y_ = 1, unsigned z_ = 1) : x(x_), y(y_), z(z_) {}
};
struct emu_uint3 { unsigned x = 0, y = 0, z = 0; };

namespace emu {
inline thread_local emu_uint3 tid, bid;
inline emu_uint3 bdim, gdim;
inline std::barrier<>* block_barrier = nullptr;
struct Warp {
  std::barrier<>* bar;
  double a[32], b[32], d0[32], d1[32];
  double a4[32][4], b2[32][2], d4[32][4];
  double sh[32];
};
inline std::vector<Warp*> warps;
// The GPU faults on a misaligned 128-bit access; the emulator stops with a message instead.
inline void check_aligned16(const void* p, const char* what) {
  if (reinterpret_cast<uintptr_t>(p) % 16 != 0) {
    std::fprintf(stderr, "emulator: misaligned %s at %p\n", what, p);
    std::abort();
  }
}
// Dynamic shared memory of the running block (launch_dyn sizes it; blocks run one at a time).
inline double* dyn_smem = nullptr;

inline Warp* my_warp(int& lane) {
  unsigned lin = tid.x + bdim.x * (tid.y + bdim.y * tid.z);
  lane = lin % 32;
  return warps[lin / 32];
}

// mma.m16n8k8 (f64) from its documented fragment layout (see ntk_mma16x8x8 in ntk_common.cuh).
inline void dmma1688(double (&d)[4], const double (&a)[4], const double (&b)[2]) {
  int lane;
  Warp* w = my_warp(lane);
  for (int i = 0; i < 4; ++i) { w->a4[lane][i] = a[i]; w->d4[lane][i] = d[i]; }
  for (int i = 0; i < 2; ++i) w->b2[lane][i] = b[i];
  w->bar->arrive_and_wait();
  auto A = [&](int r, int k) { return w->a4[(r % 8) * 4 + k % 4][(r >= 8 ? 1 : 0) + (k >= 4 ? 2 : 0)]; };
  auto B = [&](int k, int n) { return w->b2[n * 4 + k % 4][k >= 4 ? 1 : 0]; };
  int g = lane / 4, t = lane % 4;
  double r[4];
  for (int v = 0; v < 4; ++v) {
    int row = g + (v >= 2 ? 8 : 0), col = 2 * t + (v & 1);
    double s = w->d4[lane][v];
    for (int k = 0; k < 8; ++k) s += A(row, k) * B(k, col);
    r[v] = s;
  }
  w->bar->arrive_and_wait();
  for (int v = 0; v < 4; ++v) d[v] = r[v];
}

template <typename T>
inline T shfl(T v, int src) {
  int lane;
  Warp* w = my_warp(lane);
  w->sh[lane] = (double)v;
  w->bar->arrive_and_wait();
  T r = (T)w->sh[src & 31];
  w->bar->arrive_and_wait();
  return r;
}

inline void dmma884(double& d0, double& d1, double a, double b) {
  unsigned lin = tid.x + bdim.x * (tid.y + bdim.y * tid.z);
  Warp* w = warps[lin / 32];
  int lane = lin % 32;
  w->a[lane] = a; w->b[lane] = b; w->d0[lane] = d0; w->d1[lane] = d1;
  w->bar->arrive_and_wait();
  int row = lane / 4, c0 = 2 * (lane % 4);
  double r0 = w->d0[lane], r1 = w->d1[lane];
  for (int k = 0; k < 4; ++k) {
    double av = w->a[row * 4 + k];
    r0 += av * w->b[(c0 + 0) * 4 + k];  // B[k][n] sits in lane n*4 + k
    r1 += av * w->b[(c0 + 1) * 4 + k];
  }
  w->bar->arrive_and_wait();
  d0 = r0; d1 = r1;
}

template <typename... P, typename... A>
void launch(dim3 grid, dim3 block, void (*kernel)(P...), A... args);

// launch() with `bytes` of dynamic shared memory (16-byte aligned, poisoned with NaN).
template <typename... P, typename... A>
void launch_dyn(dim3 grid, dim3 block, size_t bytes, void (*kernel)(P...), A... args) {
  size_t n = (bytes + 15) / 16 * 2;
  double* mem = static_cast<double*>(std::aligned_alloc(16, n * sizeof(double)));
  for (size_t i = 0; i < n; ++i) mem[i] = std::nan("");
  dyn_smem = mem;
  launch(grid, block, kernel, args...);
  dyn_smem = nullptr;
  std::free(mem);
}

template <typename... P, typename... A>
void launch(dim3 grid, dim3 block, void (*kernel)(P...), A... args) {
  unsigned nt = block.x * block.y * block.z;
  bdim.x = block.x; bdim.y = block.y; bdim.z = block.z;
  gdim.x = grid.x; gdim.y = grid.y; gdim.z = grid.z;
  std::barrier<> bb(nt);
  block_barrier = &bb;
  unsigned nw = (nt + 31) / 32;
  std::vector<std::barrier<>*> wb;
  warps.clear();
  for (unsigned w = 0; w < nw; ++w) {
    unsigned cnt = (w + 1) * 32 <= nt ? 32 : nt - w * 32;
    wb.push_back(new std::barrier<>(cnt));
    warps.push_back(new Warp{wb.back(), {}, {}, {}, {}, {}, {}, {}, {}});
  }
  for (unsigned bz = 0; bz < grid.z; ++bz)
    for (unsigned by = 0; by < grid.y; ++by)
      for (unsigned bx = 0; bx < grid.x; ++bx) {
        std::vector<std::thread> ts;
        ts.reserve(nt);
        for (unsigned t = 0; t < nt; ++t) {
          ts.emplace_back([=]() {
            bid.x = bx; bid.y = by; bid.z = bz;
            tid.x = t % block.x; tid.y = (t / block.x) % block.y; tid.z = t / (block.x * block.y);
            kernel(P(args)...);
          });
        }
        for (auto& th : ts) th.join();
      }
  for (auto* w : warps) { delete w->bar; delete w; }
  warps.clear();
}
}  // namespace emu

#define threadIdx emu::tid
#define blockIdx emu::bid
#define blockDim emu::bdim
#define gridDim emu::gdim
#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __shared__ static
#define __launch_bounds__(...)
#define __syncthreads() emu::block_barrier->arrive_and_wait()

inline int atomicAdd(int* p, int v) { return std::atomic_ref<int>(*p).fetch_add(v); }
inline void __threadfence() { std::atomic_thread_fence(std::memory_order_seq_cst); }
inline void __nanosleep(unsigned) { std::this_thread::yield(); }
inline int atomicCAS(int* p, int cmp, int v) {
  std::atomic_ref<int>(*p).compare_exchange_strong(cmp, v);
  return cmp;
}
using std::atan2; using std::sqrt; using std::exp; using std::expm1; using std::sin; using std::cos;
using std::acos; using std::fabs; using std::isfinite; using std::fma; using std::floor; using std::fmin; using std::fmax;
