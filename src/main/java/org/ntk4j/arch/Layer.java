package org.ntk4j.arch;

/**
 * One layer of a fully-connected network, as in neural-tangents' {@code stax.serial}: either an
 * affine {@link Dense} layer or an elementwise {@link Activation}.
 */
public sealed interface Layer permits Dense, Activation {
    /** The layer as ARCH text, e.g. {@code Dense(512,W_std=1.5,b_std=0.1)} or {@code Relu}. */
    String describe();
}
