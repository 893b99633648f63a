package org.smarttuner.tts.data;

/** One {@code metadata.csv} line: {@code id|text|normalized text}; the text used is the normalized one when present. */
public record MetadataRow(int line, String id, String text, String normalized) {
    public String spokenText() {
        return normalized.isBlank() ? text : normalized;
    }
}
