package org.smarttuner.tts.audio;

/** Analysis windows. */
public final class Windows {
    private Windows() {
    }

    /**
     * A periodic Hann window of {@code winLength} ({@code scipy.signal.get_window("hann", n, fftbins=True)}),
     * zero-padded on both sides to {@code filterLength} as Tacotron2's {@code pad_center} does.
     */
    public static float[] periodicHann(int winLength, int filterLength) {
        if (winLength > filterLength) {
            throw new IllegalArgumentException("win_length " + winLength + " is longer than filter_length " + filterLength);
        }
        float[] w = new float[filterLength];
        int offset = (filterLength - winLength) / 2;
        for (int n = 0; n < winLength; n++) {
            w[offset + n] = (float) (0.5 - 0.5 * Math.cos(2 * Math.PI * n / winLength));
        }
        return w;
    }
}
