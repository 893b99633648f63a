package org.smarttuner.report;

import java.util.Optional;

/**
 * The best trial spoken: its attention alignment as a PNG and a Griffin-Lim WAV of one sentence,
 * or why there is none (no completed trial, checkpoint gone or unreadable).
 */
public record Sample(String text, Optional<byte[]> alignmentPng, Optional<byte[]> wav, String note) {
    public static Sample missing(String text, String why) {
        return new Sample(text, Optional.empty(), Optional.empty(), why);
    }

    public boolean present() {
        return alignmentPng.isPresent() && wav.isPresent();
    }
}
