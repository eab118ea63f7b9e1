// Dense linear algebra for the exact GP / NTK solve, without cuBLAS/cuSOLVER (column-major,
// lower Cholesky factor; the host drives the blocked algorithms, see org.ntk4j.gpu.GpuCholesky):
//   ntk_potrf_diag_<dt>   unblocked Cholesky of one jb x jb diagonal block (jb <= 64), one block
//                         of 256 threads, in shared memory. A non-positive (or NaN) pivot records
//                         its 1-based global column in *info (first failure wins) and poisons
//                         the factor with NaN.
//   ntk_trsm_rlt_<dt>     X = A L^-T for an m x jb panel A (jb <= 64), one thread per row.
//   ntk_trsm_llnn_<dt>    B = L^-1 B for a jb x ncols block B (jb <= 64), one thread per column.
//   ntk_trsm_lltn_<dt>    B = L^-T B, likewise.
//   ntk_add_diag_<dt>     A_ii += lambda.
//   ntk_diag_sum_<dt>     *out = sum_i A_ii (double accumulation, one block).
//   ntk_col_sumsq_sub_<dt> out_j = prior_j - sum_i W_ij^2 (double accumulation, one block per column).
#include "ntk_common.cuh"

namespace ntk {

constexpr int MAXB = 64;

template <typename T>
__device__ __forceinline__ void potrf_diag(T* A, ll lda, int jb, int* info, int col0) {
  __shared__ T S[MAXB][MAXB + 1];
  __shared__ int failed;
  for (int e = threadIdx.x; e < jb * jb; e += 256) {
    const int i = e % jb, j = e / jb;
    S[i][j] = i >= j ? A[i + (ll)j * lda] : T(0);
  }
  if (threadIdx.x == 0) failed = 0;
  __syncthreads();
  for (int k = 0; k < jb; ++k) {
    if (threadIdx.x == 0) {
      T dkk = S[k][k];
      if (!(dkk > T(0))) {
        if (!failed) {
          failed = 1;
          atomicCAS(info, 0, col0 + k + 1);
        }
        dkk = T(0) / T(0);  // NaN: a failed factor must never look valid
      }
      S[k][k] = sqrt(dkk);
    }
    __syncthreads();
    const T piv = S[k][k];
    for (int i = k + 1 + threadIdx.x; i < jb; i += 256) S[i][k] /= piv;
    __syncthreads();
    const int m = jb - k - 1;
    for (int e = threadIdx.x; e < m * m; e += 256) {
      const int i = k + 1 + e % m, j = k + 1 + e / m;
      if (i >= j) S[i][j] -= S[i][k] * S[j][k];
    }
    __syncthreads();
  }
  for (int e = threadIdx.x; e < jb * jb; e += 256) {
    const int i = e % jb, j = e / jb;
    if (i >= j) A[i + (ll)j * lda] = S[i][j];
  }
}

// Loads the lower triangle of the jb x jb block L into Ls (zero above and outside).
template <typename T, int NT>
__device__ __forceinline__ void load_lower(T (*Ls)[MAXB + 1], const T* L, ll ldl, int jb) {
  for (int e = threadIdx.x; e < MAXB * MAXB; e += NT) {
    const int i = e % MAXB, j = e / MAXB;
    Ls[i][j] = (i < jb && j < jb && i >= j) ? L[i + (ll)j * ldl] : T(0);
  }
  __syncthreads();
}

template <typename T>
__device__ __forceinline__ void trsm_rlt(T* A, ll lda, int m, const T* L, ll ldl, int jb) {
  __shared__ T Ls[MAXB][MAXB + 1];
  load_lower<T, 128>(Ls, L, ldl, jb);
  const int r = blockIdx.x * 128 + threadIdx.x;
  if (r >= m) return;
  T x[MAXB];
#pragma unroll
  for (int c = 0; c < MAXB; ++c) x[c] = c < jb ? A[r + (ll)c * lda] : T(0);
  // x L^T = a  <=>  L x^T = a^T: forward substitution over the columns.
#pragma unroll
  for (int c = 0; c < MAXB; ++c) {
    if (c < jb) {
      T s = x[c];
#pragma unroll
      for (int j = 0; j < c; ++j) s -= x[j] * Ls[c][j];
      x[c] = s / Ls[c][c];
    }
  }
#pragma unroll
  for (int c = 0; c < MAXB; ++c)
    if (c < jb) A[r + (ll)c * lda] = x[c];
}

template <typename T>
__device__ __forceinline__ void trsm_llnn(const T* L, ll ldl, T* B, ll ldb, int jb, int ncols) {
  __shared__ T Ls[MAXB][MAXB + 1];
  load_lower<T, 128>(Ls, L, ldl, jb);
  const int col = blockIdx.x * 128 + threadIdx.x;
  if (col >= ncols) return;
  T* b = B + (ll)col * ldb;
  T x[MAXB];
#pragma unroll
  for (int i = 0; i < MAXB; ++i) x[i] = i < jb ? b[i] : T(0);
#pragma unroll
  for (int i = 0; i < MAXB; ++i) {
    if (i < jb) {
      T s = x[i];
#pragma unroll
      for (int j = 0; j < i; ++j) s -= Ls[i][j] * x[j];
      x[i] = s / Ls[i][i];
    }
  }
#pragma unroll
  for (int i = 0; i < MAXB; ++i)
    if (i < jb) b[i] = x[i];
}

template <typename T>
__device__ __forceinline__ void trsm_lltn(const T* L, ll ldl, T* B, ll ldb, int jb, int ncols) {
  __shared__ T Ls[MAXB][MAXB + 1];
  load_lower<T, 128>(Ls, L, ldl, jb);
  const int col = blockIdx.x * 128 + threadIdx.x;
  if (col >= ncols) return;
  T* b = B + (ll)col * ldb;
  T x[MAXB];
#pragma unroll
  for (int i = 0; i < MAXB; ++i) x[i] = i < jb ? b[i] : T(0);
#pragma unroll
  for (int i = MAXB - 1; i >= 0; --i) {
    if (i < jb) {
      T s = x[i];
#pragma unroll
      for (int j = i + 1; j < MAXB; ++j)
        if (j < jb) s -= Ls[j][i] * x[j];
      x[i] = s / Ls[i][i];
    }
  }
#pragma unroll
  for (int i = 0; i < MAXB; ++i)
    if (i < jb) b[i] = x[i];
}

template <typename T>
__device__ __forceinline__ void add_diag(T* A, ll lda, int n, T lambda) {
  const int i = blockIdx.x * 256 + threadIdx.x;
  if (i < n) A[i + (ll)i * lda] += lambda;
}

template <typename T>
__device__ __forceinline__ void diag_sum(const T* A, ll lda, int n, double* out) {
  __shared__ double scratch[256];
  double s = 0;
  for (int i = threadIdx.x; i < n; i += 256) s += (double)A[i + (ll)i * lda];
  s = ntk_block_sum<256>(s, scratch);
  if (threadIdx.x == 0) *out = s;
}

template <typename T>
__device__ __forceinline__ void col_sumsq_sub(const T* W, ll ldw, int n, int m, const T* prior, T* out) {
  __shared__ double scratch[256];
  const int j = blockIdx.x;
  if (j >= m) return;
  const T* w = W + (ll)j * ldw;
  double s = 0;
  for (int i = threadIdx.x; i < n; i += 256) {
    const double v = (double)w[i];
    s += v * v;
  }
  s = ntk_block_sum<256>(s, scratch);
  if (threadIdx.x == 0) out[j] = (T)((double)prior[j] - s);
}

}  // namespace ntk

