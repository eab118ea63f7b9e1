// Host-emulated checks of native/ kernels against naive CPU references (no GPU needed).
// Build and run: native/emu/run-tests.sh. Prints "N passed, M failed" last; exit 1 on failure.
// Also writes activation samples for check_activations.py (compares with ntref.py).
#include <algorithm>
#include <cstring>
#include <random>
#include <string>
#include <type_traits>
#include <cstdint>

#include "../gemm.cu"
#include "../kernels.cu"
#include "../linalg.cu"

static int passed = 0, failed = 0;
static void expect(bool ok, const std::string& what, double err) {
  if (ok) ++passed; else ++failed;
  std::printf("%s %-58s err=%.3e\n", ok ? "ok  " : "FAIL", what.c_str(), err);
}

static std::mt19937_64 rng(12345);
template <typename T> static std::vector<T> randn(size_t n) {
  std::normal_distribution<double> d;
  std::vector<T> v(n);
  for (auto& x : v) x = (T)d(rng);
  return v;
}

using GemmFn64 = void (*)(int, int, int, double, const double*, ll, const double*, ll, double, double*, ll, int);
using GemmFn32 = void (*)(int, int, int, float, const float*, ll, const float*, ll, float, float*, ll, int);

// tc engines: 1-D grid, 256 threads, dynamic shared memory (see native/gemm.cu).
static void launch_tc(GemmFn64 fn, int m, int n, int k, double alpha, const double* A, ll lda, const double* B, ll ldb,
                      double beta, double* C, ll ldc, int lower, int bn = 128) {
  emu::launch_dyn(dim3(((m + 127) / 128) * ((n + bn - 1) / bn)), dim3(ntk::tc::threads(bn)), ntk::tc::smem_bytes(bn), fn, m, n,
                  k, alpha, A, lda, B, ldb, beta, C, ldc, lower);
}

// ldPad: added to each leading dimension (the tc "_v" kernels need even ones).
template <typename T, typename F>
static void check_gemm(const char* name, F fn, int BM, int BN, int threads, int ta, int tb, int m, int n, int k,
                       T alpha, T beta, int lower, double tol, int ldPad = -1) {
  ll lda = (ta ? k : m) + (ldPad < 0 ? 3 : ldPad), ldb = (tb ? n : k) + (ldPad < 0 ? 2 : ldPad), ldc = m + (ldPad < 0 ? 5 : ldPad);
  if (ldPad == 0) { lda += lda & 1; ldb += ldb & 1; ldc += ldc & 1; }
  auto A = randn<T>(lda * (ta ? m : k));
  auto B = randn<T>(ldb * (tb ? k : n));
  auto C = randn<T>(ldc * n);
  auto C0 = C;
  if constexpr (std::is_same_v<T, double>) {
    if (threads == 0) launch_tc(fn, m, n, k, alpha, A.data(), lda, B.data(), ldb, beta, C.data(), ldc, lower, BN);
  }
  if (threads > 0)
    emu::launch(dim3((m + BM - 1) / BM, (n + BN - 1) / BN), dim3(threads), fn, m, n, k, alpha, (const T*)A.data(), lda,
                (const T*)B.data(), ldb, beta, C.data(), ldc, lower);
  double err = 0, ref = 0;
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < m; ++i) {
      bool skipTile = lower && (j / BN) * BN > (i / BM) * BM + BM - 1;
      double s = 0;
      for (int p = 0; p < k; ++p) {
        double a = ta ? A[p + i * lda] : A[i + p * lda];
        double b = tb ? B[j + p * ldb] : B[p + j * ldb];
        s += a * b;
      }
      double want = skipTile ? (double)C0[i + j * ldc] : alpha * s + (beta == T(0) ? 0.0 : beta * (double)C0[i + j * ldc]);
      err = std::max(err, std::fabs(want - (double)C[i + j * ldc]));
      ref = std::max(ref, std::fabs(want));
    }
  char buf[200];
  std::snprintf(buf, sizeof buf, "gemm %s ta=%d tb=%d m=%d n=%d k=%d beta=%g lower=%d ld%s", name, ta, tb, m, n, k,
                (double)beta, lower, (lda & 1) ? "odd" : "even");
  expect(err / ref <= tol, buf, err / ref);
}

