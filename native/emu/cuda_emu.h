// Host emulation of the CUDA execution model, for testing native/ kernels without a GPU.
// Each block runs as blockDim host threads (blocks one after another, so `__shared__` can be a
// function-static array); __syncthreads is a std::barrier; the m8n8k4 fp64 MMA is emulated per
// warp. Only what ntk4j's kernels use is provided. Test-only: never part of the fatbin.
#pragma once
#include <atomic>
#include <barrier>
#include <cmath>
#include <cstdio>
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
};
inline std::vector<Warp*> warps;

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
    warps.push_back(new Warp{wb.back(), {}, {}, {}, {}});
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
inline int atomicCAS(int* p, int cmp, int v) {
  std::atomic_ref<int>(*p).compare_exchange_strong(cmp, v);
  return cmp;
}
using std::atan2; using std::sqrt; using std::exp; using std::expm1; using std::sin; using std::cos;
using std::acos; using std::fabs; using std::isfinite; using std::fma; using std::floor; using std::fmin; using std::fmax;
