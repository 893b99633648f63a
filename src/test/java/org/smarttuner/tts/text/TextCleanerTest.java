package org.smarttuner.tts.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TextCleanerTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Hello   World |hello world",
        "Café naïve résumé Ærø Straße|cafe naive resume aero strasse",
        "Mr. Smith met Dr. Jones on St. Patrick's day.|mister smith met doctor jones on saint patrick's day.",
        "Mrs. Lee, Capt. Cook and Lt. Dan|misess lee, captain cook and lieutenant dan",
        "I have 3 cats|i have three cats",
        "It cost $3.50 today|it cost three dollars, fifty cents today",
        "Just $1 and $0.01|just one dollar and one cent",
        "About £200|about two hundred pounds",
        "Pi is 3.14|pi is three point fourteen",
        "the 1st, 2nd, 3rd, 4th and 22nd|the first, second, third, fourth and twenty-second",
        "the 100th and 12th|the one hundredth and twelfth",
        "1,234,567 people|one million, two hundred thirty-four thousand, five hundred sixty-seven people",
        "In 1984 and 1900 and 2000 and 2007 and 1905|in nineteen eighty-four and nineteen hundred and two thousand and two thousand seven and nineteen oh five",
        "0 and 1000 and 3000 and 101|zero and one thousand and three thousand and one hundred one",
        "“Quoted” — dash…|\"quoted\" - dash...",
    })
    void english(String input, String expected) {
        assertEquals(expected, TextCleaner.ENGLISH.clean(input));
    }

    @Test
    void collapsesAllWhitespace() {
        assertEquals("tabs and newlines", TextCleaner.ENGLISH.clean("  Tabs\tand\n\r newlines  "));
    }

    @Test
    void basicAndNone() {
        assertEquals("mr. smith has 3 cafés", TextCleaner.BASIC.clean("  Mr.  Smith has 3 Cafés "));
        assertEquals("  Mr. X ", TextCleaner.NONE.clean("  Mr. X "));
    }

    @Test
    void namesFromConfig() {
        assertEquals(TextCleaner.ENGLISH, TextCleaner.fromName("english"));
        assertEquals(TextCleaner.BASIC, TextCleaner.fromName("Basic"));
        assertEquals(TextCleaner.NONE, TextCleaner.fromName("none"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TextCleaner.fromName("german"));
        assertEquals("unknown text cleaner 'german'; allowed: english, basic, none", e.getMessage());
    }

    @Test
    void hugeNumbersAreReadDigitByDigit() {
        assertEquals("one two three four five six seven eight nine zero one two three four five six seven eight nine",
                TextCleaner.ENGLISH.clean("1234567890123456789"));
    }
}
