package org.smarttuner.tts.audio;

/** A WAV file that cannot be read: not RIFF/WAVE, an unsupported encoding, truncated, or the wrong rate. */
public final class AudioFormatException extends java.io.IOException {
    private static final long serialVersionUID = 1L;

    public AudioFormatException(String message) {
        super(message);
    }
}
