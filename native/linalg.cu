// Dense linear algebra for the exact GP / NTK solve, without cuBLAS/cuSOLVER (column-major,
// lower Cholesky factor; the host drives the blocked algorithms, see org.ntk4j.gpu.GpuCholesky):
//   ntk_potrf_leaf_<dt>   one leaf of the recursive panel factorization: factors the jb x jb
//                         (jb <= 64) diagonal block in shared memory and solves the m rows below
//                         it (X <- X L^-T), in ONE launch: every block factors the small diagonal
//                         block itself (identical arithmetic, so identical results), block 0 writes
//                         it back, and each block then solves LEAF_ROWS rows, one thread per row.
//                         A non-positive (or NaN) pivot records its 1-based global column in *info
//                         (first failure wins) and poisons the factor with NaN.
//   ntk_trsm_llnn_<dt>    B <- L^-1 B for a jb x ncols block B (jb <= 64), one thread per column.
//   ntk_trsm_lltn_<dt>    B <- L^-T B, likewise.
//   ntk_trsv_ln_<dt>      x <- L^-1 x for the whole n x n factor and nc <= TRSV_NC right-hand
//   ntk_trsv_lt_<dt>      sides (x <- L^-T x), in ONE launch (see "sync-free solves" below).
//   ntk_add_diag_<dt>     A_ii += lambda.
//   ntk_diag_sum_<dt>     *out = sum_i A_ii (double accumulation, one block).
//   ntk_col_sumsq_sub_<dt> out_j = prior_j - sum_i W_ij^2 (double accumulation, one block per column).
// Triangular substitutions are right-looking with the reciprocal of each pivot, as reference
// LAPACK's dpotf2/dtrsm (side R) do: after x_c is known, every later entry is updated at once, so
// a thread's dependent chain is one multiply and one FMA per column instead of a dot product.
#include "ntk_common.cuh"

