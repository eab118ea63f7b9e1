package org.ntk4j.architecture.cyclefixture.second;

import org.ntk4j.architecture.cyclefixture.first.First;

/** The other half of the deliberate package cycle (with {@link First}). */
public class Second {
    First other;
}
