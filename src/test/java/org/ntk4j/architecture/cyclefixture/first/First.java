package org.ntk4j.architecture.cyclefixture.first;

import org.ntk4j.architecture.cyclefixture.second.Second;

/** Half of a deliberate package cycle (with {@link Second}) for the cycle rule's own test. */
public class First {
    Second other;
}
