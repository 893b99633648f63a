package org.smarttuner.config;

import org.smarttuner.tts.audio.AudioSettings;

/** Reads the data.audio section into {@link AudioSettings}. */
final class AudioSection {
    private AudioSection() {
    }

    static AudioSettings read(ConfigReader r) {
        int sr = r.intValue("sample_rate", 22050, Range.closed(8000, 192_000));
        int filter = r.intValue("filter_length", 1024, Range.closed(64, 16384));
        int hop = r.intValue("hop_length", 256, Range.closed(16, 16384));
        int win = r.intValue("win_length", 1024, Range.closed(16, 16384));
        int mels = r.intValue("n_mels", 80, Range.closed(8, 512));
        double fmin = r.number("mel_fmin", 0.0, Range.atLeast(0));
        double fmax = r.number("mel_fmax", 8000.0, Range.greaterThan(0));
        double floor = r.number("log_floor", 1e-5, Range.open(0, 1));
        if (win > filter) {
            r.error("win_length", "win_length " + win + " is longer than filter_length " + filter,
                    "win_length <= filter_length");
        }
        if (hop > win) {
            r.error("hop_length", "hop_length " + hop + " is longer than win_length " + win, "hop_length <= win_length");
        }
        if (fmax > sr / 2.0) {
            r.error("mel_fmax", "mel_fmax " + fmax + " is above the Nyquist frequency " + sr / 2.0 + " of sample_rate "
                    + sr, "mel_fmax <= sample_rate / 2");
        }
        if (fmin >= fmax) {
            r.error("mel_fmin", "mel_fmin " + fmin + " must be below mel_fmax " + fmax, "mel_fmin < mel_fmax");
        }
        if (Integer.bitCount(filter) != 1) {
            r.error("filter_length", "filter_length " + filter + " is not a power of two", "a power of two such as 1024");
        }
        return new AudioSettings(sr, filter, hop, win, mels, fmin, fmax, floor);
    }
}
