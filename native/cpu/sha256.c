/*
 * The SHA-256 compression function (FIPS 180-4) for org.ntk4j.io.Sha256, which records the checksum
 * of every output file in run.json. why native: the CLI runs the JVM's C1 compiler only (bin/ntk4j),
 * and C1 has no SHA intrinsic: the JDK's MessageDigest hashed ~110 MB/s there, adding ~2.3 CPU-s to a
 * 4000² kernel run (two 128 MB files). With the x86 SHA extensions (SHA-NI: Intel since Goldmont/Ice
 * Lake, every AMD Zen) this code hashes ~0.8-1.3 GB/s; without them the portable C below ~220 MB/s
 * (128 MB: 0.09-0.17 s and 0.56-0.62 s, against ~1.2 s for the JDK under C1, 2-core VM).
 * Java pads the message and calls compress() on whole 64-byte blocks of a direct buffer; the state
 * is a, b, ..., h as eight ints.
 */
#include <jni.h>
#include <stdint.h>
#include <stddef.h>
#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static inline uint32_t ror(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

__attribute__((target_clones("arch=x86-64-v3", "default"))) /* BMI2's rorx where present */
static void compress_portable(uint32_t s[8], const uint8_t *p, size_t blocks) {
    uint32_t w[64];
    for (; blocks > 0; blocks--, p += 64) {
        for (int t = 0; t < 16; t++)
            w[t] = (uint32_t) p[4 * t] << 24 | (uint32_t) p[4 * t + 1] << 16 | (uint32_t) p[4 * t + 2] << 8 | p[4 * t + 3];
        for (int t = 16; t < 64; t++) {
            uint32_t s0 = ror(w[t - 15], 7) ^ ror(w[t - 15], 18) ^ (w[t - 15] >> 3);
            uint32_t s1 = ror(w[t - 2], 17) ^ ror(w[t - 2], 19) ^ (w[t - 2] >> 10);
            w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }
        uint32_t a = s[0], b = s[1], c = s[2], d = s[3], e = s[4], f = s[5], g = s[6], h = s[7];
#pragma GCC unroll 64 /* unrolled, the rotation of a..h is renaming, not moves */
        for (int t = 0; t < 64; t++) {
            uint32_t t1 = h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + w[t];
            uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
            h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
        }
        s[0] += a; s[1] += b; s[2] += c; s[3] += d; s[4] += e; s[5] += f; s[6] += g; s[7] += h;
    }
}

#if defined(__x86_64__)
/* Intel's SHA extensions: four rounds per two sha256rnds2, the schedule by sha256msg1/msg2 (the
 * sequence of Intel's white paper "New Instructions Supporting the Secure Hash Algorithm", looped
 * over the 16 quads of rounds; the compiler unrolls it). The state lives as ABEF and CDGH. */
__attribute__((target("sha,sse4.1,ssse3")))
static void compress_shani(uint32_t s[8], const uint8_t *p, size_t blocks) {
    const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i tmp = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *) &s[0]), 0xB1); /* CDAB */
    __m128i st1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *) &s[4]), 0x1B); /* EFGH */
    __m128i st0 = _mm_alignr_epi8(tmp, st1, 8);                                        /* ABEF */
    st1 = _mm_blend_epi16(st1, tmp, 0xF0);                                              /* CDGH */
    for (; blocks > 0; blocks--, p += 64) {
        __m128i abef = st0, cdgh = st1, m[4];
#pragma GCC unroll 16
        for (int q = 0; q < 16; q++) {
            if (q < 4) m[q] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *) (p + 16 * q)), bswap);
            __m128i msg = _mm_add_epi32(m[q & 3], _mm_loadu_si128((const __m128i *) &K[4 * q]));
            st1 = _mm_sha256rnds2_epu32(st1, st0, msg);
            if (q >= 3 && q < 15) { /* next quad's message words */
                __m128i next = _mm_add_epi32(m[(q + 1) & 3], _mm_alignr_epi8(m[q & 3], m[(q + 3) & 3], 4));
                m[(q + 1) & 3] = _mm_sha256msg2_epu32(next, m[q & 3]);
            }
            st0 = _mm_sha256rnds2_epu32(st0, st1, _mm_shuffle_epi32(msg, 0x0E));
            if (q >= 1 && q < 13) m[(q + 3) & 3] = _mm_sha256msg1_epu32(m[(q + 3) & 3], m[q & 3]);
        }
        st0 = _mm_add_epi32(st0, abef);
        st1 = _mm_add_epi32(st1, cdgh);
    }
    tmp = _mm_shuffle_epi32(st0, 0x1B);           /* FEBA */
    st1 = _mm_shuffle_epi32(st1, 0xB1);           /* DCHG */
    st0 = _mm_blend_epi16(tmp, st1, 0xF0);        /* DCBA */
    st1 = _mm_alignr_epi8(st1, tmp, 8);           /* HGFE */
    _mm_storeu_si128((__m128i *) &s[0], st0);
    _mm_storeu_si128((__m128i *) &s[4], st1);
}

static int has_shani(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSE4_1) || !(c & bit_SSSE3)) return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    return (b >> 29) & 1; /* CPUID.(EAX=7,ECX=0):EBX.SHA[bit 29] */
}
#endif

static void (*compress)(uint32_t s[8], const uint8_t *p, size_t blocks) = compress_portable;

__attribute__((constructor)) static void choose(void) { /* once, when the library loads */
#if defined(__x86_64__)
    compress = has_shani() ? compress_shani : compress_portable;
#else
    compress = compress_portable;
#endif
}

/* Whether the SHA extensions are used (for the log and the tests). */
JNIEXPORT jboolean JNICALL Java_org_ntk4j_io_Sha256_accelerated(JNIEnv *env, jclass cls) {
    (void) env; (void) cls;
#if defined(__x86_64__)
    return has_shani() ? JNI_TRUE : JNI_FALSE;
#else
    return JNI_FALSE;
#endif
}

/* Compresses `blocks` 64-byte blocks of the direct buffer `buf` from byte `offset` into `state` (8 ints);
 * with `portable` the SHA extensions are not used (tests compare both). The caller checks the bounds. */
JNIEXPORT void JNICALL Java_org_ntk4j_io_Sha256_compress0(JNIEnv *env, jclass cls, jintArray state, jobject buf,
                                                        jlong offset, jlong blocks, jboolean portable) {
    (void) cls;
    const uint8_t *p = (const uint8_t *) (*env)->GetDirectBufferAddress(env, buf);
    if (p == NULL) return; /* not a direct buffer: the Java side never passes one */
    jint s[8];
    (*env)->GetIntArrayRegion(env, state, 0, 8, s);
    (portable ? compress_portable : compress)((uint32_t *) s, p + offset, (size_t) blocks);
    (*env)->SetIntArrayRegion(env, state, 0, 8, s);
}
