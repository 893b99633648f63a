package org.smarttuner.tts.data;

/** One unusable metadata row: where it is, what is wrong with it, in words a user can act on. */
public record BadRow(String file, int line, String id, BadRowKind kind, String detail) {
    public String describe() {
        return file + ":" + line + (id.isEmpty() ? "" : " (" + id + ")") + ": " + kind.label() + ": " + detail;
    }
}
