/**
 * The elementwise nonlinearities of neural-tangents' {@code stax} with their closed-form dual maps
 * (kernels-and-prediction.md §4), one small immutable class (a record) per family, plus
 * {@link org.ntk4j.arch.activation.Numerical} (2-D Gauss–Hermite quadrature for any φ).
 *
 * <p>Construction style: public constructors, e.g. {@code new Relu()}, {@code new Erf()},
 * {@code new Erf(a, b, c)}, {@code new Monomial(3)}, {@code Numerical.builtin("tanh", 25)}.
 * Invalid parameters throw {@link org.ntk4j.error.InvalidInputException}.
 *
 * <p>The safeguards are those of neural-tangents: {@code sqrt⁺(x) = sqrt(max(x, 0))} and
 * {@code atan2} with the fill value π/2 where both arguments are 0; correlations are never clipped
 * (except in RectifiedMonomial, where the finite limit at θ = 0 is returned instead of NaN).
 */
package org.ntk4j.arch.activation;
