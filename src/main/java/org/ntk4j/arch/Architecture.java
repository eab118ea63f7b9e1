package org.ntk4j.arch;

import java.util.List;
import java.util.StringJoiner;

/**
 * An immutable fully-connected architecture: a list of layers (as {@code stax.serial}) and the
 * parameterization of its Dense layers. Build it in Java with {@link #of} or from ARCH text with
 * {@link org.ntk4j.arch.text.ArchParser#parse}.
 *
 * <p>Validation: at least one layer; a nonlinearity's input must be Gaussian, i.e. it must directly
 * follow a Dense layer (neural-tangents issue #192: two nonlinearities in a row have no closed form).
 * {@code Identity} changes nothing and is allowed anywhere.
 */
public record Architecture(List<Layer> layers, Parameterization parameterization) {
    public Architecture {
        if (layers == null || layers.isEmpty())
            throw new IllegalArgumentException("architecture: needs at least one layer");
        if (parameterization == null) throw new IllegalArgumentException("architecture: parameterization is null");
        layers = List.copyOf(layers);
        Layer prev = null;
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            if (l instanceof Activation a && !a.isIdentity() && !(prev instanceof Dense)) {
                throw new IllegalArgumentException(
                        "architecture: layer " + (i + 1) + " (" + a.describe() + ") "
                                + (prev == null
                                        ? "cannot come first: a nonlinearity needs a Dense layer before it"
                                        : "follows " + prev.describe()
                                                + ": two nonlinearities in a row have no closed-form kernel; put a Dense between them"));
            }
            if (!(l instanceof Activation a2 && a2.isIdentity())) prev = l;
        }
    }

    /** An NTK-parameterized architecture. */
    public static Architecture of(Layer... layers) {
        return new Architecture(List.of(layers), Parameterization.NTK);
    }

    /** The same layers with another parameterization. */
    public Architecture withParameterization(Parameterization p) {
        return new Architecture(layers, p);
    }

    /** ARCH text that parses back to this architecture (parameterization not included). */
    public String describe() {
        StringJoiner j = new StringJoiner("->");
        for (Layer l : layers) j.add(l.describe());
        return j.toString();
    }
}