#define NTK_LINALG(T, DT)                                                                                        \
  extern "C" __global__ void __launch_bounds__(256) ntk_potrf_diag_##DT(T* A, ll lda, int jb, int* info,        \
                                                                         int col0) {                            \
    ntk::potrf_diag<T>(A, lda, jb, info, col0);                                                                  \
  }                                                                                                              \
  extern "C" __global__ void __launch_bounds__(128) ntk_trsm_rlt_##DT(T* A, ll lda, int m, const T* L, ll ldl, \
                                                                       int jb) {                                \
    ntk::trsm_rlt<T>(A, lda, m, L, ldl, jb);                                                                     \
  }                                                                                                              \
  extern "C" __global__ void __launch_bounds__(128) ntk_trsm_llnn_##DT(const T* L, ll ldl, T* B, ll ldb, int jb, \
                                                                        int ncols) {                             \
    ntk::trsm_llnn<T>(L, ldl, B, ldb, jb, ncols);                                                                \
  }                                                                                                              \
  extern "C" __global__ void __launch_bounds__(128) ntk_trsm_lltn_##DT(const T* L, ll ldl, T* B, ll ldb, int jb, \
                                                                        int ncols) {                             \
    ntk::trsm_lltn<T>(L, ldl, B, ldb, jb, ncols);                                                                \
  }                                                                                                              \
  extern "C" __global__ void __launch_bounds__(256) ntk_add_diag_##DT(T* A, ll lda, int n, T lambda) {          \
    ntk::add_diag<T>(A, lda, n, lambda);                                                                         \
  }                                                                                                              \
  extern "C" __global__ void __launch_bounds__(256) ntk_diag_sum_##DT(const T* A, ll lda, int n, double* out) { \
    ntk::diag_sum<T>(A, lda, n, out);                                                                            \
  }                                                                                                              \
  extern "C" __global__ void __launch_bounds__(256) ntk_col_sumsq_sub_##DT(const T* W, ll ldw, int n, int m,    \
                                                                            const T* prior, T* out) {            \
    ntk::col_sumsq_sub<T>(W, ldw, n, m, prior, out);                                                             \
  }

NTK_LINALG(double, f64)
NTK_LINALG(float, f32)
