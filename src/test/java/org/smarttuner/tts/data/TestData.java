package org.smarttuner.tts.data;

import java.nio.file.Path;
import org.smarttuner.tts.audio.AudioSettings;

/** Settings for dataset tests. */
final class TestData {
    static final AudioSettings AUDIO = new AudioSettings(22050, 1024, 256, 1024, 80, 0, 8000, 1e-5);

    private TestData() {
    }

    static DataSettings settings(String corpus, Path dir, int size) {
        return new DataSettings(corpus, dir.toString(), size, 7, 0.2, "skip", "drop", "english", 200, 1000, AUDIO);
    }

    static DataSettings with(DataSettings s, String badRows) {
        return new DataSettings(s.corpus(), s.path(), s.size(), s.seed(), s.valFraction(), badRows, s.unknownChars(),
                s.textCleaners(), s.maxTextLength(), s.maxFrames(), s.audio());
    }

    static DataSettings with(DataSettings s, AudioSettings audio) {
        return new DataSettings(s.corpus(), s.path(), s.size(), s.seed(), s.valFraction(), s.badRows(), s.unknownChars(),
                s.textCleaners(), s.maxTextLength(), s.maxFrames(), audio);
    }
}