namespace ntk {

constexpr int MAXB = 64, LEAF_THREADS = 256, LEAF_ROWS = LEAF_THREADS, TRSV_NC = 4, TRSV_THREADS = 256;

// Factors the jb x jb lower block held in S in place (right-looking, one barrier per column).
// Step k updates the trailing lower triangle with column k scaled by the reciprocal pivot, then
// (after the barrier) scales column k itself; step k + 1 never touches column k, so that scaling
// needs no barrier of its own. The next pivot is final as soon as its own update is done, so the
// one thread that does it also takes its square root and reciprocal right away, overlapping the
// other threads' updates (the sqrt/reciprocal chain is what bounds this loop).
template <typename T>
__device__ __forceinline__ void set_pivot(T* piv, T* pinv, int k, T d, int* info, int col0, bool report) {
  if (!(d > T(0))) {
    if (report) atomicCAS(info, 0, col0 + k + 1);  // the first failing column wins
    d = T(0) / T(0);                                // NaN: a failed factor must never look valid
  }
  piv[k] = sqrt(d);
  pinv[k] = T(1) / piv[k];
}

template <typename T, int NT>
__device__ __forceinline__ void factor_diag(T (*S)[MAXB + 1], T* rinv, int jb, int* info, int col0, bool report) {
  __shared__ T piv[MAXB];
  const int i = threadIdx.x % MAXB, q = threadIdx.x / MAXB;  // row i, column phase q (NT / 64 phases)
  if (threadIdx.x == 0 && jb > 0) set_pivot(piv, rinv, 0, S[0][0], info, col0, report);
  __syncthreads();
  for (int k = 0; k < jb; ++k) {
    const T inv = rinv[k];
    if (i > k && i < jb) {
      const T li = S[i][k] * inv;
      for (int j = k + 1 + q; j <= i; j += NT / MAXB) S[i][j] -= li * (S[j][k] * inv);
      if (q == 0 && i == k + 1) set_pivot(piv, rinv, i, S[i][i], info, col0, report);  // its only update was S[i][i]
    }
    __syncthreads();
    if (threadIdx.x == 0) S[k][k] = piv[k];
    if (q == 0 && i > k && i < jb) S[i][k] *= inv;
  }
  __syncthreads();
}

// Loads the lower triangle of the jb x jb block at L into Ls (zero above and outside).
template <typename T, int NT>
__device__ __forceinline__ void load_lower(T (*Ls)[MAXB + 1], const T* L, ll ldl, int jb) {
  for (int e = threadIdx.x; e < MAXB * MAXB; e += NT) {
    const int i = e % MAXB, j = e / MAXB;
    Ls[i][j] = (i < jb && j < jb && i >= j) ? L[i + (ll)j * ldl] : T(0);
  }
  __syncthreads();
}

// A points at the diagonal block; rows [jb, jb + m) below it form the panel to solve.
template <typename T>
__device__ __forceinline__ void potrf_leaf(T* A, ll lda, int jb, int m, int* info, int col0) {
  __shared__ T S[MAXB][MAXB + 1];
  __shared__ T rinv[MAXB];
  load_lower<T, LEAF_THREADS>(S, A, lda, jb);
  factor_diag<T, LEAF_THREADS>(S, rinv, jb, info, col0, blockIdx.x == 0);
  if (blockIdx.x == 0)
    for (int e = threadIdx.x; e < jb * jb; e += LEAF_THREADS) {
      const int i = e % jb, j = e / jb;
      if (i >= j) A[i + (ll)j * lda] = S[i][j];
    }
  const int r = blockIdx.x * LEAF_ROWS + threadIdx.x;
  if (r >= m) return;
  // x L^T = a: x_c = a_c / L_cc, then a_c2 -= L_c2c x_c for every later c2 (dtrsm R,L,T order).
  // In two halves of 32 columns (fewer live registers; the same operations in the same order):
  // solve columns 0..31 and store them, then apply them to columns 32..63 and solve those.
  T* a = A + jb + r;
  T x[32];
#pragma unroll
  for (int c = 0; c < 32; ++c) x[c] = c < jb ? a[(ll)c * lda] : T(0);
#pragma unroll
  for (int c = 0; c < 32; ++c) {
    x[c] *= c < jb ? rinv[c] : T(0);
#pragma unroll
    for (int c2 = c + 1; c2 < 32; ++c2) x[c2] -= S[c2][c] * x[c];
  }
#pragma unroll
  for (int c = 0; c < 32; ++c)
    if (c < jb) a[(ll)c * lda] = x[c];
  if (jb <= 32) return;
  T y[32];
#pragma unroll
  for (int c = 0; c < 32; ++c) y[c] = 32 + c < jb ? a[(ll)(32 + c) * lda] : T(0);
#pragma unroll
  for (int c = 0; c < 32; ++c)
#pragma unroll
    for (int c2 = 0; c2 < 32; ++c2) y[c2] -= S[32 + c2][c] * x[c];
#pragma unroll
  for (int c = 0; c < 32; ++c) {
    y[c] *= 32 + c < jb ? rinv[32 + c] : T(0);
#pragma unroll
    for (int c2 = c + 1; c2 < 32; ++c2) y[c2] -= S[32 + c2][32 + c] * y[c];
  }
#pragma unroll
  for (int c = 0; c < 32; ++c)
    if (32 + c < jb) a[(ll)(32 + c) * lda] = y[c];
}

template <typename T>
__device__ __forceinline__ void trsm_llnn(const T* L, ll ldl, T* B, ll ldb, int jb, int ncols) {
  __shared__ T Ls[MAXB][MAXB + 1];
  __shared__ T rinv[MAXB];
  load_lower<T, 64>(Ls, L, ldl, jb);
  if (threadIdx.x < MAXB) rinv[threadIdx.x] = threadIdx.x < jb ? T(1) / Ls[threadIdx.x][threadIdx.x] : T(0);
  __syncthreads();
  const int col = blockIdx.x * 64 + threadIdx.x;
  if (col >= ncols) return;
  T* b = B + (ll)col * ldb;
  T x[MAXB];
#pragma unroll
  for (int i = 0; i < MAXB; ++i) x[i] = i < jb ? b[i] : T(0);
#pragma unroll
  for (int i = 0; i < MAXB; ++i) {
    x[i] *= rinv[i];
#pragma unroll
    for (int i2 = i + 1; i2 < MAXB; ++i2) x[i2] -= Ls[i2][i] * x[i];
  }
#pragma unroll
  for (int i = 0; i < MAXB; ++i)
    if (i < jb) b[i] = x[i];
}

template <typename T>
__device__ __forceinline__ void trsm_lltn(const T* L, ll ldl, T* B, ll ldb, int jb, int ncols) {
  __shared__ T Ls[MAXB][MAXB + 1];
  __shared__ T rinv[MAXB];
  load_lower<T, 64>(Ls, L, ldl, jb);
  if (threadIdx.x < MAXB) rinv[threadIdx.x] = threadIdx.x < jb ? T(1) / Ls[threadIdx.x][threadIdx.x] : T(0);
  __syncthreads();
  const int col = blockIdx.x * 64 + threadIdx.x;
  if (col >= ncols) return;
  T* b = B + (ll)col * ldb;
  T x[MAXB];
#pragma unroll
  for (int i = 0; i < MAXB; ++i) x[i] = i < jb ? b[i] : T(0);
  // L^T x = b, from the bottom: x_i = b_i / L_ii, then b_i2 -= L_i,i2 x_i for every earlier i2.
#pragma unroll
  for (int i = MAXB - 1; i >= 0; --i) {
    x[i] *= rinv[i];
#pragma unroll
    for (int i2 = 0; i2 < i; ++i2) x[i2] -= Ls[i][i2] * x[i];
  }
#pragma unroll
  for (int i = 0; i < MAXB; ++i)
    if (i < jb) b[i] = x[i];
}

// ---- sync-free solves with few right-hand sides (the GP weights alpha = (K + lambda I)^-1 y) ----
// A blocked solve with one launch per 64-row block costs hundreds of dependent launches; here one
// launch does all of it. Each block of TRSV_THREADS threads owns a 64-row block rb of x, taken in
// start order from a ticket counter (ctl[0]) so that a block only ever waits for blocks that are
// already running (no deadlock whatever the scheduler does). It subtracts the contributions of
// the finished blocks as their flags ctl[1 + cb] appear (acquire), solves its 64 x 64 diagonal
// block with one warp per right-hand side (rows in registers, pivots by shuffle), writes its part
// of x and releases its flag. ctl must hold 1 + ceil(n/64) zeros; nc <= TRSV_NC. Pivots are
// applied as precomputed reciprocals: the 64-step chain is then shuffle, multiply, FMA per step.
template <typename T>
__device__ __forceinline__ int trsv_ticket(int* ctl) {
  __shared__ int ticket;
  if (threadIdx.x == 0) ticket = atomicAdd(ctl, 1);
  __syncthreads();
  return ticket;
}

template <typename T>
__device__ __forceinline__ void trsv_publish(int* flag) {
  __threadfence();
  __syncthreads();
  if (threadIdx.x == 0) ntk_st_release(flag, 1);
}

// Waits for a flag; false after about 2^26 polls (seconds), which only a bug can cause: the
// caller then poisons its output with NaN, so that a fault shows as NaN results, not a hung GPU.
__device__ __forceinline__ bool trsv_wait(const int* flag) {
  for (int spin = 0; spin < (1 << 26); ++spin) {
    if (ntk_ld_acquire(flag) != 0) return true;
    __nanosleep(32);
  }
  return false;
}

template <typename T>
__device__ __forceinline__ void trsv_ln(const T* L, ll ldl, int n, T* B, ll ldb, int nc, int* ctl) {
  __shared__ T Ld[MAXB][MAXB + 1];
  __shared__ T rdiag[MAXB];
  __shared__ T red[TRSV_THREADS / MAXB][TRSV_NC][MAXB];
  const int rb = trsv_ticket<T>(ctl), r0 = rb * MAXB, rows = n - r0 < MAXB ? n - r0 : MAXB;
  __shared__ int timedOut;
  if (threadIdx.x == 0) timedOut = 0;  // published by load_lower's barrier
  if (threadIdx.x < rows) rdiag[threadIdx.x] = T(1) / L[r0 + threadIdx.x + (ll)(r0 + threadIdx.x) * ldl];
  load_lower<T, TRSV_THREADS>(Ld, L + r0 + (ll)r0 * ldl, ldl, rows);
  // y_r = sum over finished column blocks of L[r0 + r, col] x[col]: thread (r, q) takes columns
  // q*16 .. q*16+15 of each block (coalesced along r).
  const int r = threadIdx.x % MAXB, q = threadIdx.x / MAXB;
  T s[TRSV_NC];
#pragma unroll
  for (int c = 0; c < TRSV_NC; ++c) s[c] = T(0);
  for (int cb = 0; cb < rb; ++cb) {
    if (!trsv_wait(ctl + 1 + cb)) timedOut = 1;
#pragma unroll
    for (int cc = 0; cc < 16; ++cc) {
      const int col = cb * MAXB + q * 16 + cc;
      const T l = r < rows ? L[r0 + r + (ll)col * ldl] : T(0);
#pragma unroll
      for (int c = 0; c < TRSV_NC; ++c)
        if (c < nc) s[c] += l * ntk_ldcg(B + col + (ll)c * ldb);
    }
  }
#pragma unroll
  for (int c = 0; c < TRSV_NC; ++c) red[q][c][r] = s[c];
  __syncthreads();
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  if (warp < nc) {
    const int c = warp;
    T* b = B + r0 + (ll)c * ldb;
    T v0 = T(0), v1 = T(0);
    if (lane < rows) v0 = b[lane] - (red[0][c][lane] + red[1][c][lane] + red[2][c][lane] + red[3][c][lane]);
    if (lane + 32 < rows) v1 = b[lane + 32] - (red[0][c][lane + 32] + red[1][c][lane + 32] + red[2][c][lane + 32] + red[3][c][lane + 32]);
    for (int k = 0; k < rows; ++k) {
      const T xk = ntk_shfl(k < 32 ? v0 : v1, k & 31) * rdiag[k];
      if (lane == (k & 31)) {
        if (k < 32) v0 = xk; else v1 = xk;
      }
      if (lane > k) v0 -= Ld[lane][k] * xk;
      if (lane + 32 > k) v1 -= Ld[lane + 32][k] * xk;
    }
    if (timedOut) v0 = v1 = T(0) / T(0);
    if (lane < rows) b[lane] = v0;
    if (lane + 32 < rows) b[lane + 32] = v1;
  }
  trsv_publish<T>(ctl + 1 + rb);
}

template <typename T>
__device__ __forceinline__ void trsv_lt(const T* L, ll ldl, int n, T* B, ll ldb, int nc, int* ctl) {
  __shared__ T Ld[MAXB][MAXB + 1];
  __shared__ T rdiag[MAXB];
  __shared__ T red[TRSV_NC][MAXB];
  const int nb = (n + MAXB - 1) / MAXB;
  const int rb = nb - 1 - trsv_ticket<T>(ctl), r0 = rb * MAXB, rows = n - r0 < MAXB ? n - r0 : MAXB;
  __shared__ int timedOut;
  if (threadIdx.x == 0) timedOut = 0;  // published by load_lower's barrier
  if (threadIdx.x < rows) rdiag[threadIdx.x] = T(1) / L[r0 + threadIdx.x + (ll)(r0 + threadIdx.x) * ldl];
  load_lower<T, TRSV_THREADS>(Ld, L + r0 + (ll)r0 * ldl, ldl, rows);
  // y_j = sum over finished row blocks cb > rb of L[cb*64 + i, r0 + j] x[cb*64 + i]: warp w takes
  // columns j = 8w .. 8w+7, lanes the rows i and i + 32 (coalesced), reduced over lanes at the end.
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  T p[8][TRSV_NC];
#pragma unroll
  for (int jj = 0; jj < 8; ++jj)
#pragma unroll
    for (int c = 0; c < TRSV_NC; ++c) p[jj][c] = T(0);
  for (int cb = nb - 1; cb > rb; --cb) {
    if (!trsv_wait(ctl + 1 + (nb - 1 - cb))) timedOut = 1;  // flags are indexed by ticket
    const int i0 = cb * MAXB + lane, i1 = i0 + 32;
    T x0[TRSV_NC], x1[TRSV_NC];
#pragma unroll
    for (int c = 0; c < TRSV_NC; ++c) {
      x0[c] = c < nc && i0 < n ? ntk_ldcg(B + i0 + (ll)c * ldb) : T(0);
      x1[c] = c < nc && i1 < n ? ntk_ldcg(B + i1 + (ll)c * ldb) : T(0);
    }
#pragma unroll
    for (int jj = 0; jj < 8; ++jj) {
      const int j = 8 * warp + jj;
      if (j >= rows) break;
      const T* lc = L + (ll)(r0 + j) * ldl;
      const T l0 = i0 < n ? lc[i0] : T(0), l1 = i1 < n ? lc[i1] : T(0);
#pragma unroll
      for (int c = 0; c < TRSV_NC; ++c) p[jj][c] += l0 * x0[c] + l1 * x1[c];
    }
  }
#pragma unroll
  for (int jj = 0; jj < 8; ++jj)
#pragma unroll
    for (int c = 0; c < TRSV_NC; ++c) {
      T v = p[jj][c];
#pragma unroll
      for (int o = 16; o > 0; o >>= 1) v += ntk_shfl(v, lane ^ o);
      if (lane == 0) red[c][8 * warp + jj] = v;
    }
  __syncthreads();
  if (warp < nc) {
    const int c = warp;
    T* b = B + r0 + (ll)c * ldb;
    T v0 = T(0), v1 = T(0);
    if (lane < rows) v0 = b[lane] - red[c][lane];
    if (lane + 32 < rows) v1 = b[lane + 32] - red[c][lane + 32];
    for (int k = rows - 1; k >= 0; --k) {
      const T xk = ntk_shfl(k < 32 ? v0 : v1, k & 31) * rdiag[k];
      if (lane == (k & 31)) {
        if (k < 32) v0 = xk; else v1 = xk;
      }
      if (lane < k) v0 -= Ld[k][lane] * xk;
      if (lane + 32 < k) v1 -= Ld[k][lane + 32] * xk;
    }
    if (timedOut) v0 = v1 = T(0) / T(0);
    if (lane < rows) b[lane] = v0;
    if (lane + 32 < rows) b[lane + 32] = v1;
  }
  trsv_publish<T>(ctl + 1 + (nb - 1 - rb));
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
  extern "C" __global__ void __launch_bounds__(ntk::LEAF_THREADS, 1) ntk_potrf_leaf_##DT(T* A, ll lda, int jb, int m, \
                                                                                     int* info, int col0) {       \
    ntk::potrf_leaf<T>(A, lda, jb, m, info, col0);                                                               \
  }                                                                                                              \
  extern "C" __global__ void __launch_bounds__(64) ntk_trsm_llnn_##DT(const T* L, ll ldl, T* B, ll ldb, int jb,  \
                                                                       int ncols) {                              \
    ntk::trsm_llnn<T>(L, ldl, B, ldb, jb, ncols);                                                                \
  }                                                                                                              \
  extern "C" __global__ void __launch_bounds__(64) ntk_trsm_lltn_##DT(const T* L, ll ldl, T* B, ll ldb, int jb,  \
                                                                       int ncols) {                              \
    ntk::trsm_lltn<T>(L, ldl, B, ldb, jb, ncols);                                                                \
  }                                                                                                              \
  extern "C" __global__ void __launch_bounds__(ntk::TRSV_THREADS) ntk_trsv_ln_##DT(const T* L, ll ldl, int n, T* B, \
                                                                                   ll ldb, int nc, int* ctl) {     \
    ntk::trsv_ln<T>(L, ldl, n, B, ldb, nc, ctl);                                                                 \
  }                                                                                                              \
  extern "C" __global__ void __launch_bounds__(ntk::TRSV_THREADS) ntk_trsv_lt_##DT(const T* L, ll ldl, int n, T* B, \
                                                                                   ll ldb, int nc, int* ctl) {     \
    ntk::trsv_lt<T>(L, ldl, n, B, ldb, nc, ctl);                                                                 \
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
