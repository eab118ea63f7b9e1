package org.ntk4j.predict;

/** The two kernels of an architecture (internal: which cached factorization to use). */
enum KernelKind { NNGP, NTK }
