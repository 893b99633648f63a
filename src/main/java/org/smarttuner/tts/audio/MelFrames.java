package org.smarttuner.tts.audio;

/** A log-mel spectrogram, row-major {@code (nMels, frames)}: value of band m at frame t is {@code mel[m * frames + t]}. */
public record MelFrames(float[] mel, int nMels, int frames) {
    public MelFrames {
        if (mel.length != nMels * frames) {
            throw new IllegalArgumentException(mel.length + " values are not " + nMels + " x " + frames);
        }
    }

    public float at(int band, int frame) {
        return mel[band * frames + frame];
    }
}
