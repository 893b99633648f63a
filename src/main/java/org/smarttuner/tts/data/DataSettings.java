package org.smarttuner.tts.data;

import java.io.Serializable;
import org.smarttuner.tts.audio.AudioSettings;

/** The dataset and its text/audio limits; corpus is ljspeech, synthetic or espeak; bad_rows skip|fail; unknown_chars drop|fail; text_cleaners english|basic|none. */
public record DataSettings(
        String corpus,
        String path,
        int size,
        long seed,
        double valFraction,
        String badRows,
        String unknownChars,
        String textCleaners,
        int maxTextLength,
        int maxFrames,
        AudioSettings audio) implements Serializable {
    private static final long serialVersionUID = 1L;
}
