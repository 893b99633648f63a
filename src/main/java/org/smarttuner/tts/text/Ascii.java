package org.smarttuner.tts.text;

import java.text.Normalizer;
import java.util.Map;

/** Folds accented and typographic characters to ASCII, like Tacotron2's unidecode step. */
final class Ascii {
    // letters that have no decomposition into base + accent, and typographic punctuation
    private static final Map<Character, String> SPECIAL = Map.ofEntries(
            Map.entry('æ', "ae"), Map.entry('Æ', "AE"), Map.entry('œ', "oe"), Map.entry('Œ', "OE"),
            Map.entry('ø', "o"), Map.entry('Ø', "O"), Map.entry('ß', "ss"), Map.entry('ł', "l"),
            Map.entry('Ł', "L"), Map.entry('đ', "d"), Map.entry('Đ', "D"), Map.entry('ð', "d"),
            Map.entry('þ', "th"), Map.entry('ı', "i"),
            Map.entry('\u2018', "'"), Map.entry('\u2019', "'"), Map.entry('\u201C', "\""),
            Map.entry('\u201D', "\""), Map.entry('\u2013', "-"), Map.entry('\u2014', "-"),
            Map.entry('\u2026', "..."), Map.entry('\u00A0', " "));

    private Ascii() {
    }

    static String fold(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String r = SPECIAL.get(c);
            sb.append(r != null ? r : String.valueOf(c));
        }
        return Normalizer.normalize(sb, Normalizer.Form.NFD).replaceAll("\\p{M}+", "");
    }
}
