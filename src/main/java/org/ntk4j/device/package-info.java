/** The choice of compute device (CPU, GPU or automatic) and its fallback rules. */
package org.ntk4j.device;
