package org.smarttuner.tts.text;

import java.util.Locale;

/** The text normalisations Tacotron2 offers, chosen by {@code data.text_cleaners}. */
public enum TextCleaner {
    /** Accents folded to ASCII, lowercase, numbers and abbreviations spelled out, whitespace collapsed. */
    ENGLISH("english"),
    /** Lowercase and whitespace collapsed (for text that is already normalised). */
    BASIC("basic"),
    /** Text used as is. */
    NONE("none");

    private final String configName;

    TextCleaner(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    public static TextCleaner fromName(String name) {
        for (TextCleaner c : values()) {
            if (c.configName.equals(name.toLowerCase(Locale.ROOT))) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown text cleaner '" + name + "'; allowed: english, basic, none");
    }

    public String clean(String text) {
        return switch (this) {
            case ENGLISH -> collapse(Abbreviations.expand(Numbers.expand(Ascii.fold(text).toLowerCase(Locale.ROOT))));
            case BASIC -> collapse(text.toLowerCase(Locale.ROOT));
            case NONE -> text;
        };
    }

    private static String collapse(String s) {
        return s.replaceAll("\\s+", " ").strip();
    }
}