// ---- blocked Cholesky and solves, orchestrated exactly like org.ntk4j.gpu.GpuCholesky ----
// GEMM dispatch as GpuBlas does it, scaled down: tc8 when both sides have a full 128 tile, else
// dmma64 (so both engines and their lower-tile skipping take part).
static GemmFn64 dmma64(int ta, int tb) {
  if (!ta && !tb) return ntk_gemm_f64_dmma64_nn;
  if (!ta && tb) return ntk_gemm_f64_dmma64_nt;
  return ntk_gemm_f64_dmma64_tn;
}
static GemmFn64 tc8(int ta, int tb, bool vec) {
  if (!ta && !tb) return vec ? ntk_gemm_f64_tc8_nn_v : ntk_gemm_f64_tc8_nn_s;
  if (!ta && tb) return vec ? ntk_gemm_f64_tc8_nt_v : ntk_gemm_f64_tc8_nt_s;
  return vec ? ntk_gemm_f64_tc8_tn_v : ntk_gemm_f64_tc8_tn_s;
}
static void gemm(int ta, int tb, int m, int n, int k, double alpha, const double* A, ll lda, const double* B, ll ldb,
                 double beta, double* C, ll ldc, int lower) {
  if (m <= 0 || n <= 0) return;
  if (m >= 128 && n >= 128) {
    auto al = [](const void* p, ll ld) { return (reinterpret_cast<uintptr_t>(p) % 16 == 0) && ld % 2 == 0; };
    bool vec = al(A, lda) && al(B, ldb) && al(C, ldc);
    launch_tc(tc8(ta, tb, vec), m, n, k, alpha, A, lda, B, ldb, beta, C, ldc, lower);
    return;
  }
  emu::launch(dim3((m + 63) / 64, (n + 63) / 64), dim3(128), dmma64(ta, tb), m, n, k, alpha, A, lda, B, ldb, beta, C,
              ldc, lower);
}
constexpr int LEAF = 64;
static int half(int w) { return ((w / 2 + LEAF - 1) / LEAF) * LEAF; }
static void panel(double* A, ll lda, int n, int c0, int w, int* info) {
  if (w <= LEAF) {
    int m = n - c0 - w;
    emu::launch(dim3(std::max(1, (m + 255) / 256)), dim3(256), ntk_potrf_leaf_f64, A + c0 + (ll)c0 * lda, lda, w, m, info, c0);
    return;
  }
  int h = half(w), rows = n - c0 - h;
  panel(A, lda, n, c0, h, info);
  gemm(0, 1, rows, w - h, h, -1.0, A + (c0 + h) + (ll)c0 * lda, lda, A + (c0 + h) + (ll)c0 * lda, lda, 1.0,
       A + (c0 + h) + (ll)(c0 + h) * lda, lda, 1);
  panel(A, lda, n, c0 + h, w - h, info);
}
static int potrf(double* A, ll lda, int n, int NB) {
  int info = 0;
  for (int K = 0; K < n; K += NB) {
    int kb = std::min(NB, n - K);
    panel(A, lda, n, K, kb, &info);
    int r = K + kb, m = n - r;
    if (m > 0) gemm(0, 1, m, m, kb, -1.0, A + r + (ll)K * lda, lda, A + r + (ll)K * lda, lda, 1.0, A + r + (ll)r * lda, lda, 1);
  }
  return info;
}
static void lower_block(const double* L, ll ldl, double* B, ll ldb, int nc, int c0, int w) {
  if (w <= LEAF) {
    emu::launch(dim3((nc + 63) / 64), dim3(64), ntk_trsm_llnn_f64, L + c0 + (ll)c0 * ldl, ldl, B + c0, ldb, w, nc);
    return;
  }
  int h = half(w);
  lower_block(L, ldl, B, ldb, nc, c0, h);
  gemm(0, 0, w - h, nc, h, -1.0, L + (c0 + h) + (ll)c0 * ldl, ldl, B + c0, ldb, 1.0, B + c0 + h, ldb, 0);
  lower_block(L, ldl, B, ldb, nc, c0 + h, w - h);
}
static void upper_block(const double* L, ll ldl, double* B, ll ldb, int nc, int c0, int w) {
  if (w <= LEAF) {
    emu::launch(dim3((nc + 63) / 64), dim3(64), ntk_trsm_lltn_f64, L + c0 + (ll)c0 * ldl, ldl, B + c0, ldb, w, nc);
    return;
  }
  int h = half(w);
  upper_block(L, ldl, B, ldb, nc, c0 + h, w - h);
  gemm(1, 0, h, nc, w - h, -1.0, L + (c0 + h) + (ll)c0 * ldl, ldl, B + c0 + h, ldb, 1.0, B + c0, ldb, 0);
  upper_block(L, ldl, B, ldb, nc, c0, h);
}
// Many right-hand sides: blocked (recursive halving inside panels, a GEMM for the rows below).
static void trsm_fwd(const double* L, ll ldl, int n, double* B, ll ldb, int nc, int NB) {
  for (int K = 0; K < n; K += NB) {
    int kb = std::min(NB, n - K);
    lower_block(L, ldl, B, ldb, nc, K, kb);
    int r = K + kb;
    if (r < n) gemm(0, 0, n - r, nc, kb, -1.0, L + r + (ll)K * ldl, ldl, B + K, ldb, 1.0, B + r, ldb, 0);
  }
}
static void trsm_bwd(const double* L, ll ldl, int n, double* B, ll ldb, int nc, int NB) {
  for (int K = ((n - 1) / NB) * NB; K >= 0; K -= NB) {
    int kb = std::min(NB, n - K);
    upper_block(L, ldl, B, ldb, nc, K, kb);
    if (K > 0) gemm(1, 0, K, nc, kb, -1.0, L + K, ldl, B + K, ldb, 1.0, B, ldb, 0);
  }
}
// Few right-hand sides: the sync-free solves, in groups of TRSV_NC columns.
static void trsv(bool transposed, const double* L, ll ldl, int n, double* B, ll ldb, int nc) {
  int blocks = (n + 63) / 64;
  std::vector<int> ctl(1 + blocks);
  for (int c0 = 0; c0 < nc; c0 += ntk::TRSV_NC) {
    int cc = std::min(ntk::TRSV_NC, nc - c0);
    std::fill(ctl.begin(), ctl.end(), 0);
    emu::launch(dim3(blocks), dim3(256), transposed ? ntk_trsv_lt_f64 : ntk_trsv_ln_f64, L, ldl, n, B + (ll)c0 * ldb, ldb, cc,
                ctl.data());
  }
}

