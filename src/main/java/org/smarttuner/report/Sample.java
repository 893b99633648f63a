package org.smarttuner.report;

import java.util.Optional;
import org.smarttuner.tts.eval.UtteranceVoice;

/**
 * A trial spoken: its free-running attention alignment and mel as PNGs, a Griffin-Lim WAV, and when
 * the text has a recording, the recording's mel (drawn on the same scale) and the voice metrics
 * against it; or why there is none (no completed trial, checkpoint gone or unreadable).
 */
public record Sample(String label, String text, Optional<byte[]> alignmentPng, Optional<byte[]> wav,
        Optional<byte[]> melPng, Optional<byte[]> recordedMelPng, Optional<UtteranceVoice> voice, String note) {

    public static Sample missing(String label, String text, String why) {
        return new Sample(label, text, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), why);
    }

    public static Sample missing(String text, String why) {
        return missing("", text, why);
    }

    public Sample labelled(String newLabel) {
        return new Sample(newLabel, text, alignmentPng, wav, melPng, recordedMelPng, voice, note);
    }

    public boolean present() {
        return alignmentPng.isPresent() && wav.isPresent();
    }
}
