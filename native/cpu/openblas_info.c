/*
 * Calls OpenBLAS's own description of itself for `ntk4j info` (org.ntk4j.cli.OpenBlasInfo):
 * openblas_get_config() and openblas_get_corename(), which the JavaCPP preset does not map. Java finds
 * each function's address in the loaded OpenBLAS (JavaCPP's Loader.addressof) and passes it here;
 * these trampolines only call it, so ntk4j's library links against no particular OpenBLAS.
 */
#include <jni.h>
#include <stdint.h>

typedef const char *(*string_function)(void);

JNIEXPORT jstring JNICALL Java_org_ntk4j_cli_OpenBlasInfo_callString(JNIEnv *env, jclass cls, jlong function) {
    (void) cls;
    const char *s = ((string_function) (intptr_t) function)();
    return s == NULL ? NULL : (*env)->NewStringUTF(env, s);
}