static void check_cholesky(int n, int NB) {
  int d = n + 7;
  auto X = randn<double>((size_t)n * d);
  ll lda = n + (NB == 256 ? 4 : 3);  // even: 16-byte GEMM copies; odd: 8-byte
  std::vector<double> A(lda * n, std::nan("")), A0(n * n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      double s = 0;
      for (int p = 0; p < d; ++p) s += X[i + p * n] * X[j + p * n];
      s /= d;
      if (i == j) s += 0.1;
      A0[i + j * n] = s;
      if (i >= j) A[i + j * lda] = s;  // upper triangle stays NaN: it must never be read
    }
  int info = potrf(A.data(), lda, n, NB);
  double err = 0, ref = 0;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j <= i; ++j) {
      double s = 0;
      for (int p = 0; p <= j; ++p) s += A[i + p * lda] * A[j + p * lda];
      err = std::max(err, std::fabs(s - A0[i + j * n]));
      ref = std::max(ref, std::fabs(A0[i + j * n]));
    }
  char buf[160];
  std::snprintf(buf, sizeof buf, "cholesky n=%d NB=%d (L L^T = A, info=%d)", n, NB, info);
  expect(info == 0 && err / ref < 1e-13, buf, err / ref);
  // solves: many right-hand sides (blocked) and few (sync-free), forward and transposed
  for (int nr : {150, 1, 3, 6}) {
    ll ldb = n + 1;
    auto B = randn<double>(ldb * nr);
    auto Bf = B, Bb = B;
    if (nr > 16) {
      trsm_fwd(A.data(), lda, n, Bf.data(), ldb, nr, NB);
      trsm_bwd(A.data(), lda, n, Bb.data(), ldb, nr, NB);
    } else {
      trsv(false, A.data(), lda, n, Bf.data(), ldb, nr);
      trsv(true, A.data(), lda, n, Bb.data(), ldb, nr);
    }
    double ef = 0, eb = 0, rf = 0;
    for (int c = 0; c < nr; ++c)
      for (int i = 0; i < n; ++i) {
        double sf = 0, sb = 0;
        for (int p = 0; p <= i; ++p) sf += A[i + p * lda] * Bf[p + c * ldb];   // L x
        for (int p = i; p < n; ++p) sb += A[p + i * lda] * Bb[p + c * ldb];    // L^T x
        ef = std::max(ef, std::fabs(sf - B[i + c * ldb]));
        eb = std::max(eb, std::fabs(sb - B[i + c * ldb]));
        rf = std::max(rf, std::fabs(B[i + c * ldb]));
      }
    const char* how = nr > 16 ? "blocked" : "sync-free";
    std::snprintf(buf, sizeof buf, "%s L X = B   n=%d nrhs=%d", how, n, nr);
    expect(ef / rf < 1e-12, buf, ef / rf);
    std::snprintf(buf, sizeof buf, "%s L^T X = B n=%d nrhs=%d", how, n, nr);
    expect(eb / rf < 1e-12, buf, eb / rf);
  }
  // a non-positive-definite matrix reports its first bad column
  std::vector<double> Z(lda * n, 0.0);
  for (int i = 0; i < n; ++i) Z[i + i * lda] = i == 70 ? -1.0 : 2.0;
  int zinfo = potrf(Z.data(), lda, n, NB);
  std::snprintf(buf, sizeof buf, "cholesky reports non-PD column (info=%d, want 71)", zinfo);
  expect(zinfo == 71, buf, 0);
}

