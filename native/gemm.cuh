// Tiled GEMM templates (column-major): C = alpha * op(A) * op(B) + beta * C, with op(A) m x k
// and op(B) k x n. TA/TB = 0 (N) or 1 (T):
//   op(A)(i,p) = TA ? A[p + i*lda] : A[i + p*lda];  op(B)(p,j) = TB ? B[j + p*ldb] : B[p + j*ldb].
// beta == 0 never reads C. lower != 0 skips tiles lying wholly above the diagonal (SYRK-style
// updates of a symmetric matrix whose upper triangle is ignored; diagonal tiles are full).
//
// Engines:
//  * gemm_simt: each thread owns a TM x TN register tile (FFMA / DFMA), double-buffered cp.async;
//  * gemm_dmma: fp64 tensor cores (mma.sync m8n8k4), each warp owns a WM x WN tile, likewise;
//  * gemm_tc:   the float64 engine for large problems (trailing Cholesky updates, the Gram, the
//               blocked solves): 128x128x16 tiles, 4-stage cp.async pipeline, m16n8k8 DMMA on
//               sm_90, conflict-free 128-bit fragment loads. See the notes above gemm_tc.
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

// ---------------------------------------------------------------------------------------------
// gemm_tc: float64 C = alpha op(A) op(B) + beta C on the tensor cores, for large problems.
//
// Why this shape. The Cholesky trailing update is a rank-512 (or 256) GEMM whose C is read and
// written once per panel, and the operands stream from L2: 128x128 block tiles halve the operand
// traffic per flop of 64x64 tiles, and the K loop is deep enough that the C epilogue is a small
// share. 8 warps (2 x 4) of 64x32 each hold 64 accumulators; one block per SM (registers), so the
// 4-stage cp.async pipeline (128 KB of dynamic shared memory) is what hides memory latency.
// BN = 64 gives the other trade-off (4 warps, 3 stages, 72 KB, two blocks per SM, so that one
// block's barriers and epilogue overlap the other's MMAs, at 1.5x the operand traffic per flop);
// the host times both once per device and keeps the faster (org.ntk4j.gpu.GemmTuner).
// On sm_90 each warp step is a 16x8x8 DMMA (Hopper's larger fp64 shape; the 8x8x4 shape of sm_80
// is issued four times as often for the same work); NATIVE = false issues four m8n8k4 instead.
//
// Fragments come from shared memory in 128-bit loads (LDS.128) without bank conflicts:
//  * Rows are relabelled: warp row 8g + 2i + v holds MMA row g + 8v of m-tile i, so lane g's 8
//    rows are contiguous; columns likewise: warp column 4g + j holds MMA column g of n-tile j.
//    Relabelling rows/columns only renames which lane computes which entry of C.
//  * k is relabelled inside each 16-deep slab: step s, register half h (MMA k = t + 4h) reads
//    slab k = 4t + 2s + h, the same for A and B (a sum over k does not care about its order), so
//    a lane's two k values of a step are adjacent (one 128-bit load for k-contiguous operands).
//  * Tiles are stored as 16-byte chunks XOR-swizzled per row so that the 8 lanes of each quarter
//    warp (one 128-bit shared access phase) hit 8 different 16-byte bank groups; the emulator
//    test checks this for every fragment load.
// Operands are "M-major" (contiguous along the rows of op(X): A with TA = 0, B with TB = 1) or
// "K-major" (contiguous along k: A with TA = 1, B with TB = 0); a stage holds a 128 x 16 tile of
// op(A) and a BN x 16 tile of op(B). VEC: 16-byte copies (needs 16-byte aligned A, B, C and even lda, ldb, ldc,
// which the host checks); else 8-byte copies. Blocks are ordered in groups of 8 block rows so that
// the blocks resident at once share operand panels in L2. lower: tiles wholly above the diagonal
// are skipped (SYRK-style).
namespace tc {
constexpr int BM = 128, BK = 16, GROUP = 8;
// Threads, pipeline depth and dynamic shared memory of the BN = 128 and BN = 64 variants.
__host__ __device__ constexpr int threads(int bn) { return 2 * (bn / 32) * 32; }
__host__ __device__ constexpr int stages(int bn) { return bn == 128 ? 4 : 3; }
__host__ __device__ constexpr int smem_bytes(int bn) { return stages(bn) * (BM + bn) * BK * 8; }
constexpr int SMEM_BYTES = smem_bytes(128);  // 128 KB (BN = 64: 72 KB)
constexpr int TILE = 128 * BK;               // doubles of a 128-row operand tile

__device__ __forceinline__ int imin(int a, int b) { return a < b ? a : b; }
__device__ __forceinline__ int imax(int a, int b) { return a > b ? a : b; }
// Chunk swizzles: M-major tiles keyed by the slab row k (A side: lanes own 4 chunks; B side: 2),
// K-major tiles keyed by the tile row r.
__device__ __forceinline__ int swz_m(bool aSide, int k) {
  const int q = (k >> 2) & 3;
  return aSide ? q : ((q & 1) | ((q & 2) << 1));
}
__device__ __forceinline__ int swz_k(int r) { return ((r >> 2) ^ (r >> 3)) & 1; }
// Offset (doubles) of element (r, k) of a stage tile of ROWS rows (64 or 128), r = tile row,
// k = slab k (0..15). M-major rows of k are ROWS doubles apart (a multiple of 128 bytes).
__device__ __forceinline__ int off_m(bool aSide, int r, int k, int rows = 128) {
  return k * rows + 2 * ((r >> 1) ^ swz_m(aSide, k)) + (r & 1);
}
__device__ __forceinline__ int off_k(int r, int k) { return r * BK + 2 * ((k >> 1) ^ swz_k(r)) + (k & 1); }

// One operand's slab [k0, k0+16) of tile rows [row0, row0+ROWS) into stage tile S (zeros outside
// R x K). Each of the NT threads copies chunks of 2 elements, consecutive threads along the
// contiguous dimension (coalesced).
template <bool MMAJOR, bool ASIDE, bool VEC, int ROWS, int NT>
__device__ __forceinline__ void load(double* S, const double* X, ll ld, int row0, int k0, int R, int K) {
#pragma unroll
  for (int e0 = 0; e0 < ROWS * BK / 2; e0 += NT) {
    const int e = e0 + (int)threadIdx.x;
    const int r = MMAJOR ? 2 * (e % (ROWS / 2)) : e / 8, k = MMAJOR ? e / (ROWS / 2) : 2 * (e % 8);
    const int gr = row0 + r, gk = k0 + k;
    const int nv = MMAJOR ? (gk < K ? imin(imax(R - gr, 0), 2) : 0) : (gr < R ? imin(imax(K - gk, 0), 2) : 0);
    const double* src = nv > 0 ? (MMAJOR ? X + (gr + (ll)gk * ld) : X + (gk + (ll)gr * ld)) : X;
    double* dst = S + (MMAJOR ? off_m(ASIDE, r, k, ROWS) : off_k(r, k));
    if (VEC) {
      ntk_cp_async16(dst, src, nv * 8);
    } else {
      ntk_cp_async(dst, src, nv > 0);
      ntk_cp_async(dst + 1, nv > 1 ? src + 1 : X, nv > 1);
    }
  }
}

// Lane's A values of step s: va[h][e] = op(A)(warp row 8g + e, slab k 4t + 2s + h).
template <bool MMAJOR>
__device__ __forceinline__ void frag_a(const double* S, int wrow, int g, int t, int s, double (&va)[2][8]) {
  if (MMAJOR) {
#pragma unroll
    for (int h = 0; h < 2; ++h)
#pragma unroll
      for (int c = 0; c < 4; ++c) ntk_lds2(S + off_m(true, wrow + 8 * g + 2 * c, 4 * t + 2 * s + h), va[h][2 * c], va[h][2 * c + 1]);
  } else {
#pragma unroll
    for (int e = 0; e < 8; ++e) ntk_lds2(S + off_k(wrow + 8 * g + e, 4 * t + 2 * s), va[0][e], va[1][e]);
  }
}

// Lane's B values of step s: vb[h][j] = op(B)(slab k 4t + 2s + h, warp column 4g + j).
template <bool MMAJOR, int ROWS>
__device__ __forceinline__ void frag_b(const double* S, int wcol, int g, int t, int s, double (&vb)[2][4]) {
  if (MMAJOR) {
#pragma unroll
    for (int h = 0; h < 2; ++h)
#pragma unroll
      for (int c = 0; c < 2; ++c)
        ntk_lds2(S + off_m(false, wcol + 4 * g + 2 * c, 4 * t + 2 * s + h, ROWS), vb[h][2 * c], vb[h][2 * c + 1]);
  } else {
#pragma unroll
    for (int j = 0; j < 4; ++j) ntk_lds2(S + off_k(wcol + 4 * g + j, 4 * t + 2 * s), vb[0][j], vb[1][j]);
  }
}
}  // namespace tc

