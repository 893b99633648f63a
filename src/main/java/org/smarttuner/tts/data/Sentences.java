package org.smarttuner.tts.data;

import java.util.List;
import java.util.Random;

/**
 * Plain English sentences for the espeak-ng demo corpus, built from templates with a seeded
 * random choice of words: short (5-14 words), only letters and the punctuation Tacotron2's
 * symbols know, and numbers that the English cleaners spell out.
 */
final class Sentences {
    private static final List<String> SUBJECTS = List.of("the old sailor", "a small child", "my neighbour",
            "the teacher", "our driver", "the young doctor", "a tired farmer", "the captain", "her brother",
            "the baker", "a quiet student", "the mayor", "his sister", "the painter", "a clever fox");
    private static final List<String> VERBS = List.of("found", "carried", "painted", "opened", "watched",
            "cleaned", "borrowed", "repaired", "described", "remembered", "counted", "lifted", "visited");
    private static final List<String> OBJECTS = List.of("a wooden box", "the red door", "three letters",
            "the broken clock", "a basket of apples", "the long bridge", "an empty room", "the green boat",
            "a bright lamp", "the morning paper", "two silver coins", "the garden gate", "a heavy coat");
    private static final List<String> PLACES = List.of("near the river", "in the market", "after dinner",
            "before sunrise", "at the station", "on the hill", "by the window", "in the library",
            "during the storm", "behind the school", "at noon", "under the bridge");
    private static final List<String> QUESTIONS = List.of("Where is", "Who took", "Why did you move",
            "When will we see", "Have you seen");

    private Sentences() {
    }

    static String sentence(long seed, int index) {
        Random r = new Random(seed * 0x2545F4914F6CDD1DL + index);
        String s;
        switch (r.nextInt(5)) {
            case 0 -> s = cap(pick(r, QUESTIONS)) + " " + pick(r, OBJECTS) + " " + pick(r, PLACES) + "?";
            case 1 -> s = cap(pick(r, SUBJECTS)) + " " + pick(r, VERBS) + " " + (2 + r.nextInt(97)) + " "
                    + pick(r, List.of("boxes", "letters", "apples", "stones", "books")) + " " + pick(r, PLACES) + ".";
            case 2 -> s = cap(pick(r, PLACES)) + ", " + pick(r, SUBJECTS) + " " + pick(r, VERBS) + " "
                    + pick(r, OBJECTS) + ".";
            case 3 -> s = cap(pick(r, SUBJECTS)) + " " + pick(r, VERBS) + " " + pick(r, OBJECTS) + " in "
                    + (1850 + r.nextInt(170)) + ".";
            default -> s = cap(pick(r, SUBJECTS)) + " " + pick(r, VERBS) + " " + pick(r, OBJECTS) + " "
                    + pick(r, PLACES) + "!";
        }
        return s;
    }

    /** The first {@code n} distinct sentences of the seed's sequence (a repeated sentence would teach nothing new). */
    static List<String> distinct(long seed, int n) {
        java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
        for (int i = 0; out.size() < n; i++) {
            out.add(sentence(seed, i));
        }
        return List.copyOf(out);
    }

    private static String pick(Random r, List<String> words) {
        return words.get(r.nextInt(words.size()));
    }

    private static String cap(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
