package org.smarttuner.tts.audio;

/** Mono samples in [-1, 1] at a sample rate; what a WAV file held before mixing is kept for messages. */
public record Audio(float[] samples, int sampleRate, int channels, String encoding) {
    public double seconds() {
        return (double) samples.length / sampleRate;
    }
}
