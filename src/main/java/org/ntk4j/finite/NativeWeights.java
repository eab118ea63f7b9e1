package org.ntk4j.finite;

import java.util.List;

/**
 * Native copies of the weight matrices of a network's Dense steps (biases stay in Java: they are
 * small and only touched elementwise). Index = step index; {@code null} for activation steps.
 * A one-shot computation copies the weights once per call; training keeps them here for all steps.
 */
final class NativeWeights implements AutoCloseable {
    private final NativeBuffer[] buffers;

    NativeWeights(List<Step> steps) {
        buffers = new NativeBuffer[steps.size()];
        try {
            for (int s = 0; s < buffers.length; s++)
                if (steps.get(s) instanceof Step.DenseStep d) buffers[s] = NativeBuffer.copyOf(d.w());
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    NativeBuffer get(int step) {
        return buffers[step];
    }

    @Override
    public void close() {
        for (NativeBuffer b : buffers) if (b != null) b.close();
    }
}
