// Dual maps of the closed-form activations (docs/kernels.md §4), for float and double.
// dual(id, P, c, q1, q2) returns T = E[phi(u)phi(v)] and Tdot = E[phi'(u)phi'(v)] for
// (u, v) ~ N(0, [[q1, c], [c, q2]]). P holds constants the host precomputed from the
// activation's parameters (org.ntk4j.gpu.ActivationCodec writes them; the layouts below are the
// contract). Safeguards follow neural-tangents: sqrt of max(x, 0), atan2 filled with pi/2 at
// (0, 0), no clipping of the correlation.
#pragma once
#include "ntk_common.cuh"

namespace ntk {

enum ActId {
  ACT_NONE = 0,        // (identity / no activation)
  ACT_ABRELU = 1,      // P = {f = (a-b)^2/(2pi), h = (a^2+b^2)/2}: Relu, LeakyRelu, ABRelu, Abs
  ACT_ERF = 2,         // P = {a^2, b^2, c0^2}: Erf, Sigmoid_like
  ACT_GELU = 3,        // P = {}
  ACT_SIN = 4,         // P = {a^2/2, b^2, cos(2 c0)}: Sin, Cos (c0 + pi/2)
  ACT_RBF = 5,         // P = {gamma}
  ACT_EXP = 6,         // P = {a^2, b^2}
  ACT_GAUSSIAN = 7,    // P = {a^2, b}
  ACT_SIGN = 8,        // P = {}
  ACT_MONOMIAL = 9,    // P = {n}, n in 0..5
  ACT_RECT_MONO = 10,  // P = {n}, n in 0..3
  ACT_POLYNOMIAL = 11, // P = {D, then for l = 0..D-1 the coefficients g_{l,i}, i = 0..(D-1-l)/2}
  ACT_GABOR = 12       // P = {}
};

template <typename T> struct Consts;
template <> struct Consts<double> {
  static constexpr double PI = 3.14159265358979323846;
  static constexpr double MIN_NORMAL = 2.2250738585072014e-308, MAX = 1.7976931348623157e308;
};
template <> struct Consts<float> {
  static constexpr float PI = 3.14159265358979323846f;
  static constexpr float MIN_NORMAL = 1.17549435e-38f, MAX = 3.40282347e38f;
};

template <typename T>
__host__ __device__ __forceinline__ T sqrt_pos(T x) { return sqrt(x > T(0) ? x : T(0)); }

// a*b rounded on its own: never contracted into an FMA with a following add/sub. p - c*c must
// cancel exactly when c*c == p (a point with itself): with an FMA, fma(q, q, -q*q) leaves the
// rounding error of q*q, sqrt of which (~1e-8 q in float64, ~2e-4 q in float32) would become
// a spurious angle in the arc-cosine maps.
template <typename T>
__host__ __device__ __forceinline__ T mul_rn(T a, T b) {
#if defined(__CUDA_ARCH__)
  if (sizeof(T) == 8) return (T)__dmul_rn((double)a, (double)b);
  return (T)__fmul_rn((float)a, (float)b);
#else
  return a * b;
#endif
}

// Whether the product p = q1*q2 is a normal number of T: then the arc-cosine maps use the plain
// formulas below bit for bit; else they rescale first (scaled_root), so that variances beyond the
// square root of T's range (inputs scaled by ~1e+-77 in double, ~1e+-9 in float) neither overflow
// nor underflow in q1*q2 (org.ntk4j.arch.activation.ArcCosine.sqrtProduct does the same on the CPU).
template <typename T>
__host__ __device__ __forceinline__ bool normal_product(T p) { return p >= Consts<T>::MIN_NORMAL && p <= Consts<T>::MAX; }

// The binary exponent of x > 0 rounded down to even: x * 2^-e is near 1, exactly.
template <typename T>
__host__ __device__ __forceinline__ int even_exponent(T x) { return ilogb(x) & ~1; }

// sqrt+(q1 q2 - c^2) * 2^-m and c * 2^-m, with m = (e1 + e2) / 2 from the even exponents of
// q1, q2 > 0 (finite): the same root, computed on operands near 1 (all scalings exact).
template <typename T>
__host__ __device__ __forceinline__ T scaled_root(T c, T q1, T q2, T& cs, int& m) {
  const int e1 = even_exponent(q1), e2 = even_exponent(q2);
  m = (e1 + e2) / 2;
  cs = T(scalbn(c, -m));  // T(...): the host emulator's scalbn may return double
  return sqrt_pos(mul_rn(T(scalbn(q1, -e1)), T(scalbn(q2, -e2))) - mul_rn(cs, cs));
}

// sqrt+(q1 q2 - c^2) as root * 2^m, and c as cs * 2^m (m = 0, cs = c where q1 q2 is normal).
template <typename T>
__host__ __device__ __forceinline__ T arc_root(T c, T q1, T q2, T& cs, int& m) {
  const T p = mul_rn(q1, q2);
  cs = c;
  m = 0;
  if (normal_product(p) || !(q1 > T(0) && q2 > T(0) && q1 <= Consts<T>::MAX && q2 <= Consts<T>::MAX))
    return sqrt_pos(p - mul_rn(c, c));
  return scaled_root(c, q1, q2, cs, m);
}

// sqrt(q1 q2) for q1, q2 > 0 without forming an overflowing or underflowing product.
template <typename T>
__host__ __device__ __forceinline__ T sqrt_product(T q1, T q2) {
  const T p = mul_rn(q1, q2);
  if (normal_product(p) || !(q1 <= Consts<T>::MAX && q2 <= Consts<T>::MAX)) return sqrt(p);
  const int e1 = even_exponent(q1), e2 = even_exponent(q2);
  return T(scalbn(T(sqrt(mul_rn(T(scalbn(q1, -e1)), T(scalbn(q2, -e2))))), (e1 + e2) / 2));
}

template <typename T>
__host__ __device__ __forceinline__ T atan2_fill(T y, T x, T fill) {
  return (y == T(0) && x == T(0)) ? fill : atan2(y, x);
}

// E_n(c, p) of Monomial(n): E[u^n v^n].
template <typename T>
__host__ __device__ __forceinline__ T monomial_e(int n, T c, T p) {
  switch (n) {
    case 0: return T(1);
    case 1: return c;
    case 2: return T(2) * c * c + p;
    case 3: return T(6) * c * c * c + T(9) * c * p;
    case 4: return T(24) * c * c * c * c + T(72) * c * c * p + T(9) * p * p;
    case 5: return T(120) * c * c * c * c * c + T(600) * c * c * c * p + T(225) * c * p * p;
    default: return T(0);
  }
}

// Arc-cosine kernel J_n(theta) (Cho & Saul), n in 0..3, with s = sin(theta), co = cos(theta).
template <typename T>
__host__ __device__ __forceinline__ T arccos_j(int n, T th, T s, T co) {
  const T pt = Consts<T>::PI - th;
  switch (n) {
    case 0: return pt;
    case 1: return s + pt * co;
    case 2: return T(3) * s * co + pt * (T(1) + T(2) * co * co);
    case 3: return T(15) * s - T(11) * s * s * s + pt * (T(9) * co + T(6) * co * co * co);
    default: return T(0);
  }
}

// RectifiedMonomial(n), phi = 1[x >= 0] x^n: (q1 q2)^{n/2} J_n / (2 pi), sqrt(q1 q2) by
// sqrt_product (no overflow or underflow of the product). At zero variance (q1 or q2 = 0) the input to phi is exactly 0 on that side and phi(0) = 1[n == 0]: T_0 is then
// P(v >= 0) on the other side (1/2, or 1 if it is also degenerate) and T_n = 0 for n >= 1.
template <typename T>
__host__ __device__ __forceinline__ T rect_mono(int n, T c, T q1, T q2) {
  if (!(q1 > T(0) && q2 > T(0))) {
    if (n != 0) return T(0);
    return (q1 > T(0) ? T(0.5) : T(1)) * (q2 > T(0) ? T(0.5) : T(1));
  }
  const T sp = sqrt_product(q1, q2);
  // theta as the CPU path computes it (acos of the clamped correlation), so that GPU and CPU agree
  // also for distinct but colinear inputs, where the two formulas differ by ~sqrt(eps).
  const T th = acos(fmin(T(1), fmax(T(-1), c / sp)));
  T spn = T(1);
  for (int i = 0; i < n; ++i) spn *= sp;
  return spn * arccos_j<T>(n, th, sin(th), cos(th)) / (T(2) * Consts<T>::PI);
}

// Polynomial via the Mehler expansion in the scaled form that needs no division by sqrt(p):
// with rt_l(q) = sum_i g_{l,i} q^i, T = sum_l rt_l(q1) rt_l(q2) c^l and
// Tdot = sum_{l>=1} l rt_l(q1) rt_l(q2) c^(l-1) (exact at zero variance).
template <typename T>
__host__ __device__ __forceinline__ void polynomial(const T* P, T c, T q1, T q2, T& nngp, T& dot) {
  const int D = (int)P[0];
  const T* g = P + 1;
  T t = T(0), d = T(0), cl = T(1), clm1 = T(0);
  for (int l = 0; l < D; ++l) {
    const int ni = (D - 1 - l) / 2 + 1;
    T r1 = T(0), r2 = T(0);
    for (int i = ni - 1; i >= 0; --i) { r1 = r1 * q1 + g[i]; r2 = r2 * q2 + g[i]; }
    g += ni;
    const T rr = r1 * r2;
    t += rr * cl;
    if (l >= 1) d += T(l) * rr * clm1;
    clm1 = cl;
    cl *= c;
  }
  nngp = t;
  dot = d;
}

template <typename T>
__host__ __device__ __forceinline__ void dual(int id, const T* P, T c, T q1, T q2, T& nngp, T& dot) {
  const T PI = Consts<T>::PI;
  switch (id) {
    case ACT_ABRELU: {
      T cs;
      int m;
      const T root = arc_root(c, q1, q2, cs, m);  // theta is scale-free: atan2 of the scaled pair
      const T th = atan2_fill(root, cs, PI / T(2));
      dot = P[1] - P[0] * th;
      nngp = P[0] * (m == 0 ? root : T(scalbn(root, m))) + dot * c;
      return;
    }
    case ACT_ERF: {
      const T b2 = P[1];
      const T cb = b2 * c, q1b = b2 * q1, q2b = b2 * q2;
      const T root = sqrt_pos((T(1) + T(2) * q1b) * (T(1) + T(2) * q2b) - T(4) * cb * cb);
      nngp = P[0] * (T(2) / PI) * atan2(T(2) * cb, root) + P[2];
      dot = P[0] * b2 * (T(4) / PI) / root;
      return;
    }
    case ACT_GELU: {
      const T p = q1 * q2;
      const T p1 = (T(1) + q1) * (T(1) + q2);
      const T d2 = p1 - c * c;
      const T d = sqrt_pos(d2);
      const T ang = atan2(c, d);
      nngp = ((c * c + p * d2) / (p1 * d) + c * ang) / (T(2) * PI) + T(0.25) * c;
      dot = T(0.25) + ang / (T(2) * PI) + (T(1) / d2 + (T(1) - p) / p1 + T(1)) * c / d / (T(2) * PI);
      return;
    }
    case ACT_SIN: {
      const T s = q1 + q2, b2 = P[1];
      const T s1 = exp(b2 * (T(-0.5) * s + c));
      const T s2 = exp(b2 * (T(-0.5) * s - c)) * P[2];
      nngp = P[0] * (s1 - s2);
      dot = P[0] * b2 * (s1 + s2);
      return;
    }
    case ACT_RBF: {
      const T k = exp(P[0] * (T(2) * c - (q1 + q2)));
      nngp = k;
      dot = T(2) * P[0] * k;
      return;
    }
    case ACT_EXP: {
      const T k = exp(P[1] * ((q1 + q2) / T(2) + c));
      nngp = P[0] * k;
      dot = P[0] * P[1] * k;
      return;
    }
    case ACT_GAUSSIAN: {
      const T b = P[1];
      const T det = sqrt_pos((T(1) - T(2) * b * q1) * (T(1) - T(2) * b * q2) - T(4) * b * b * c * c);
      nngp = P[0] / det;
      dot = P[0] * T(4) * b * b * c / (det * det * det);
      return;
    }
    case ACT_SIGN: {
      T cs;
      int m;
      const T root = arc_root(c, q1, q2, cs, m);
      const T th = atan2_fill(root, cs, PI / T(2));
      nngp = T(1) - T(2) * th / PI;
      dot = T(0);
      return;
    }
    case ACT_MONOMIAL: {
      const int n = (int)P[0];
      const T p = q1 * q2;
      nngp = monomial_e<T>(n, c, p);
      dot = n == 0 ? T(0) : T(n * n) * monomial_e<T>(n - 1, c, p);
      return;
    }
    case ACT_RECT_MONO: {
      const int n = (int)P[0];
      nngp = rect_mono<T>(n, c, q1, q2);
      dot = n == 0 ? T(0) : T(n * n) * rect_mono<T>(n - 1, c, q1, q2);
      return;
    }
    case ACT_POLYNOMIAL:
      polynomial<T>(P, c, q1, q2, nngp, dot);
      return;
    case ACT_GABOR: {
      const T S = q1 + q2, p = q1 * q2;
      const T G = T(4) * (p - c * c);
      const T Dn = T(2) * S + G + T(1);
      const T Nm = S + G + T(2) * c;
      const T L = exp(-Nm / (T(2) * Dn));
      const T x = T(2) * c / Dn;
      const T Rt = exp(x);
      const T A = T(1) + T(2) * S + T(4) * (c * c + p);
      const T B = T(4) * c * (G + T(3) * S + T(2));
      const T sq = sqrt_pos(Dn);
      nngp = L * expm1(x) / (T(2) * sq);
      dot = L * ((A - B) + Rt * (A + B)) / (Dn * Dn * sq) / T(2);
      return;
    }
    default:  // ACT_NONE: identity
      nngp = c;
      dot = T(1);
      return;
  }
}

}  // namespace ntk
