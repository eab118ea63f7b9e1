package org.ntk4j.error;

/** A problem would not fit in the memory available; thrown before allocating. */
public class InsufficientMemoryException extends Ntk4jException {
    private final long bytesNeeded;
    private final long bytesAvailable;

    public InsufficientMemoryException(String what, long bytesNeeded, long bytesAvailable) {
        super(String.format(
                java.util.Locale.ROOT,
                "%s needs %,d bytes (%.2f GiB) but only %,d bytes (%.2f GiB) are available; "
                        + "use smaller inputs, float32, or raise the JVM heap (-Xmx via NTK4J_OPTS)",
                what,
                bytesNeeded,
                bytesNeeded / 1073741824.0,
                bytesAvailable,
                bytesAvailable / 1073741824.0));
        this.bytesNeeded = bytesNeeded;
        this.bytesAvailable = bytesAvailable;
    }

    public long bytesNeeded() {
        return bytesNeeded;
    }

    public long bytesAvailable() {
        return bytesAvailable;
    }
}