// Every 128-bit fragment load of gemm_tc must be free of shared-memory bank conflicts: in each
// quarter warp (8 lanes = one access phase) the 8 16-byte chunks must lie in 8 different
// 16-byte bank groups (chunk index mod 8; tile rows are 128-byte aligned).
static void check_tc_banks() {
  using namespace ntk::tc;
  int worst = 0;
  auto phase_ok = [&](const int (&off)[32]) {
    for (int q = 0; q < 4; ++q) {
      int seen[8] = {0};
      for (int l = 8 * q; l < 8 * q + 8; ++l) {
        if (off[l] % 2) return false;  // 16-byte aligned
        ++seen[(off[l] / 2) % 8];
      }
      for (int v : seen) worst = std::max(worst, v);
    }
    return true;
  };
  bool ok = true;
  for (int w = 0; w < 8; ++w) {
    int wrow = (w % 2) * 64, wcol = (w / 2) * 32;
    for (int s = 0; s < 2; ++s) {
      int off[32];
      for (int h = 0; h < 2; ++h)  // A M-major: 4 loads of 2 rows per h
        for (int c = 0; c < 4; ++c) {
          for (int l = 0; l < 32; ++l) off[l] = off_m(true, wrow + 8 * (l >> 2) + 2 * c, 4 * (l & 3) + 2 * s + h);
          ok &= phase_ok(off);
        }
      for (int e = 0; e < 8; ++e) {  // A K-major
        for (int l = 0; l < 32; ++l) off[l] = off_k(wrow + 8 * (l >> 2) + e, 4 * (l & 3) + 2 * s);
        ok &= phase_ok(off);
      }
      for (int rows : {128, 64})  // B M-major (128- or 64-column tiles)
        for (int h = 0; h < 2; ++h)
          for (int c = 0; c < 2; ++c) {
            if (wcol >= rows) continue;
            for (int l = 0; l < 32; ++l) off[l] = off_m(false, wcol + 4 * (l >> 2) + 2 * c, 4 * (l & 3) + 2 * s + h, rows);
            ok &= phase_ok(off);
          }
      for (int j = 0; j < 4; ++j) {  // B K-major
        for (int l = 0; l < 32; ++l) off[l] = off_k(wcol + 4 * (l >> 2) + j, 4 * (l & 3) + 2 * s);
        ok &= phase_ok(off);
      }
    }
  }
  // the swizzles are permutations: every element of a stage tile has its own slot
  std::vector<int> hitsM(TILE, 0), hitsA(TILE, 0), hitsK(TILE, 0), hits64(TILE / 2, 0);
  for (int r = 0; r < 128; ++r)
    for (int k = 0; k < BK; ++k) {
      ++hitsA[off_m(true, r, k)]; ++hitsM[off_m(false, r, k)]; ++hitsK[off_k(r, k)];
      if (r < 64) ++hits64[off_m(false, r, k, 64)];
    }
  for (int i = 0; i < TILE; ++i) ok &= hitsA[i] == 1 && hitsM[i] == 1 && hitsK[i] == 1 && (i >= TILE / 2 || hits64[i] == 1);
  expect(ok && worst == 1, "gemm_tc fragment loads: no bank conflicts, swizzles are permutations", worst - 1);
}

