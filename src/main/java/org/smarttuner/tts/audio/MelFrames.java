package org.smarttuner.tts.audio;

/** A log-mel spectrogram, row-major {@code (nMels, frames)}: value of band m at frame t is {@code mel[m * frames + t]}. */
public record MelFrames(float[] mel, int nMels, int frames) {
    public MelFrames {
        if (mel.length != nMels * frames) {
            throw new IllegalArgumentException(mel.length + " values are not " + nMels + " x " + frames);
        }
    }

    /**
     * Row {@code row} of a batch of mels laid out (B, nMels, width), cut to its first {@code frames}
     * frames (its own length; the rest is padding or past its end).
     */
    public static MelFrames ofBatchRow(float[] batch, int row, int nMels, int width, int frames) {
        float[] own = new float[nMels * frames];
        for (int m = 0; m < nMels; m++) {
            System.arraycopy(batch, (row * nMels + m) * width, own, m * frames, frames);
        }
        return new MelFrames(own, nMels, frames);
    }

    public float at(int band, int frame) {
        return mel[band * frames + frame];
    }
}
