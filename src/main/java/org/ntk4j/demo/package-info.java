/**
 * The Goodhart demo: a toy world that runs the whole pipeline (kernels → utility posterior → ε →
 * soft policy) and compares the maximin policy with argmax and fixed-q quantilizers.
 *
 * <p>Section and equation numbers (§7 step 3, E8, E16, …) refer to docs/soft-optimization.md.
 */
package org.ntk4j.demo;
