package org.smarttuner.tts.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smarttuner.tts.audio.MelFilterbank;

class SyntheticCorpusTest {
    @Test
    void textsAreSeededShortAndFromTheAlphabet() {
        SyntheticCorpus a = new SyntheticCorpus(7, 22050);
        SyntheticCorpus b = new SyntheticCorpus(7, 22050);
        SyntheticCorpus c = new SyntheticCorpus(8, 22050);
        int differ = 0;
        for (int i = 0; i < 500; i++) {
            String t = a.text(i);
            assertEquals(t, b.text(i));
            differ += t.equals(c.text(i)) ? 0 : 1;
            assertTrue(t.length() >= SyntheticCorpus.MIN_SYMBOLS && t.length() <= SyntheticCorpus.MAX_SYMBOLS, t);
            assertTrue(t.matches("[a-l]+( [a-l]+)*"), t);
            float[] audio = a.render(t, i);
            int frames = 1 + audio.length / 256;
            assertTrue(frames <= SyntheticCorpus.MAX_FRAMES, frames + " frames for " + t);
        }
        assertTrue(differ > 490, "another seed gives other texts");
    }

    @Test
    void everyLetterHasItsOwnSoundAndDuration() {
        Set<Long> lowBands = new HashSet<>();
        Set<String> patterns = new HashSet<>();
        for (int l = 0; l < SyntheticCorpus.ALPHABET.length(); l++) {
            double[] f = SyntheticCorpus.partials(l);
            assertTrue(f[0] > 200 && f[1] < 8000, "inside the mel range");
            // the low partials sit in distinct mel bands (80 bands over 0-8000 Hz), so letters are told apart
            lowBands.add(Math.round(MelFilterbank.hzToMel(f[0]) / (MelFilterbank.hzToMel(8000) / 81)));
            patterns.add(Math.round(f[0]) + "/" + Math.round(f[1]) + "/" + SyntheticCorpus.hops(l));
            assertTrue(SyntheticCorpus.hops(l) >= 3 && SyntheticCorpus.hops(l) <= 7);
        }
        assertEquals(12, lowBands.size());
        assertEquals(12, patterns.size());
    }

    @Test
    void writesLjSpeechLayoutDeterministically(@TempDir Path tmp) throws IOException {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        new SyntheticCorpus(3, 22050).write(a, 12);
        new SyntheticCorpus(3, 22050).write(b, 5);
        List<String> meta = Files.readAllLines(a.resolve("metadata.csv"));
        assertEquals(12, meta.size());
        assertTrue(meta.get(0).matches("SYN-000000\\|[a-l ]+\\|[a-l ]+"), meta.get(0));
        assertEquals(meta.subList(0, 5), Files.readAllLines(b.resolve("metadata.csv")), "a smaller corpus is a prefix");
        for (int i = 0; i < 5; i++) {
            assertArrayEquals(Files.readAllBytes(a.resolve("wavs/" + SyntheticCorpus.id(i) + ".wav")),
                    Files.readAllBytes(b.resolve("wavs/" + SyntheticCorpus.id(i) + ".wav")));
        }
        assertEquals(new CorpusMarker("synthetic", 12, 3, 22050), CorpusMarker.read(a).orElseThrow());
        new SyntheticCorpus(4, 22050).write(b, 5);
        assertNotEquals(meta.get(0), Files.readAllLines(b.resolve("metadata.csv")).get(0));
    }
}
