package org.smarttuner.tts.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * A padded training batch: one {@link NDList} in a fixed order, every array created on the
 * trial's device inside the trial's (batch) NDManager. B = batch size, T = longest text,
 * F = longest mel padded up to a multiple of the reduction factor.
 *
 * <pre>
 * index  name          shape          dtype    padding
 *   0    text          (B, T)         int64    0 (the pad symbol)
 *   1    text_lengths  (B)            int64    -
 *   2    mel           (B, n_mels, F) float32  0
 *   3    gate          (B, F)         float32  1 from the decoder step holding the last frame on
 *   4    mel_lengths   (B)            int64    -
 *   5    text_mask     (B, T)         float32  1 for real tokens, 0 for padding
 *   6    mel_mask      (B, F)         float32  1 for real frames, 0 for padding
 *   7    gate_mask     (B, F)         float32  1 for the frames of the utterance's decoder steps
 * </pre>
 */
public record Batch(NDList list) implements AutoCloseable {
    public static final int TEXT = 0;
    public static final int TEXT_LENGTHS = 1;
    public static final int MEL = 2;
    public static final int GATE = 3;
    public static final int MEL_LENGTHS = 4;
    public static final int TEXT_MASK = 5;
    public static final int MEL_MASK = 6;
    public static final int GATE_MASK = 7;
    public static final int SIZE = 8;

    public Batch {
        if (list.size() != SIZE) {
            throw new IllegalArgumentException("a batch has " + SIZE + " arrays, got " + list.size());
        }
    }

    public NDArray text() {
        return list.get(TEXT);
    }

    public NDArray textLengths() {
        return list.get(TEXT_LENGTHS);
    }

    public NDArray mel() {
        return list.get(MEL);
    }

    public NDArray gate() {
        return list.get(GATE);
    }

    public NDArray melLengths() {
        return list.get(MEL_LENGTHS);
    }

    public NDArray textMask() {
        return list.get(TEXT_MASK);
    }

    public NDArray melMask() {
        return list.get(MEL_MASK);
    }

    /** The frames the stop gate is trained on: the real frames and the rest of the last decoder step. */
    public NDArray gateMask() {
        return list.get(GATE_MASK);
    }

    public int size() {
        return (int) text().getShape().get(0);
    }

    @Override
    public void close() {
        list.close();
    }
}