template <int TA, int TB, bool VEC, bool NATIVE, int BN>
__device__ __forceinline__ void gemm_tc(int M, int N, int K, double alpha, const double* __restrict__ A, ll lda,
                                        const double* __restrict__ B, ll ldb, double beta, double* C, ll ldc, int lower) {
  using namespace tc;
  constexpr int NT = threads(BN), STAGES = stages(BN);
  NTK_DYNAMIC_SMEM(smem);
  const int tm = (M + BM - 1) / BM, tn = (N + BN - 1) / BN;
  const int per = GROUP * tn, pid = (int)blockIdx.x, grp = pid / per, first = grp * GROUP;
  const int gsz = imin(tm - first, GROUP), in = pid - grp * per;
  const int row0 = (first + in % gsz) * BM, col0 = (in / gsz) * BN;
  if (lower && col0 > row0 + BM - 1) return;  // uniform for the block
  const int warp = (int)threadIdx.x / 32, lane = (int)threadIdx.x % 32;
  const int wrow = (warp % 2) * 64, wcol = (warp / 2) * 32;
  const int g = lane >> 2, t = lane & 3;
  double acc[4][4][4];
#pragma unroll
  for (int i = 0; i < 4; ++i)
#pragma unroll
    for (int j = 0; j < 4; ++j)
#pragma unroll
      for (int c = 0; c < 4; ++c) acc[i][j][c] = 0.0;
  const int KT = (K + BK - 1) / BK;
  auto stageA = [&](int st) { return smem + st * (BM + BN) * BK; };
  auto stageB = [&](int st) { return smem + st * (BM + BN) * BK + BM * BK; };
  auto issue = [&](int kt) {
    const int st = kt % STAGES;
    load<TA == 0, true, VEC, BM, NT>(stageA(st), A, lda, row0, kt * BK, M, K);
    load<TB == 1, false, VEC, BN, NT>(stageB(st), B, ldb, col0, kt * BK, N, K);
  };
#pragma unroll
  for (int kt = 0; kt < STAGES - 1; ++kt) {
    if (kt < KT) issue(kt);
    ntk_cp_commit();  // always commit, so that the group count below is uniform
  }
  for (int kt = 0; kt < KT; ++kt) {
    ntk_cp_wait<STAGES - 2>();  // slab kt has landed (this thread's copies) ...
    __syncthreads();            // ... everyone's, and everyone is done with slab kt - 1's stage
    if (kt + STAGES - 1 < KT) issue(kt + STAGES - 1);
    ntk_cp_commit();
    const double* Sa = stageA(kt % STAGES);
    const double* Sb = stageB(kt % STAGES);
#pragma unroll
    for (int s = 0; s < 2; ++s) {
      double va[2][8], vb[2][4];
      tc::frag_a<TA == 0>(Sa, wrow, g, t, s, va);
      tc::frag_b<TB == 1, BN>(Sb, wcol, g, t, s, vb);
#pragma unroll
      for (int i = 0; i < 4; ++i) {
        const double a[4] = {va[0][2 * i], va[0][2 * i + 1], va[1][2 * i], va[1][2 * i + 1]};
#pragma unroll
        for (int j = 0; j < 4; ++j) {
          const double b[2] = {vb[0][j], vb[1][j]};
          ntk_mma16x8x8<NATIVE>(acc[i][j], a, b);
        }
      }
    }
  }
  ntk_cp_wait<0>();
  // Lane's C block: rows row0 + wrow + 8g + e (e = 2i + v), columns col0 + wcol + 8t + f
  // (f = 4w + j): acc[i][j][2v + w].
  const int rb = row0 + wrow + 8 * g, cb = col0 + wcol + 8 * t;
#pragma unroll
  for (int f = 0; f < 8; ++f) {
    const int col = cb + f, j = f & 3, w = f >> 2;
    if (col >= N) continue;
    double* cc = C + (ll)col * ldc;
#pragma unroll
    for (int i = 0; i < 4; ++i) {
      const int r = rb + 2 * i;
      const double v0 = alpha * acc[i][j][w], v1 = alpha * acc[i][j][2 + w];
      if (VEC && r + 1 < M) {  // r is even, C 16-byte aligned, ldc even
        if (beta == 0.0) {
          ntk_stg2(cc + r, v0, v1);
        } else {
          double o0, o1;
          ntk_ldg2(cc + r, o0, o1);
          ntk_stg2(cc + r, v0 + beta * o0, v1 + beta * o1);
        }
        continue;
      }
      if (r < M) cc[r] = beta == 0.0 ? v0 : v0 + beta * cc[r];
      if (r + 1 < M) cc[r + 1] = beta == 0.0 ? v1 : v1 + beta * cc[r + 1];
    }
  }
}

}  // namespace ntk
