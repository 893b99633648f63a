package org.smarttuner.tts.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TextEncoderTest {
    @Test
    void symbolTableMatchesTacotron2Order() {
        assertEquals(0, Symbols.PAD_ID);
        assertEquals('_', Symbols.symbol(0));
        assertEquals(1 + 1 + 10 + 52, Symbols.count());
        assertEquals(1, Symbols.id('-').orElseThrow());
        assertEquals(12, Symbols.id('A').orElseThrow());
        assertEquals(38, Symbols.id('a').orElseThrow());
        assertEquals(11, Symbols.id(' ').orElseThrow());
        assertFalse(Symbols.id('_').isPresent(), "the pad is not valid input");
        assertFalse(Symbols.id('é').isPresent());
    }

    @Test
    void encodesWithoutEverUsingThePad() {
        EncodedText t = TextEncoder.of("english", "fail").encode("Hi, 2!");
        String decoded = decode(t.ids());
        assertEquals("hi, two!", decoded);
        for (int id : t.ids()) {
            assertTrue(id > 0);
        }
        assertEquals(0, t.droppedCharacters());
    }

    @Test
    void dropsAndCountsUnknownCharacters() {
        EncodedText t = TextEncoder.of("basic", "drop").encode("a#b@c_d 日本");
        assertEquals("abcd ", decode(t.ids()));
        assertEquals(5, t.droppedCharacters());
    }

    @Test
    void failsOnUnknownCharacterSayingWhichAndWhere() {
        UnknownCharacterException e = assertThrows(UnknownCharacterException.class,
                () -> TextEncoder.of("basic", "fail").encode("ab#c"));
        assertTrue(e.getMessage().contains("'#' (U+0023) at position 2"), e.getMessage());
        assertTrue(e.getMessage().contains("allowed: -!'(),.:;? ABC"), e.getMessage());
    }

    @Test
    void refusesUnknownPolicies() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TextEncoder.of("english", "keep"));
        assertTrue(e.getMessage().contains("drop or fail"), e.getMessage());
    }

    private static String decode(int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            sb.append(Symbols.symbol(id));
        }
        return sb.toString();
    }
}