static void check_utils() {
  int n = 77;
  ll lda = 80;
  auto A = randn<double>(lda * n);
  auto S = A;
  emu::launch(dim3(3, 3), dim3(32, 8), ntk_symmetrize_lower_f64, S.data(), lda, n);
  double err = 0;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      double want = i >= j ? A[i + j * lda] : A[j + i * lda];
      err = std::max(err, std::fabs(S[i + j * lda] - want));
    }
  expect(err == 0, "symmetrize_lower n=77", err);
  int r = 45, c = 70;
  std::vector<double> T(c * 50, 0.0);
  emu::launch(dim3(2, 3), dim3(32, 8), ntk_transpose_f64, (const double*)A.data(), lda, T.data(), (ll)50 * 0 + c, r, c);
  err = 0;
  for (int i = 0; i < r; ++i)
    for (int j = 0; j < c; ++j) err = std::max(err, std::fabs(T[j + i * c] - A[i + j * lda]));
  expect(err == 0, "transpose 45x70", err);
  // the diagonal gather of gpu.GpuTrainKernel.diagonal: the 1 x n view with leading dimension n + 1
  // (entry j is A(j, j)) transposed into a vector, with its launch geometry
  {
    int m = 70;
    auto K = randn<double>((ll)m * m);
    std::vector<double> d(m, -1.0);
    emu::launch(dim3(1, (m + 31) / 32), dim3(32, 8), ntk_transpose_f64, (const double*)K.data(), (ll)m + 1, d.data(), (ll)m, 1, m);
    double derr = 0;
    for (int i = 0; i < m; ++i) derr = std::max(derr, std::fabs(d[i] - K[i + (ll)i * m]));
    expect(derr == 0, "diagonal gather (transpose of a 1 x n strided view) n=70", derr);
  }
  double ds = -1;
  emu::launch(dim3(1), dim3(256), ntk_diag_sum_f64, (const double*)A.data(), lda, n, &ds);
  double want = 0;
  for (int i = 0; i < n; ++i) want += A[i + i * lda];
  expect(std::fabs(ds - want) < 1e-12, "diag_sum", std::fabs(ds - want));
  std::vector<double> prior(c), out(c);
  for (auto& p : prior) p = 100;
  emu::launch(dim3(c), dim3(256), ntk_col_sumsq_sub_f64, (const double*)A.data(), lda, n, c, (const double*)prior.data(),
              out.data());
  err = 0;
  for (int j = 0; j < c; ++j) {
    double s = 0;
    for (int i = 0; i < n; ++i) s += A[i + j * lda] * A[i + j * lda];
    err = std::max(err, std::fabs(out[j] - (100 - s)));
  }
  expect(err < 1e-12, "col_sumsq_sub", err);
}

// ---- recursion: samples for check_activations.py, and structural checks ----
struct Act { const char* name; int id; std::vector<double> P; };
static std::vector<Act> activations() {
  const double PI = 3.14159265358979323846;
  auto abrelu = [&](double a, double b) { return std::vector<double>{(a - b) * (a - b) / (2 * PI), (a * a + b * b) / 2}; };
  std::vector<Act> v = {
      {"Relu", 1, abrelu(0, 1)}, {"LeakyRelu(0.1)", 1, abrelu(0.1, 1)}, {"ABRelu(-0.3,0.7)", 1, abrelu(-0.3, 0.7)},
      {"Abs", 1, abrelu(-1, 1)}, {"Erf(1.3,0.7,0.2)", 2, {1.69, 0.49, 0.04}},
      {"Sigmoid_like", 2, {0.25, 1 / (2.4020563531719796 * 2.4020563531719796), 0.25}}, {"Gelu", 3, {}},
      {"Sin(1.1,0.9,0.3)", 4, {1.21 / 2, 0.81, std::cos(0.6)}}, {"Cos(1.1,0.9,0.3)", 4, {1.21 / 2, 0.81, std::cos(2 * (0.3 + PI / 2))}},
      {"Rbf(0.7)", 5, {0.7}}, {"Exp(0.8,0.5)", 6, {0.64, 0.25}}, {"Gaussian(1.2,-0.6)", 7, {1.44, -0.6}},
      {"Sign", 8, {}}, {"Gabor", 12, {}}};
  for (int n = 0; n <= 5; ++n) v.push_back({strdup(("Monomial(" + std::to_string(n) + ")").c_str()), 9, {(double)n}});
  for (int n = 0; n <= 3; ++n) v.push_back({strdup(("RectifiedMonomial(" + std::to_string(n) + ")").c_str()), 10, {(double)n}});
  // Polynomial([0.5, -1.0, 0.25, 0.3]): g_{l,i} = coef[2i+l] (2i+l)! / (2^i i! sqrt(l!))
  std::vector<double> coef = {0.5, -1.0, 0.25, 0.3};
  int D = coef.size();
  std::vector<double> P = {(double)D};
  auto fact = [](int k) { double f = 1; for (int i = 2; i <= k; ++i) f *= i; return f; };
  for (int l = 0; l < D; ++l)
    for (int i = 0; 2 * i + l < D; ++i) P.push_back(coef[2 * i + l] * fact(2 * i + l) / (std::pow(2.0, i) * fact(i) * std::sqrt(fact(l))));
  v.push_back({"Polynomial([0.5,-1.0,0.25,0.3])", 11, P});
  return v;
}

