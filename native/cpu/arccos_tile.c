/*
 * The arc-cosine tile map of ntk4j (org.ntk4j.arch.activation.ArcCosine.mapTileJava) in C, for the CPU:
 * the same IEEE operations in the same order as the Java code (no FMA contraction, correctly
 * rounded sqrt and division, NaN-propagating min/max written as the Java Math.min/max cases), so
 * the results are bit for bit those of the Java path. why native: a CLI run lasts about a second,
 * and the JIT reaches the vectorized loop only after ~0.3 s of it (tier-3 code before that); this
 * code is vectorized from the first tile. target_clones picks AVX-512, AVX2 or SSE2 at load time.
 * Called through JNI by NativeArcCosine.mapTile, on the Java arrays in place (critical sections: no
 * copies, no JNI calls in between). A NULL from GetPrimitiveArrayCritical comes with a pending
 * OutOfMemoryError, which the caller then sees.
 */
#include <jni.h>
#include <math.h>
#include <float.h>

static const double A0 = 1.5707963267948966, A1 = -0.2146018366025477, A2 = 0.089048622547553,
    A3 = -0.0507928145148144, A4 = 0.03368128646786945, A5 = -0.024374327392466172, A6 = 0.018672314453702134,
    A7 = -0.014886471653564095, A8 = 0.012218416347312506, A9 = -0.010233905960743812, A10 = 0.008648432778705552,
    A11 = -0.007230894638030571, A12 = 0.005793270866961212, A13 = -0.004258652829282265, A14 = 0.002731768159313689,
    A15 = -0.0014490898471891194, A16 = 0.0005987252822321031, A17 = -0.0001783526001681299,
    A18 = 3.378311483256176e-05, A19 = -3.0384014775077846e-06;
static const double PI = 3.141592653589793;

/* Math.min(a, 1.0) for a >= +0 or NaN: NaN stays NaN (as Java) */
static inline double min1(double a) { return a > 1.0 ? 1.0 : a; }

/* ArcCosine.evenExponent: the binary exponent of x > 0 rounded down to even, -1024 for subnormals
 * (Java's Math.getExponent gives -1023 there; ilogb the true exponent). */
static int even_exponent(double x) {
    int e = ilogb(x);
    if (e < DBL_MIN_EXP - 1) e = DBL_MIN_EXP - 2;
    return e & ~1;
}

/* ArcCosine.sqrtProduct: sqrt(q1*q2) where the product is a normal double, else the same on q1, q2
 * brought near 1 by exact even powers of two and scaled back (no overflow or underflow of q1*q2;
 * scalbn rounds once, as Java's Math.scalb). */
static double sqrt_product(double q1, double q2) {
    double p = q1 * q2;
    if (p >= DBL_MIN && p <= DBL_MAX) return sqrt(p);
    if (!(q1 > 0 && q2 > 0 && q1 < INFINITY && q2 < INFINITY)) return sqrt(p);
    int e1 = even_exponent(q1), e2 = even_exponent(q2);
    return scalbn(sqrt(scalbn(q1, -e1) * scalbn(q2, -e2)), (e1 + e2) / 2);
}

#define CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))

CLONES
static void column(double f, double s, int rows, const double *q1, double q2j, double q1min, double q1max,
                   double *k, double *theta, double *sp, double *t, double *h) {
    if (q1min * q2j >= DBL_MIN && q1max * q2j <= DBL_MAX) { /* ArcCosine.sqrtProducts: no product leaves the normal range */
        for (int i = 0; i < rows; i++) sp[i] = sqrt(q1[i] * q2j);
    } else {
        for (int i = 0; i < rows; i++) sp[i] = sqrt_product(q1[i], q2j);
    }
    for (int i = 0; i < rows; i++) {
        double m = sp[i] < DBL_MIN ? DBL_MIN : sp[i];  /* Math.max(sp, MIN_NORMAL): NaN stays NaN */
        t[i] = k[i] / m;                                /* rho */
    }
    for (int i = 0; i < rows; i++) {                    /* FastAcos.high */
        double a = min1(fabs(t[i])), v = A19;
        v = v * a + A18; v = v * a + A17; v = v * a + A16; v = v * a + A15; v = v * a + A14;
        v = v * a + A13; v = v * a + A12; v = v * a + A11; v = v * a + A10;
        h[i] = v;
    }
    for (int i = 0; i < rows; i++) {                    /* FastAcos.low: h = theta */
        double x = t[i], a = min1(fabs(x)), v = h[i];
        v = v * a + A9; v = v * a + A8; v = v * a + A7; v = v * a + A6; v = v * a + A5;
        v = v * a + A4; v = v * a + A3; v = v * a + A2; v = v * a + A1; v = v * a + A0;
        double r = sqrt(1 - a) * v;
        double w = (fabs(x) - x) * 1e300;
        w = w > 1.0 ? 1.0 : w;                          /* Math.min(1.0, w): NaN stays NaN */
        h[i] = w * PI + (1 - 2 * w) * r;
    }
    for (int i = 0; i < rows; i++) {                    /* R = sp * sinAcos(rho) */
        double a = min1(fabs(t[i]));
        sp[i] = sp[i] * sqrt((1 - a) * (1 + a));
    }
    if (theta) {
        for (int i = 0; i < rows; i++) {
            double dot = s - f * h[i];
            k[i] = f * sp[i] + dot * k[i];
            theta[i] *= dot;
        }
    } else {
        for (int i = 0; i < rows; i++) k[i] = f * sp[i] + (s - f * h[i]) * k[i];
    }
}

JNIEXPORT void JNICALL Java_org_ntk4j_arch_activation_NativeArcCosine_mapTile(JNIEnv *env, jclass cls,
        jdouble f, jdouble s, jint rows, jint cols, jdoubleArray q1a, jint off1, jdoubleArray q2a, jint off2,
        jdoubleArray ka, jdoubleArray thetaa, jdoubleArray worka) {
    double *q1 = (*env)->GetPrimitiveArrayCritical(env, q1a, NULL);
    double *q2 = (*env)->GetPrimitiveArrayCritical(env, q2a, NULL);
    double *k = (*env)->GetPrimitiveArrayCritical(env, ka, NULL);
    double *theta = thetaa ? (*env)->GetPrimitiveArrayCritical(env, thetaa, NULL) : NULL;
    double *work = (*env)->GetPrimitiveArrayCritical(env, worka, NULL);
    if (q1 && q2 && k && work && (theta || !thetaa)) {
        double q1min = INFINITY, q1max = -INFINITY;     /* ArcCosine.range */
        for (int i = 0; i < rows; i++) {
            double v = q1[off1 + i];
            if (v < q1min) q1min = v;
            if (v > q1max) q1max = v;
        }
        for (int j = 0; j < cols; j++)
            column(f, s, rows, q1 + off1, q2[off2 + j], q1min, q1max, k + (long) j * rows,
                   theta ? theta + (long) j * rows : NULL, work, work + rows, work + 2 * rows);
    }
    if (work) (*env)->ReleasePrimitiveArrayCritical(env, worka, work, 0);
    if (theta) (*env)->ReleasePrimitiveArrayCritical(env, thetaa, theta, 0);
    if (k) (*env)->ReleasePrimitiveArrayCritical(env, ka, k, 0);
    if (q2) (*env)->ReleasePrimitiveArrayCritical(env, q2a, q2, JNI_ABORT);
    if (q1) (*env)->ReleasePrimitiveArrayCritical(env, q1a, q1, JNI_ABORT);
}
