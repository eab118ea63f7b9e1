package org.ntk4j.softopt;

/** How a {@link SoftPolicy} was chosen. {@link #jsonName()} is the name used in summary.json. */
public enum Mode {
    /** A plain q-quantilizer (E1), q given by hand. */
    QUANTILIZER("quantilizer"),
    /** The maximin distribution under the mean-absolute-error bound B1 (E9–E12). */
    MAXIMIN("maximin"),
    /** The maximin distribution under the lower-band bound B2 (E17–E18): quantilize L = U − κσ. */
    MAXIMIN_LOWER_BAND("maximin_lower_band");

    private final String json;

    Mode(String json) {
        this.json = json;
    }

    /** The lower-case name written to summary.json. */
    public String jsonName() {
        return json;
    }
}
