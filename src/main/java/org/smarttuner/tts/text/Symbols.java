package org.smarttuner.tts.text;

import java.util.Arrays;
import java.util.Optional;

/**
 * Tacotron2's symbol set without ARPAbet: pad {@code _} (id 0), {@code -}, punctuation
 * {@code !'(),.:;? } and the letters A-Z, a-z. Ids are stable: the order matches NVIDIA's
 * {@code text/symbols.py} so a checkpoint's embedding rows mean the same symbols.
 */
public final class Symbols {
    public static final char PAD = '_';
    public static final int PAD_ID = 0;
    private static final String ALL = "_" + "-" + "!'(),.:;? "
            + "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final int[] IDS = new int[128];

    static {
        Arrays.fill(IDS, -1);
        for (int i = 0; i < ALL.length(); i++) {
            IDS[ALL.charAt(i)] = i;
        }
    }

    private Symbols() {
    }

    /** Number of symbols including the pad: the embedding table's row count. */
    public static int count() {
        return ALL.length();
    }

    /** The id of {@code c}, empty when it is not a symbol (the pad character is not valid input). */
    public static Optional<Integer> id(char c) {
        if (c >= IDS.length || c == PAD) {
            return Optional.empty();
        }
        int id = IDS[c];
        return id < 0 ? Optional.empty() : Optional.of(id);
    }

    public static char symbol(int id) {
        if (id < 0 || id >= ALL.length()) {
            throw new IllegalArgumentException("symbol id " + id + " is outside 0.." + (ALL.length() - 1));
        }
        return ALL.charAt(id);
    }

    /** The characters text may contain, for error messages. */
    public static String allowed() {
        return ALL.substring(1);
    }
}
