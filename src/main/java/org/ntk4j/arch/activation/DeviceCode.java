package org.ntk4j.arch.activation;

/**
 * An activation as the fused GPU kernel reads it: its id in the {@code ActId} enum of
 * native/activations.cuh and the constants its dual map takes there, precomputed on the host in
 * float64 (each id's layout is documented next to it in that enum). The ids must stay exactly the
 * enum's numbers: the kernel switches on them.
 *
 * @param id     the {@code ActId} value
 * @param params the constants, in the order the kernel reads them (may be empty)
 */
public record DeviceCode(int id, double[] params) {
    /** The {@code ActId} numbers. NONE is the identity (K and Θ pass through unchanged). */
    public static final int NONE = 0,
            ABRELU = 1,
            ERF = 2,
            GELU = 3,
            SIN = 4,
            RBF = 5,
            EXP = 6,
            GAUSSIAN = 7,
            SIGN = 8,
            MONOMIAL = 9,
            RECT_MONO = 10,
            POLYNOMIAL = 11,
            GABOR = 12;

    /** An id with constants (none for the parameterless maps). */
    public static DeviceCode of(int id, double... params) {
        return new DeviceCode(id, params);
    }

    /** The ABRelu family (φ = a·x for x &lt; 0, b·x otherwise): {(a−b)²/(2π), (a²+b²)/2}. */
    static DeviceCode abrelu(double a, double b) {
        return of(ABRELU, (a - b) * (a - b) / (2 * Math.PI), (a * a + b * b) / 2);
    }

    /** The Erf family (φ = a·erf(b·x) + c): {a², b², c²}. */
    static DeviceCode erf(double a, double b, double c) {
        return of(ERF, a * a, b * b, c * c);
    }

    /** The Sin family (φ = a·sin(b·x + c); Cos is c + π/2): {a²/2, b², cos(2c)}. */
    static DeviceCode sin(double a, double b, double c) {
        return of(SIN, a * a / 2, b * b, Math.cos(2 * c));
    }
}
