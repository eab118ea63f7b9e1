// Host-emulated checks of native/ kernels against naive CPU references (no GPU needed).
// Build and run: native/emu/run-tests.sh. Prints "N passed, M failed" last; exit 1 on failure.
// Also writes activation samples for check_activations.py (compares with ntref.py).
#include <algorithm>
#include <cstring>
#include <random>
#include <string>

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

template <typename T, typename F>
static void check_gemm(const char* name, F fn, int BM, int BN, int threads, int ta, int tb, int m, int n, int k,
                       T alpha, T beta, int lower, double tol) {
  ll lda = (ta ? k : m) + 3, ldb = (tb ? n : k) + 2, ldc = m + 5;
  auto A = randn<T>(lda * (ta ? m : k));
  auto B = randn<T>(ldb * (tb ? k : n));
  auto C = randn<T>(ldc * n);
  auto C0 = C;
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
  std::snprintf(buf, sizeof buf, "gemm %s ta=%d tb=%d m=%d n=%d k=%d beta=%g lower=%d", name, ta, tb, m, n, k,
                (double)beta, lower);
  expect(err / ref <= tol, buf, err / ref);
}

// ---- blocked Cholesky and solves, orchestrated exactly like org.ntk4j.gpu.GpuCholesky ----
static GemmFn64 gemm64(int ta, int tb) {
  if (!ta && !tb) return ntk_gemm_f64_dmma64_nn;
  if (!ta && tb) return ntk_gemm_f64_dmma64_nt;
  return ntk_gemm_f64_dmma64_tn;
}
static void gemm(int ta, int tb, int m, int n, int k, double alpha, const double* A, ll lda, const double* B, ll ldb,
                 double beta, double* C, ll ldc, int lower) {
  if (m <= 0 || n <= 0) return;
  emu::launch(dim3((m + 63) / 64, (n + 63) / 64), dim3(128), gemm64(ta, tb), m, n, k, alpha, A, lda, B, ldb, beta, C,
              ldc, lower);
}
static int potrf(double* A, ll lda, int n, int NB, int nb) {
  int info = 0;
  for (int K = 0; K < n; K += NB) {
    int kb = std::min(NB, n - K);
    for (int j = 0; j < kb; j += nb) {
      int c0 = K + j, jb = std::min(nb, kb - j);
      if (j > 0) gemm(0, 1, n - c0, jb, j, -1.0, A + c0 + (ll)K * lda, lda, A + c0 + (ll)K * lda, lda, 1.0,
                      A + c0 + (ll)c0 * lda, lda, 0);
      emu::launch(dim3(1), dim3(256), ntk_potrf_diag_f64, A + c0 + (ll)c0 * lda, lda, jb, &info, c0);
      int m = n - c0 - jb;
      if (m > 0) emu::launch(dim3((m + 127) / 128), dim3(128), ntk_trsm_rlt_f64, A + (c0 + jb) + (ll)c0 * lda, lda, m,
                             (const double*)(A + c0 + (ll)c0 * lda), lda, jb);
    }
    int r = K + kb, m = n - r;
    if (m > 0) gemm(0, 1, m, m, kb, -1.0, A + r + (ll)K * lda, lda, A + r + (ll)K * lda, lda, 1.0, A + r + (ll)r * lda,
                    lda, 1);
  }
  return info;
}
static void trsm_fwd(const double* L, ll ldl, int n, double* B, ll ldb, int ncols, int NB, int nb) {
  for (int K = 0; K < n; K += NB) {
    int kb = std::min(NB, n - K);
    for (int j = 0; j < kb; j += nb) {
      int c0 = K + j, jb = std::min(nb, kb - j);
      emu::launch(dim3((ncols + 127) / 128), dim3(128), ntk_trsm_llnn_f64, L + c0 + (ll)c0 * ldl, ldl, B + c0, ldb, jb,
                  ncols);
      int rest = kb - j - jb;
      if (rest > 0) gemm(0, 0, rest, ncols, jb, -1.0, L + (c0 + jb) + (ll)c0 * ldl, ldl, B + c0, ldb, 1.0,
                         B + c0 + jb, ldb, 0);
    }
    int r = K + kb;
    if (r < n) gemm(0, 0, n - r, ncols, kb, -1.0, L + r + (ll)K * ldl, ldl, B + K, ldb, 1.0, B + r, ldb, 0);
  }
}
static void trsm_bwd(const double* L, ll ldl, int n, double* B, ll ldb, int ncols, int NB, int nb) {
  int lastK = ((n - 1) / NB) * NB;
  for (int K = lastK; K >= 0; K -= NB) {
    int kb = std::min(NB, n - K);
    int lastj = ((kb - 1) / nb) * nb;
    for (int j = lastj; j >= 0; j -= nb) {
      int c0 = K + j, jb = std::min(nb, kb - j);
      emu::launch(dim3((ncols + 127) / 128), dim3(128), ntk_trsm_lltn_f64, L + c0 + (ll)c0 * ldl, ldl, B + c0, ldb, jb,
                  ncols);
      if (j > 0) gemm(1, 0, j, ncols, jb, -1.0, L + c0 + (ll)K * ldl, ldl, B + c0, ldb, 1.0, B + K, ldb, 0);
    }
    if (K > 0) gemm(1, 0, K, ncols, kb, -1.0, L + K, ldl, B + K, ldb, 1.0, B, ldb, 0);
  }
}

