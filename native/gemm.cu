// GEMM entry points (see gemm.cuh). Names: ntk_gemm_<dtype>_<engine><tile>_<ta><tb>.
// Launch: grid (ceil(m/BM), ceil(n/BN)), block = threads of the engine:
//   simt128: 128x128 tile, 256 threads (8x8 per thread); simt64: 64x64, 256 threads (4x4);
//   dmma128: 128x128, 256 threads (8 warps of 64x32); dmma64: 64x64, 128 threads (4 warps of 32x32).
#include "gemm.cuh"

#define NTK_GEMM_SIMT(T, DT, NAME, BM, BN, BK, TM, TN, TA, TB, TAB)                                    \
  extern "C" __global__ void __launch_bounds__((BM / TM) * (BN / TN))                                   \
      ntk_gemm_##DT##_##NAME##_##TAB(int m, int n, int k, T alpha, const T* A, ll lda, const T* B, ll ldb, \
                                      T beta, T* C, ll ldc, int lower) {                                 \
    ntk::gemm_simt<T, TA, TB, BM, BN, BK, TM, TN>(m, n, k, alpha, A, lda, B, ldb, beta, C, ldc, lower);  \
  }

#define NTK_GEMM_DMMA(NAME, BM, BN, BK, WM, WN, TA, TB, TAB)                                                \
  extern "C" __global__ void __launch_bounds__(32 * (BM / WM) * (BN / WN))                                 \
      ntk_gemm_f64_##NAME##_##TAB(int m, int n, int k, double alpha, const double* A, ll lda, const double* B, \
                                   ll ldb, double beta, double* C, ll ldc, int lower) {                     \
    ntk::gemm_dmma<TA, TB, BM, BN, BK, WM, WN>(m, n, k, alpha, A, lda, B, ldb, beta, C, ldc, lower);        \
  }

#define NTK_GEMM_ALL_TRANS(MACRO, ...) \
  MACRO(__VA_ARGS__, 0, 0, nn)         \
  MACRO(__VA_ARGS__, 0, 1, nt)         \
  MACRO(__VA_ARGS__, 1, 0, tn)

NTK_GEMM_ALL_TRANS(NTK_GEMM_SIMT, double, f64, simt128, 128, 128, 8, 8, 8)
NTK_GEMM_ALL_TRANS(NTK_GEMM_SIMT, double, f64, simt64, 64, 64, 8, 4, 4)
NTK_GEMM_ALL_TRANS(NTK_GEMM_SIMT, float, f32, simt128, 128, 128, 8, 8, 8)
NTK_GEMM_ALL_TRANS(NTK_GEMM_SIMT, float, f32, simt64, 64, 64, 8, 4, 4)
NTK_GEMM_ALL_TRANS(NTK_GEMM_DMMA, dmma128, 128, 128, 8, 64, 32)
NTK_GEMM_ALL_TRANS(NTK_GEMM_DMMA, dmma64, 64, 64, 16, 32, 32)
