// The fused NNGP/NTK recursion of a fully-connected network, and matrix utilities for kernels.
//
// ntk_recursion_<dt>: one launch per tile runs EVERY layer of the network on each entry (the
// entries are independent once the per-example variances are known; the host computes those
// with the same Activation objects as the CPU path and passes them in q1s/q2s). Input: dot
// products x1_i . x2_j (from the Gram GEMM); output: NNGP and/or NTK. in/outK/outT may alias.
//
// ops: nops records of 8 values {w2, b2, alpha, beta, actId, paramOffset, 0, 0}. Per record:
//   ntk = alpha * c + beta + w2 * ntk   (ntk parameterization: alpha = W^2, beta = b^2;
//                                        standard: alpha = N_in, beta = 1[bias])
//   c   = w2 * c + b2
//   if actId != 0: (c, ntk) = (T(c, q1, q2), ntk * Tdot(c, q1, q2)) with q1 = q1s[o*ldq1 + i],
//                  q2 = q2s[o*ldq2 + j] (the pre-activation variances after this Dense).
// symmetric (x2 = x1): on the diagonal i == j the covariance is pinned to the variance, c = q1,
// which is exact and keeps the arc-cosine maps from amplifying a one-ulp Gram/norm mismatch.
// lowerOnly: entries above the diagonal are left untouched (a Cholesky reads only the lower part).
#include "activations.cuh"

namespace ntk {

constexpr int REC_ROWS = 128, REC_COLS = 8;

template <typename T>
__device__ __forceinline__ void recursion(int rows, int cols, const T* in, ll ldin, T* outK, T* outT, ll ldout,
                                          int row0, int col0, const T* __restrict__ ops, const T* __restrict__ P,
                                          int nops, const T* __restrict__ q1s, ll ldq1, const T* __restrict__ q2s,
                                          ll ldq2, T d, int symmetric, int lowerOnly, int* nonfinite) {
  const int i = blockIdx.x * REC_ROWS + threadIdx.x;
  const int jb = blockIdx.y * REC_COLS;
  if (i >= rows) return;
  const int gi = row0 + i;
  const bool ntk = outT != nullptr;
  int bad = 0;
  for (int jj = 0; jj < REC_COLS; ++jj) {
    const int j = jb + jj;
    if (j >= cols) break;
    const int gj = col0 + j;
    if (lowerOnly && gj > gi) break;
    const bool pin = symmetric && gi == gj;
    T c = in[i + (ll)j * ldin] / d;
    T t = T(0);
    for (int o = 0; o < nops; ++o) {
      const T* op = ops + 8 * o;
      const T w2 = op[0];
      if (ntk) t = op[2] * c + op[3] + w2 * t;
      c = w2 * c + op[1];
      const int id = (int)op[4];
      if (id != ACT_NONE) {
        const T q1 = q1s[o * ldq1 + gi];
        const T q2 = q2s[o * ldq2 + gj];
        if (pin) c = q1;
        T nn, dd;
        dual<T>(id, P + (int)op[5], c, q1, q2, nn, dd);
        c = nn;
        if (ntk) t *= dd;
      }
    }
    const ll k = i + (ll)j * ldout;
    if (outK) outK[k] = c;
    if (ntk) outT[k] = t;
    if (!isfinite(c) || (ntk && !isfinite(t))) ++bad;
  }
  if (bad) atomicAdd(nonfinite, bad);
}

// Mirrors the strict lower triangle of an n x n matrix into its upper triangle (32 x 32 tiles,
// block (32, 8); only tiles on or below the diagonal are launched usefully).
template <typename T>
__device__ __forceinline__ void symmetrize_lower(T* A, ll lda, int n) {
  __shared__ T tile[32][33];
  const int bx = blockIdx.x, by = blockIdx.y;  // bx: row tile, by: column tile
  if (bx < by) return;
  for (int r = threadIdx.y; r < 32; r += 8) {
    const int gi = bx * 32 + threadIdx.x, gj = by * 32 + r;
    tile[r][threadIdx.x] = (gi < n && gj < n) ? A[gi + (ll)gj * lda] : T(0);
  }
  __syncthreads();
  for (int r = threadIdx.y; r < 32; r += 8) {
    // target row = by*32 + threadIdx.x, column = bx*32 + r; source (row, col) = (bx*32 + r, by*32 + threadIdx.x)
    const int ti = by * 32 + threadIdx.x, tj = bx * 32 + r;
    if (ti < n && tj < n && ti < tj) A[ti + (ll)tj * lda] = tile[threadIdx.x][r];
  }
}

// B (cols x rows) = A (rows x cols)^T, 32 x 32 tiles, block (32, 8).
template <typename T>
__device__ __forceinline__ void transpose(const T* A, ll lda, T* B, ll ldb, int rows, int cols) {
  __shared__ T tile[32][33];
  const int bx = blockIdx.x, by = blockIdx.y;
  for (int r = threadIdx.y; r < 32; r += 8) {
    const int gi = bx * 32 + threadIdx.x, gj = by * 32 + r;
    tile[r][threadIdx.x] = (gi < rows && gj < cols) ? A[gi + (ll)gj * lda] : T(0);
  }
  __syncthreads();
  for (int r = threadIdx.y; r < 32; r += 8) {
    const int ti = by * 32 + threadIdx.x, tj = bx * 32 + r;  // B(ti, tj) = A(tj, ti)
    if (ti < cols && tj < rows) B[ti + (ll)tj * ldb] = tile[threadIdx.x][r];
  }
}

}  // namespace ntk

#define NTK_KERNELS(T, DT)                                                                                     \
  extern "C" __global__ void __launch_bounds__(ntk::REC_ROWS) ntk_recursion_##DT(                              \
      int rows, int cols, const T* in, ll ldin, T* outK, T* outT, ll ldout, int row0, int col0, const T* ops,  \
      const T* P, int nops, const T* q1s, ll ldq1, const T* q2s, ll ldq2, T d, int symmetric, int lowerOnly,   \
      int* nonfinite) {                                                                                        \
    ntk::recursion<T>(rows, cols, in, ldin, outK, outT, ldout, row0, col0, ops, P, nops, q1s, ldq1, q2s, ldq2, \
                      d, symmetric, lowerOnly, nonfinite);                                                     \
  }                                                                                                            \
  extern "C" __global__ void __launch_bounds__(256) ntk_symmetrize_lower_##DT(T* A, ll lda, int n) {          \
    ntk::symmetrize_lower<T>(A, lda, n);                                                                       \
  }                                                                                                            \
  extern "C" __global__ void __launch_bounds__(256) ntk_transpose_##DT(const T* A, ll lda, T* B, ll ldb,      \
                                                                        int rows, int cols) {                 \
    ntk::transpose<T>(A, lda, B, ldb, rows, cols);                                                             \
  }

NTK_KERNELS(double, f64)
NTK_KERNELS(float, f32)
