package org.smarttuner.tts.data;

import java.util.Objects;

/**
 * One prepared item: symbol ids and its log-mel spectrogram, row-major {@code (nMels, frames)}
 * (index {@code m * frames + t}), the layout a batch's mel array uses. The arrays are owned by
 * the dataset and never modified after preparation; callers must not write to them.
 */
public record Utterance(String id, int[] text, float[] mel, int frames) {
    public Utterance {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(mel, "mel");
        if (text.length == 0) {
            throw new IllegalArgumentException("utterance " + id + " has no symbols");
        }
        if (frames <= 0 || mel.length == 0 || mel.length % frames != 0) {
            throw new IllegalArgumentException("utterance " + id + ": mel of " + mel.length
                    + " values is not n_mels x " + frames + " frames");
        }
    }

    public int textLength() {
        return text.length;
    }

    public int nMels() {
        return mel.length / frames;
    }
}