static void dump_activation_samples(const char* path) {
  FILE* f = std::fopen(path, "w");
  std::mt19937_64 rng(777);  // own stream: the same samples whatever ran before
  std::uniform_real_distribution<double> u(0.05, 2.0), r(-0.95, 0.95);
  for (auto& a : activations()) {
    // one layer: ops = {w2=1, b2=0, alpha=0, beta=1, id, poff=0} so the NTK output is Tdot itself;
    // input dot products = c (d = 1).
    int npts = 40;
    std::vector<double> q1(npts), q2(npts), cin(npts);
    for (int i = 0; i < npts; ++i) {
      q1[i] = u(rng); q2[i] = u(rng);
      double scale = a.id == 7 ? 0.3 : 1.0;  // Gaussian needs 1 - 4 b q > 0
      q1[i] *= scale; q2[i] *= scale;
      cin[i] = r(rng) * std::sqrt(q1[i] * q2[i]);
    }
    if (a.id != 7) { q1[0] = 0; cin[0] = 0; }  // a zero-variance row
    cin[1] = std::sqrt(q1[1] * q2[1]);           // |rho| = 1
    // rows = cols = npts but only the diagonal pairs (i, i) are used: run with symmetric = 0 and
    // q arrays indexed by row/column; in[i + i*ld] = cin[i].
    std::vector<double> in(npts * npts, 0.0), K(npts * npts), T(npts * npts);
    for (int i = 0; i < npts; ++i) in[i + i * npts] = cin[i];
    std::vector<double> ops = {1, 0, 0, 1, (double)a.id, 0, 0, 0};  // NTK before = 1: out = Tdot
    int bad = 0;
    emu::launch(dim3(1, (npts + 7) / 8), dim3(128), ntk_recursion_f64, npts, npts, (const double*)in.data(), (ll)npts,
                K.data(), T.data(), (ll)npts, 0, 0, (const double*)ops.data(), (const double*)a.P.data(), 1,
                (const double*)q1.data(), (ll)npts, (const double*)q2.data(), (ll)npts, 1.0, 0, 0, &bad);
    for (int i = 0; i < npts; ++i)
      std::fprintf(f, "%s %.17g %.17g %.17g %.17g %.17g\n", a.name, cin[i], q1[i], q2[i], K[i + i * npts], T[i + i * npts]);
  }
  std::fclose(f);
  std::printf("wrote %s\n", path);
}

// The arc-cosine family is homogeneous: T(s c, s q1, s q2) = s T(c, q1, q2) for ABRelu and
// RectifiedMonomial(1) (Tdot, Sign and RectifiedMonomial(0) scale-free), also where q1 q2 leaves
// T's normal range (the rescaled root). s = 2^k: the scaled arguments are exact.
template <typename T>
static void check_homogeneous_duals(const char* type, std::initializer_list<int> exps, double tol) {
  std::mt19937_64 rng(99);
  std::uniform_real_distribution<double> u(0.05, 2.0), r(-0.99, 0.99);
  for (auto& a : activations()) {
    bool degree1 = a.id == 1 || (a.id == 10 && a.P[0] == 1), degree0 = a.id == 8 || (a.id == 10 && a.P[0] == 0);
    if (!degree1 && !degree0) continue;
    std::vector<T> P(a.P.begin(), a.P.end());
    double err = 0;
    for (int k : exps)
      for (int i = 0; i < 50; ++i) {
        T q1 = (T)u(rng), q2 = (T)(i % 5 == 0 ? q1 : u(rng));
        T c = i % 5 == 0 ? q1 : (T)(r(rng) * std::sqrt((double)q1 * q2));  // i % 5 == 0: a point with itself
        T n0, d0, n1, d1;
        ntk::dual<T>(a.id, P.data(), c, q1, q2, n0, d0);
        ntk::dual<T>(a.id, P.data(), std::ldexp(c, k), std::ldexp(q1, k), std::ldexp(q2, k), n1, d1);
        double want = degree1 ? std::ldexp((double)n0, k) : (double)n0;
        err = std::max(err, std::fabs(n1 - want) / std::max(std::fabs(want), 1e-300));
        err = std::max(err, std::fabs((double)d1 - d0) / std::max(std::fabs((double)d0), 1e-300));
      }
    char buf[120];
    std::snprintf(buf, sizeof buf, "homogeneous %s %s at 2^+-k, k up to %d", a.name, type, *std::max_element(exps.begin(), exps.end()));
    expect(err <= tol, buf, err);
  }
}

