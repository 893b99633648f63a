package org.smarttuner.tts.text;

import java.util.Locale;

/**
 * Cleans text and turns it into symbol ids (never the pad id 0). Characters that are not
 * symbols after cleaning are dropped and counted, or refused, per {@code data.unknown_chars}.
 */
public final class TextEncoder {
    private final TextCleaner cleaner;
    private final boolean failOnUnknown;

    public TextEncoder(TextCleaner cleaner, boolean failOnUnknown) {
        this.cleaner = cleaner;
        this.failOnUnknown = failOnUnknown;
    }

    /**
     * @param textCleaners english, basic or none
     * @param unknownChars drop or fail
     */
    public static TextEncoder of(String textCleaners, String unknownChars) {
        boolean fail = switch (unknownChars.toLowerCase(Locale.ROOT)) {
            case "drop" -> false;
            case "fail" -> true;
            default -> throw new IllegalArgumentException("unknown_chars must be drop or fail, got '" + unknownChars + "'");
        };
        return new TextEncoder(TextCleaner.fromName(textCleaners), fail);
    }

    public TextCleaner cleaner() {
        return cleaner;
    }

    /** @throws UnknownCharacterException under the fail policy, naming the character and where it is */
    public EncodedText encode(String text) {
        String clean = cleaner.clean(text);
        int[] ids = new int[clean.length()];
        int n = 0;
        int dropped = 0;
        for (int i = 0; i < clean.length(); i++) {
            char c = clean.charAt(i);
            var id = Symbols.id(c);
            if (id.isPresent()) {
                ids[n++] = id.get();
            } else if (failOnUnknown) {
                throw new UnknownCharacterException(String.format(Locale.ROOT,
                        "character '%s' (U+%04X) at position %d of the cleaned text \"%s\" is not a symbol; "
                                + "allowed: %s (or set data.unknown_chars: drop)", c, (int) c, i, clean,
                        Symbols.allowed()));
            } else {
                dropped++;
            }
        }
        return new EncodedText(java.util.Arrays.copyOf(ids, n), dropped);
    }
}
