package org.ntk4j;

/** Library version and entry points. */
public final class Ntk4j {
    private Ntk4j() {}
    /** The library version. */
    public static final String VERSION = "0.1.0";
}
