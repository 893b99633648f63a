package org.smarttuner.tts.audio;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Objects;

/**
 * Tacotron2's mel features: centred STFT (reflect padding of filter_length / 2, the padded periodic
 * Hann window) through DJL's {@link NDArray#stft}, magnitude, Slaney mel filterbank, natural log
 * of values floored at {@code log_floor}. Frames = 1 + samples / hop_length.
 *
 * <p>Immutable and thread-safe; the per-call arrays live in a sub-manager that is closed before
 * returning, so only Java arrays leave this class.
 */
public final class MelSpectrogram {
    private final AudioSettings settings;
    private final float[] window;
    private final float[] basis;
    private final int bins;

    public MelSpectrogram(AudioSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.window = Windows.periodicHann(settings.winLength(), settings.filterLength());
        float[][] w = MelFilterbank.weights(settings.sampleRate(), settings.filterLength(), settings.nMels(),
                settings.melFmin(), settings.melFmax());
        this.bins = settings.filterLength() / 2 + 1;
        this.basis = new float[settings.nMels() * bins];
        for (int m = 0; m < settings.nMels(); m++) {
            System.arraycopy(w[m], 0, basis, m * bins, bins);
        }
    }

    public AudioSettings settings() {
        return settings;
    }

    /** The shortest input the reflect padding accepts. */
    public int minSamples() {
        return settings.filterLength() / 2 + 1;
    }

    public int frames(int samples) {
        return 1 + samples / settings.hopLength();
    }

    /**
     * @throws IllegalArgumentException when the audio is shorter than {@link #minSamples()}
     */
    public MelFrames compute(float[] samples, NDManager manager) {
        if (samples.length < minSamples()) {
            throw new IllegalArgumentException("audio of " + samples.length + " samples is too short for the STFT: at least "
                    + minSamples() + " (filter_length / 2 + 1) are needed");
        }
        try (NDManager scope = manager.newSubManager()) {
            NDArray magnitude = magnitude(scope.create(samples), scope);
            NDArray mel = scope.create(basis, new Shape(settings.nMels(), bins)).matMul(magnitude);
            float[] out = mel.maximum((float) settings.logFloor()).log().toFloatArray();
            return new MelFrames(out, settings.nMels(), (int) magnitude.getShape().get(1));
        }
    }

    /** |STFT| as {@code (filter_length / 2 + 1, frames)}, in the signal's manager. */
    NDArray magnitude(NDArray signal, NDManager scope) {
        NDArray win = scope.create(window);
        NDArray spec = signal.stft(settings.filterLength(), settings.hopLength(), true, win, false, true);
        return spec.abs();
    }

    /** The STFT as real and imaginary parts, {@code (filter_length / 2 + 1, frames, 2)}. */
    NDArray spectrum(NDArray signal, NDManager scope) {
        NDArray win = scope.create(window);
        return signal.stft(settings.filterLength(), settings.hopLength(), true, win, false, true).real();
    }

    float[] basis() {
        return basis.clone();
    }

    float[] window() {
        return window.clone();
    }
}