// Multi-layer recursion vs the same per-entry math evaluated on the host (structure: op
// order, q indexing, pinning, lowerOnly, tile offsets, aliasing in == outT).
static void check_recursion_structure() {
  int n1 = 150, n2 = 130, L = 3;
  auto acts = activations();
  auto X = randn<double>(n1 * n2);
  std::vector<double> in(n1 * n2);
  for (auto& v : X) v = std::fabs(v) * 0.1;
  std::vector<double> q1((size_t)L * n1), q2((size_t)L * n2);
  std::uniform_real_distribution<double> u(0.5, 1.5);
  for (auto& v : q1) v = u(rng);
  for (auto& v : q2) v = u(rng);
  for (int i = 0; i < n1 * n2; ++i) in[i] = X[i];
  // ops: Dense(w2=2.25,b2=0.01)->Erf ; Dense(1.5,0)->Relu ; Dense(0.8, 0.2) (no act); standard-like alpha for op 1
  std::vector<double> P = acts[4].P;  // Erf params at 0
  P.insert(P.end(), acts[0].P.begin(), acts[0].P.end());  // Relu params at 3
  std::vector<double> ops = {2.25, 0.01, 2.25, 0.01, 2, 0, 0, 0, 1.5, 0.0, 7.0, 1.0, 1, 3, 0, 0, 0.8, 0.2, 0.8, 0.2, 0, 0, 0, 0};
  double d = 3.0;
  std::vector<double> K(n1 * n2, -7), T = in;  // T aliases the input
  int bad = 0;
  emu::launch(dim3((n1 + 127) / 128, (n2 + 7) / 8), dim3(128), ntk_recursion_f64, n1, n2, (const double*)T.data(),
              (ll)n1, K.data(), T.data(), (ll)n1, 5, 3, (const double*)ops.data(), (const double*)P.data(), 3,
              (const double*)q1.data(), (ll)n1 + 0, (const double*)q2.data(), (ll)n2, d, 1, 1, &bad);
  // note ldq1 = n1 but row0 = 5: q indices are global (row0 + i); keep gi < n1 by construction below
  double err = 0;
  int checked = 0;
  for (int j = 0; j < n2; ++j)
    for (int i = 0; i < n1; ++i) {
      int gi = 5 + i, gj = 3 + j;
      if (gi >= n1 || gj >= n2) continue;
      if (gj > gi) {  // lowerOnly: untouched
        err = std::max(err, std::fabs(K[i + j * n1] + 7) + std::fabs(T[i + j * n1] - in[i + j * n1]));
        continue;
      }
      double c = in[i + j * n1] / d, t = 0;
      for (int o = 0; o < 3; ++o) {
        const double* op = &ops[8 * o];
        t = op[2] * c + op[3] + op[0] * t;
        c = op[0] * c + op[1];
        int id = (int)op[4];
        if (id) {
          double a = q1[o * n1 + gi], b = q2[o * n2 + gj];
          if (gi == gj) c = a;
          double nn, dd;
          ntk::dual<double>(id, &P[(int)op[5]], c, a, b, nn, dd);
          c = nn; t *= dd;
        }
      }
      err = std::max(err, std::fabs(K[i + j * n1] - c) / std::fabs(c) + std::fabs(T[i + j * n1] - t) / std::fabs(t));
      ++checked;
    }
  char buf[120];
  std::snprintf(buf, sizeof buf, "recursion 3 ops, offsets, pin, lowerOnly, aliasing (%d entries)", checked);
  expect(err < 1e-14 && bad == 0, buf, err);
}

