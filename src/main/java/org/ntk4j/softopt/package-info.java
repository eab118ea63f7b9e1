/**
 * The soft optimizer: Taylor's quantilizer, the maximin policy under the bounds B1 and B2 (closed
 * forms and a general LP), where ε comes from, and samplers for the resulting policy.
 *
 * <p>Section numbers (§3.2, §4.8, …), equation numbers (E1)–(E35), the bounds B1/B2 and claim
 * numbers in this package's Javadoc refer to docs/soft-optimization.md, which states and derives
 * them.
 */
package org.ntk4j.softopt;
