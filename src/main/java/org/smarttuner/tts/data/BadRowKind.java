package org.smarttuner.tts.data;

/** Why a metadata row cannot be used. */
public enum BadRowKind {
    MALFORMED_ROW("malformed row"),
    DUPLICATE_ID("duplicate id"),
    MISSING_WAV("missing wav"),
    UNREADABLE_WAV("unreadable wav"),
    WRONG_SAMPLE_RATE("wrong sample rate"),
    AUDIO_TOO_SHORT("audio too short"),
    EMPTY_TEXT("empty text"),
    TEXT_TOO_LONG("text too long"),
    AUDIO_TOO_LONG("audio too long");

    private final String label;

    BadRowKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