static void check_cholesky(int n, int NB, int nb) {
  int d = n + 7;
  auto X = randn<double>((size_t)n * d);
  ll lda = n + 3;
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
  int info = potrf(A.data(), lda, n, NB, nb);
  double err = 0, ref = 0;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j <= i; ++j) {
      double s = 0;
      for (int p = 0; p <= j; ++p) s += A[i + p * lda] * A[j + p * lda];
      err = std::max(err, std::fabs(s - A0[i + j * n]));
      ref = std::max(ref, std::fabs(A0[i + j * n]));
    }
  char buf[160];
  std::snprintf(buf, sizeof buf, "cholesky n=%d NB=%d nb=%d (L L^T = A, info=%d)", n, NB, nb, info);
  expect(info == 0 && err / ref < 1e-13, buf, err / ref);
  // solves
  int nr = 37;
  ll ldb = n + 1;
  auto B = randn<double>(ldb * nr);
  auto Bf = B, Bb = B;
  trsm_fwd(A.data(), lda, n, Bf.data(), ldb, nr, NB, nb);
  trsm_bwd(A.data(), lda, n, Bb.data(), ldb, nr, NB, nb);
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
  std::snprintf(buf, sizeof buf, "trsm L X = B   n=%d nrhs=%d", n, nr);
  expect(ef / rf < 1e-12, buf, ef / rf);
  std::snprintf(buf, sizeof buf, "trsm L^T X = B n=%d nrhs=%d", n, nr);
  expect(eb / rf < 1e-12, buf, eb / rf);
  // a non-positive-definite matrix reports its first bad column
  std::vector<double> Z(lda * n, 0.0);
  for (int i = 0; i < n; ++i) Z[i + i * lda] = i == 70 ? -1.0 : 2.0;
  int zinfo = potrf(Z.data(), lda, n, NB, nb);
  std::snprintf(buf, sizeof buf, "cholesky reports non-PD column (info=%d, want 71)", zinfo);
  expect(zinfo == 71, buf, 0);
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
  struct F { const char* name; GemmFn32 f[3]; int BM, BN, th; } e32[] = {
      {"f32 simt128", {ntk_gemm_f32_simt128_nn, ntk_gemm_f32_simt128_nt, ntk_gemm_f32_simt128_tn}, 128, 128, 256},
      {"f32 simt64", {ntk_gemm_f32_simt64_nn, ntk_gemm_f32_simt64_nt, ntk_gemm_f32_simt64_tn}, 64, 64, 256}};
  for (auto& e : e32)
    for (int t = 0; t < 3; ++t)
      check_gemm<float>(e.name, e.f[t], e.BM, e.BN, e.th, tas[t], tbs[t], 131, 66, 19, 1.0f, 0.5f, 0, 1e-5);
  check_cholesky(150, 128, 64);
  check_cholesky(200, 64, 32);
  check_utils();
  check_recursion_structure();
  dump_activation_samples(dump);
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
