/**
 * The elementwise nonlinearities of neural-tangents' {@code stax} with their closed-form dual maps
 * (docs/kernels.md §4), one small immutable class (a record) per family, plus
 * {@link org.ntk4j.arch.activation.Numerical} (2-D Gauss–Hermite quadrature for any φ).
 *
 * <p>Each activation also says how the GPU evaluates it: {@link org.ntk4j.arch.activation.DeviceEncodable}
 * (its id and constants for the fused kernel), or {@link org.ntk4j.arch.activation.CpuOnly}.
 *
 * <p>Construction style: public constructors, e.g. {@code new Relu()}, {@code new Erf()},
 * {@code new Erf(a, b, c)}, {@code new Monomial(3)}, {@code Numerical.builtin("tanh", 25)}.
 * Invalid parameters throw {@link org.ntk4j.error.InvalidInputException}.
 *
 * <p>The safeguards (docs/kernels.md §5) start from neural-tangents': {@code sqrt⁺(x) = sqrt(max(x, 0))}
 * and the fill value θ = π/2 where both variances are 0; the arc-cosine family evaluates θ from the
 * correlation clamped to [−1, 1], and RectifiedMonomial returns the finite limit at θ = 0 where
 * neural-tangents returns NaN.
 */
package org.ntk4j.arch.activation;