int main(int argc, char** argv) {
  const char* dump = argc > 1 ? argv[1] : "/tmp/ntk_act_samples.txt";
  if (argc > 2 && std::strcmp(argv[2], "--samples-only") == 0) {
    dump_activation_samples(dump);
    return 0;
  }
  struct E { const char* name; GemmFn64 f[3]; int BM, BN, th; } e64[] = {
      {"f64 simt128", {ntk_gemm_f64_simt128_nn, ntk_gemm_f64_simt128_nt, ntk_gemm_f64_simt128_tn}, 128, 128, 256},
      {"f64 simt64", {ntk_gemm_f64_simt64_nn, ntk_gemm_f64_simt64_nt, ntk_gemm_f64_simt64_tn}, 64, 64, 256},
      {"f64 dmma128", {ntk_gemm_f64_dmma128_nn, ntk_gemm_f64_dmma128_nt, ntk_gemm_f64_dmma128_tn}, 128, 128, 256},
      {"f64 dmma64", {ntk_gemm_f64_dmma64_nn, ntk_gemm_f64_dmma64_nt, ntk_gemm_f64_dmma64_tn}, 64, 64, 128}};
  int tas[3] = {0, 0, 1}, tbs[3] = {0, 1, 0};
  for (auto& e : e64)
    for (int t = 0; t < 3; ++t) {
      check_gemm<double>(e.name, e.f[t], e.BM, e.BN, e.th, tas[t], tbs[t], 139, 75, 21, 0.7, 0.0, 0, 1e-14);
      check_gemm<double>(e.name, e.f[t], e.BM, e.BN, e.th, tas[t], tbs[t], 70, 133, 9, -1.0, 1.0, 1, 1e-14);
    }
  check_gemm<double>("f64 dmma64 k=0", ntk_gemm_f64_dmma64_nt, 64, 64, 128, 0, 1, 40, 30, 0, 1.0, 0.5, 0, 1e-15);
  // tc engines (threads = 0 selects the tc launch): m16n8k8 (emulated from its documented layout)
  // and m8n8k4, 16-byte copies with even leading dimensions and 8-byte copies with odd ones,
  // partial tiles, K not a multiple of 16 and deeper than the pipeline, lower-tile skipping.
  struct TC { const char* name; GemmFn64 f[3]; bool vec; int bn; bool full; } tcs[] = {
      {"f64 tc8 v", {ntk_gemm_f64_tc8_nn_v, ntk_gemm_f64_tc8_nt_v, ntk_gemm_f64_tc8_tn_v}, true, 128, true},
      {"f64 tc8 s", {ntk_gemm_f64_tc8_nn_s, ntk_gemm_f64_tc8_nt_s, ntk_gemm_f64_tc8_tn_s}, false, 128, true},
      {"f64 tc4 v", {ntk_gemm_f64_tc4_nn_v, ntk_gemm_f64_tc4_nt_v, ntk_gemm_f64_tc4_tn_v}, true, 128, false},
      {"f64 tc4 s", {ntk_gemm_f64_tc4_nn_s, ntk_gemm_f64_tc4_nt_s, ntk_gemm_f64_tc4_tn_s}, false, 128, false},
      {"f64 tc8x64 v", {ntk_gemm_f64_tc8x64_nn_v, ntk_gemm_f64_tc8x64_nt_v, ntk_gemm_f64_tc8x64_tn_v}, true, 64, true},
      {"f64 tc8x64 s", {ntk_gemm_f64_tc8x64_nn_s, ntk_gemm_f64_tc8x64_nt_s, ntk_gemm_f64_tc8x64_tn_s}, false, 64, false},
      {"f64 tc4x64 v", {ntk_gemm_f64_tc4x64_nn_v, ntk_gemm_f64_tc4x64_nt_v, ntk_gemm_f64_tc4x64_tn_v}, true, 64, false}};
  for (auto& e : tcs)
    for (int t = 0; t < 3; ++t) {
      check_gemm<double>(e.name, e.f[t], 128, e.bn, 0, tas[t], tbs[t], 139, 75, 101, 0.7, 0.0, 0, 1e-14, e.vec ? 0 : 1);
      if (e.full)
        check_gemm<double>(e.name, e.f[t], 128, e.bn, 0, tas[t], tbs[t], 260, 133, 21, -1.0, 1.0, 1, 1e-14, e.vec ? 0 : 1);
    }
  // more block rows than one ordering group (8), the last group partial
  check_gemm<double>("f64 tc8 v groups", ntk_gemm_f64_tc8_nt_v, 128, 128, 0, 0, 1, 1157, 130, 20, 1.0, 0.0, 0, 1e-14, 0);
  check_gemm<double>("f64 tc8 v k=0", ntk_gemm_f64_tc8_nt_v, 128, 128, 0, 0, 1, 40, 30, 0, 1.0, 0.5, 0, 1e-15, 0);
  check_tc_banks();
  struct F { const char* name; GemmFn32 f[3]; int BM, BN, th; } e32[] = {
      {"f32 simt128", {ntk_gemm_f32_simt128_nn, ntk_gemm_f32_simt128_nt, ntk_gemm_f32_simt128_tn}, 128, 128, 256},
      {"f32 simt64", {ntk_gemm_f32_simt64_nn, ntk_gemm_f32_simt64_nt, ntk_gemm_f32_simt64_tn}, 64, 64, 256}};
  for (auto& e : e32)
    for (int t = 0; t < 3; ++t)
      check_gemm<float>(e.name, e.f[t], e.BM, e.BN, e.th, tas[t], tbs[t], 131, 66, 19, 1.0f, 0.5f, 0, 1e-5);
  check_cholesky(300, 256);  // one full panel (leaves, recursion GEMMs incl. tc), then a partial one
  check_cholesky(150, 128);
  check_utils();
  check_recursion_structure();
  check_homogeneous_duals<double>("f64", {-1000, -600, 600, 1000}, 1e-14);
  check_homogeneous_duals<float>("f32", {-100, -70, 70, 100}, 1e-5);
  dump_activation_samples(dump);
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
