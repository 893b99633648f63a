package org.smarttuner.tts.audio;

import java.io.Serializable;

/** Audio and mel-feature settings (Tacotron2 defaults: 22050 Hz, filter 1024, hop 256, 80 Slaney mel bands 0-8000 Hz, log floor 1e-5). */
public record AudioSettings(
        int sampleRate,
        int filterLength,
        int hopLength,
        int winLength,
        int nMels,
        double melFmin,
        double melFmax,
        double logFloor) implements Serializable {
    private static final long serialVersionUID = 1L;
}
