// Tiled GEMM templates (column-major): C = alpha * op(A) * op(B) + beta * C, with op(A) m x k
// and op(B) k x n. TA/TB = 0 (N) or 1 (T):
//   op(A)(i,p) = TA ? A[p + i*lda] : A[i + p*lda];  op(B)(p,j) = TB ? B[j + p*ldb] : B[p + j*ldb].
// beta == 0 never reads C. lower != 0 skips tiles lying wholly above the diagonal (SYRK-style
// updates of a symmetric matrix whose upper triangle is ignored; diagonal tiles are full).
//
// Two inner engines share a double-buffered cp.async tile pipeline:
//  * gemm_simt: each thread owns a TM x TN register tile (FFMA / DFMA);
//  * gemm_dmma: fp64 tensor cores (mma.sync m8n8k4), each warp owns a WM x WN tile.
#pragma once
#include "ntk_common.cuh"

namespace ntk {

// Fills S[kk][r] = op(X)(row0 + r, k0 + kk) for r < ROWS, kk < BK (0 outside R x K).
// contiguousRows: element (r, p) is at X[r + p*ld] (else X[p + r*ld]).
template <typename T, bool CONTIG_ROWS, int ROWS, int BK, int LDS, int NT>
__device__ __forceinline__ void load_tile(T* S, const T* X, ll ld, int row0, int k0, int R, int K) {
#pragma unroll
  for (int e = threadIdx.x; e < ROWS * BK; e += NT) {
    int r, kk;
    if (CONTIG_ROWS) { r = e % ROWS; kk = e / ROWS; }   // consecutive threads -> consecutive rows
    else { kk = e % BK; r = e / BK; }                     // consecutive threads -> consecutive k
    int gr = row0 + r, gk = k0 + kk;
    bool ok = gr < R && gk < K;
    const T* src = ok ? (CONTIG_ROWS ? X + (gr + (ll)gk * ld) : X + (gk + (ll)gr * ld)) : X;
    ntk_cp_async(S + kk * LDS + r, src, ok);
  }
}

template <typename T>
__device__ __forceinline__ void store_c(T* C, ll ldc, int r, int c, int M, int N, T alpha, T beta, T acc) {
  if (r < M && c < N) {
    T* p = C + (r + (ll)c * ldc);
    *p = beta == T(0) ? alpha * acc : alpha * acc + beta * *p;
  }
}

template <typename T, int TA, int TB, int BM, int BN, int BK, int TM, int TN>
__device__ __forceinline__ void gemm_simt(int M, int N, int K, T alpha, const T* __restrict__ A, ll lda,
                                          const T* __restrict__ B, ll ldb, T beta, T* C, ll ldc, int lower) {
  constexpr int RT = BM / TM, CT = BN / TN, NT = RT * CT;
  constexpr int LA = BM + 4, LB = BN + 4;
  __shared__ T As[2][BK * LA];
  __shared__ T Bs[2][BK * LB];
  const int row0 = blockIdx.x * BM, col0 = blockIdx.y * BN;
  if (lower && col0 > row0 + BM - 1) return;  // uniform for the block
  const int tr = threadIdx.x % RT, tc = threadIdx.x / RT;
  T acc[TM][TN];
#pragma unroll
  for (int i = 0; i < TM; ++i)
#pragma unroll
    for (int j = 0; j < TN; ++j) acc[i][j] = T(0);
  const int KT = (K + BK - 1) / BK;
  if (KT > 0) {
    load_tile<T, TA == 0, BM, BK, LA, NT>(As[0], A, lda, row0, 0, M, K);
    load_tile<T, TB == 1, BN, BK, LB, NT>(Bs[0], B, ldb, col0, 0, N, K);
    ntk_cp_commit();
  }
  for (int kt = 0; kt < KT; ++kt) {
    const int s = kt & 1;
    if (kt + 1 < KT) {
      load_tile<T, TA == 0, BM, BK, LA, NT>(As[s ^ 1], A, lda, row0, (kt + 1) * BK, M, K);
      load_tile<T, TB == 1, BN, BK, LB, NT>(Bs[s ^ 1], B, ldb, col0, (kt + 1) * BK, N, K);
      ntk_cp_commit();
      ntk_cp_wait<1>();
    } else {
      ntk_cp_wait<0>();
    }
    __syncthreads();
#pragma unroll
    for (int kk = 0; kk < BK; ++kk) {
      T a[TM], b[TN];
#pragma unroll
      for (int i = 0; i < TM; ++i) a[i] = As[s][kk * LA + tr + i * RT];
#pragma unroll
      for (int j = 0; j < TN; ++j) b[j] = Bs[s][kk * LB + tc + j * CT];
#pragma unroll
      for (int i = 0; i < TM; ++i)
#pragma unroll
        for (int j = 0; j < TN; ++j) acc[i][j] = fma(a[i], b[j], acc[i][j]);
    }
    __syncthreads();
  }
#pragma unroll
  for (int j = 0; j < TN; ++j)
#pragma unroll
    for (int i = 0; i < TM; ++i)
      store_c<T>(C, ldc, row0 + tr + i * RT, col0 + tc + j * CT, M, N, alpha, beta, acc[i][j]);
}

template <int TA, int TB, int BM, int BN, int BK, int WM, int WN>
__device__ __forceinline__ void gemm_dmma(int M, int N, int K, double alpha, const double* __restrict__ A, ll lda,
                                          const double* __restrict__ B, ll ldb, double beta, double* C, ll ldc,
                                          int lower) {
  constexpr int WR = BM / WM, WC = BN / WN, NT = 32 * WR * WC;
  constexpr int MT = WM / 8, NTL = WN / 8;
  // Row stride = 16 words (mod 32 banks): the 4 k-rows of a fragment load hit 2 bank halves.
  constexpr int LA = BM + 8, LB = BN + 8;
  static_assert(BK % 4 == 0, "BK must be a multiple of the MMA k (4)");
  __shared__ double As[2][BK * LA];
  __shared__ double Bs[2][BK * LB];
  const int row0 = blockIdx.x * BM, col0 = blockIdx.y * BN;
  if (lower && col0 > row0 + BM - 1) return;
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int wm = warp % WR, wn = warp / WR;
  const int g = lane >> 2, t = lane & 3;
  double acc[MT][NTL][2];
#pragma unroll
  for (int i = 0; i < MT; ++i)
#pragma unroll
    for (int j = 0; j < NTL; ++j) acc[i][j][0] = acc[i][j][1] = 0.0;
  const int KT = (K + BK - 1) / BK;
  if (KT > 0) {
    load_tile<double, TA == 0, BM, BK, LA, NT>(As[0], A, lda, row0, 0, M, K);
    load_tile<double, TB == 1, BN, BK, LB, NT>(Bs[0], B, ldb, col0, 0, N, K);
    ntk_cp_commit();
  }
  for (int kt = 0; kt < KT; ++kt) {
    const int s = kt & 1;
    if (kt + 1 < KT) {
      load_tile<double, TA == 0, BM, BK, LA, NT>(As[s ^ 1], A, lda, row0, (kt + 1) * BK, M, K);
      load_tile<double, TB == 1, BN, BK, LB, NT>(Bs[s ^ 1], B, ldb, col0, (kt + 1) * BK, N, K);
      ntk_cp_commit();
      ntk_cp_wait<1>();
    } else {
      ntk_cp_wait<0>();
    }
    __syncthreads();
#pragma unroll
    for (int kk = 0; kk < BK; kk += 4) {
      double a[MT], b[NTL];
#pragma unroll
      for (int i = 0; i < MT; ++i) a[i] = As[s][(kk + t) * LA + wm * WM + i * 8 + g];
#pragma unroll
      for (int j = 0; j < NTL; ++j) b[j] = Bs[s][(kk + t) * LB + wn * WN + j * 8 + g];
#pragma unroll
      for (int i = 0; i < MT; ++i)
#pragma unroll
        for (int j = 0; j < NTL; ++j) ntk_dmma884(acc[i][j][0], acc[i][j][1], a[i], b[j]);
    }
    __syncthreads();
  }
#pragma unroll
  for (int i = 0; i < MT; ++i)
#pragma unroll
    for (int j = 0; j < NTL; ++j)
#pragma unroll
      for (int h = 0; h < 2; ++h)
        store_c<double>(C, ldc, row0 + wm * WM + i * 8 + g, col0 + wn * WN + j * 8 + 2 * t + h, M, N, alpha, beta,
                        acc[i][j][h]);
}

}  // namespace ntk
